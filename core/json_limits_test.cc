#include "core/json_limits.h"

#include <gtest/gtest.h>

#include <string>

namespace sweep {
namespace {

std::string Nested(int depth, char open = '[', char close = ']') {
  return std::string(static_cast<std::size_t>(depth), open) + std::string(static_cast<std::size_t>(depth), close);
}

TEST(JsonLimits, NestingUpToTheLimitPasses) {
  EXPECT_TRUE(CheckJsonLimits(Nested(kMaxJsonDepth)).ok());
  EXPECT_TRUE(CheckJsonLimits(Nested(kMaxJsonDepth, '{', '}')).ok());
  // Depth goes down again: many shallow siblings are fine.
  std::string siblings = "[";
  for (int i = 0; i < 10 * kMaxJsonDepth; ++i) siblings += "[[]],";
  EXPECT_TRUE(CheckJsonLimits(siblings + "1]").ok());
}

TEST(JsonLimits, OneLevelDeeperFailsAndSaysWhere) {
  auto status = CheckJsonLimits(Nested(kMaxJsonDepth + 1));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(status.error().message, "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels (at byte " +
                                        std::to_string(kMaxJsonDepth) + ")");
  // Objects and arrays count together.
  std::string mixed;
  for (int i = 0; i <= kMaxJsonDepth; ++i) mixed += i % 2 ? "{\"k\":" : "[";
  EXPECT_FALSE(CheckJsonLimits(mixed).ok());
}

TEST(JsonLimits, FiftyThousandLevelsFailFast) {
  constexpr int kHostileDepth = 50'000;  // the line of issue 12 that crashed the controller
  EXPECT_FALSE(CheckJsonLimits(R"({"t":"finish","x":)" + Nested(kHostileDepth) + "}").ok());
}

TEST(JsonLimits, BracketsInsideStringsDoNotCount) {
  const std::string brackets(static_cast<std::size_t>(kMaxJsonDepth) * 2, '[');
  EXPECT_TRUE(CheckJsonLimits("{\"k\":\"" + brackets + "\"}").ok());
  // An escaped quote does not end the string.
  EXPECT_TRUE(CheckJsonLimits("{\"k\":\"\\\"" + brackets + "\"}").ok());
  // An escaped backslash does: what follows the string counts again.
  EXPECT_FALSE(CheckJsonLimits("[\"\\\\\"," + Nested(kMaxJsonDepth) + "]").ok());
}

TEST(JsonLimits, SizeLimit) {
  EXPECT_TRUE(CheckJsonLimits("[1,2]", 5).ok());
  auto status = CheckJsonLimits("[1,2,3]", 5);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "JSON of 7 bytes is over the limit of 5 bytes");
}

}  // namespace
}  // namespace sweep
