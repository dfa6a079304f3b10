#include "tracking/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace sweep {
namespace {

TEST(Ids, EightLowercaseBase36AndDistinct) {
  IdGenerator gen;
  std::set<std::string> seen;
  constexpr int kSamples = 10'000;  // collisions here would mean a broken generator
  for (int i = 0; i < kSamples; ++i) {
    std::string id = gen.Next();
    ASSERT_EQ(id.size(), kIdLength);
    ASSERT_TRUE(IsIdPrefix(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kSamples));
}

TEST(Ids, GeneratorsAreIndependentlySeeded) {
  IdGenerator a, b;
  EXPECT_NE(a.Next(), b.Next());
}

TEST(Ids, PrefixValidation) {
  EXPECT_TRUE(IsIdPrefix("a"));
  EXPECT_TRUE(IsIdPrefix("0z9y8x7w"));
  EXPECT_FALSE(IsIdPrefix(""));
  EXPECT_FALSE(IsIdPrefix("0z9y8x7w6"));
  EXPECT_FALSE(IsIdPrefix("ABC"));
  EXPECT_FALSE(IsIdPrefix("a*"));
  EXPECT_FALSE(IsIdPrefix("a?"));
  EXPECT_FALSE(IsIdPrefix("a["));
}

TEST(Ids, ChosenRunIdsAreSafeFileNames) {
  EXPECT_TRUE(IsValidChosenRunId("test-resume-123"));
  EXPECT_TRUE(IsValidChosenRunId("Run_2.b"));
  EXPECT_TRUE(IsValidChosenRunId(std::string(kMaxChosenIdLength, 'a')));
  EXPECT_FALSE(IsValidChosenRunId(std::string(kMaxChosenIdLength + 1, 'a')));
  EXPECT_FALSE(IsValidChosenRunId(""));
  EXPECT_FALSE(IsValidChosenRunId(".."));
  EXPECT_FALSE(IsValidChosenRunId("-rf"));
  EXPECT_FALSE(IsValidChosenRunId("a/b"));
  EXPECT_FALSE(IsValidChosenRunId("a b"));
}

}  // namespace
}  // namespace sweep
