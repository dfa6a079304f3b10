#include "sweep/spec/duration.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

TEST(ParseDuration, UnitsAndPlainSeconds) {
  EXPECT_EQ(*ParseDuration("90s"), 90);
  EXPECT_EQ(*ParseDuration("30m"), 1800);
  EXPECT_EQ(*ParseDuration("2h"), 7200);
  EXPECT_EQ(*ParseDuration("1.5h"), 5400);
  EXPECT_EQ(*ParseDuration("1d"), 86400);
  EXPECT_EQ(*ParseDuration("45"), 45);
  EXPECT_EQ(*ParseDuration("0.25"), 0.25);
}

TEST(ParseDuration, RejectsNonsense) {
  for (const char* bad : {"", "s", "abc", "10x", "-5s", "0", "1e999h", "5 m", "m5", "nan"}) {
    auto r = ParseDuration(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(r.error().message.find("'" + std::string(bad) + "'"), std::string::npos) << r.error().message;
  }
}

TEST(ParseDuration, RangeIsAMillisecondToAYear) {
  EXPECT_EQ(*ParseDuration("365d"), kMaxDurationSeconds);
  EXPECT_EQ(*ParseDuration("0.001"), kMinDurationSeconds);
  // Issue 12: 1e10 s validated, then a 2 s trial was killed at once as past its timeout.
  for (const char* bad : {"10000000000", "366d", "1e300", "0.0001s"}) {
    auto r = ParseDuration(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find(std::string(bad) == "0.0001s" ? "millisecond" : "longer than a year"),
              std::string::npos)
        << r.error().message;
  }
}

}  // namespace
}  // namespace sweep
