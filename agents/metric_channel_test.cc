#include "agents/metric_channel.h"

#include <gtest/gtest.h>

#include "core/json_limits.h"

#include <cmath>
#include <string>
#include <vector>

namespace sweep {
namespace {

constexpr double kNow = 1700000000.0;

TEST(MetricChannelParser, LogWithStepAndTime) {
  MetricChannelParser p;
  ChannelLine line = p.Parse(R"({"t":"log","step":7,"time":12.5,"data":{"loss":0.5,"ok":false,"s":"x"}})", kNow);
  EXPECT_FALSE(line.bad);
  EXPECT_FALSE(line.message);
  ASSERT_EQ(line.points.size(), 2u);
  EXPECT_EQ(line.points[0].key, "loss");
  EXPECT_EQ(line.points[0].step, 7);
  EXPECT_EQ(line.points[0].time, 12.5);
  EXPECT_EQ(line.points[1].key, "ok");
  EXPECT_EQ(line.points[1].value, 0);
}

TEST(MetricChannelParser, LogWithoutStepCountsPerKeyAndUsesNow) {
  MetricChannelParser p;
  p.Parse(R"({"t":"log","data":{"loss":1}})", kNow);
  ChannelLine line = p.Parse(R"({"t":"log","data":{"loss":2,"acc":1}})", kNow);
  ASSERT_EQ(line.points.size(), 2u);
  EXPECT_EQ(line.points[0].key, "acc");
  EXPECT_EQ(line.points[0].step, 0);
  EXPECT_EQ(line.points[1].step, 1);
  EXPECT_EQ(line.points[1].time, kNow);
}

TEST(MetricChannelParser, OtherTypesArePassedOnRaw) {
  MetricChannelParser p;
  for (const char* type : {"summary", "config", "artifact", "finish", "run"}) {
    std::string json = std::string(R"({"t":")") + type + R"(","data":{"a":1}})";
    ChannelLine line = p.Parse(json, kNow);
    ASSERT_TRUE(line.message) << type;
    EXPECT_EQ(line.message->type, type);
    EXPECT_EQ(line.message->json, json);
    EXPECT_FALSE(line.bad);
  }
}

TEST(MetricChannelParser, BadLinesAreCounted) {
  MetricChannelParser p;
  for (const char* json : {"{", "[]", "3", R"({"data":{}})", R"({"t":5})", R"({"t":"nope"})",
                           R"({"t":"log"})", R"({"t":"log","data":[1]})", "\xff\xfe"}) {
    ChannelLine line = p.Parse(json, kNow);
    EXPECT_TRUE(line.bad) << json;
    EXPECT_TRUE(line.points.empty());
    EXPECT_FALSE(line.message);
  }
  EXPECT_FALSE(p.Parse("   ", kNow).bad);
}

TEST(MetricChannelParser, LinesPastTheLimitsAreRefusedWithAReason) {
  MetricChannelParser p;
  constexpr std::size_t kHostileDepth = 50'000;  // issue 12: this line crashed the controller
  const std::string deep = std::string(kHostileDepth, '[') + std::string(kHostileDepth, ']');
  for (const char* type : {"finish", "summary", "config", "artifact", "log"}) {
    ChannelLine line = p.Parse(std::string(R"({"t":")") + type + R"(","data":{"x":)" + deep + "}}", kNow);
    EXPECT_TRUE(line.bad) << type;
    EXPECT_FALSE(line.message) << type;
    EXPECT_TRUE(line.points.empty()) << type;
    EXPECT_NE(line.limit_error.find("nested deeper than"), std::string::npos) << type << ": " << line.limit_error;
  }
  ChannelLine huge = p.Parse(R"({"t":"summary","data":{"s":")" + std::string(kMaxChannelLineBytes, 'a') + "\"}}", kNow);
  EXPECT_TRUE(huge.bad);
  EXPECT_EQ(huge.limit_error, OversizedChannelLineError());
  // Plain bad lines are not limit errors: they are only counted.
  EXPECT_TRUE(p.Parse("{", kNow).limit_error.empty());
  // Nesting within the limit is passed on as before.
  const std::string ok_depth = std::string(kMaxJsonDepth - 3, '[') + std::string(kMaxJsonDepth - 3, ']');
  ChannelLine fine = p.Parse(R"({"t":"config","data":{"x":)" + ok_depth + "}}", kNow);
  EXPECT_FALSE(fine.bad);
  EXPECT_TRUE(fine.message);
}

}  // namespace
}  // namespace sweep

namespace sweep {
namespace {

TEST(MetricChannelParser, PythonNaNIsAValue) {
  MetricChannelParser p;
  ChannelLine line = p.Parse(R"({"t": "log", "data": {"loss": NaN}})", 1.0);
  EXPECT_FALSE(line.bad);
  ASSERT_EQ(line.points.size(), 1u);
  EXPECT_TRUE(std::isnan(line.points[0].value));
}

// The flat-log fast path and the general JSON path must agree: each line is
// parsed as sent and with a trailing member that forces the general path
// (an object value the scanner never accepts), and the points compared.
TEST(MetricChannelParser, FastPathAgreesWithTheGeneralPath) {
  const std::vector<std::string> data = {
      R"("b":2,"a":1)",                    // sorted by key, as a JSON object reads
      R"( "x" : 1e3 , "y":-0 , "z":true )",  // whitespace, exponent, -0, booleans
      R"("k":0.1,"k":0.2)",                // repeated key: the last one wins
      R"("esc\"aped":1)",                  // escapes go to the general path
      R"("big":12345678901234567890)",
      R"("n":NaN,"m":1)",
      R"("s":"text","v":3.25)",
  };
  for (const auto& d : data) {
    MetricChannelParser fast, general;
    const ChannelLine a = fast.Parse(R"({"t":"log","step":4,"time":2.5,"data":{)" + d + "}}", kNow);
    const ChannelLine b =
        general.Parse(R"({"t":"log","step":4,"time":2.5,"extra":{"nested":1},"data":{)" + d + "}}", kNow);
    EXPECT_EQ(a.bad, b.bad) << d;
    ASSERT_EQ(a.points.size(), b.points.size()) << d;
    for (std::size_t i = 0; i < a.points.size(); ++i) {
      EXPECT_EQ(a.points[i].key, b.points[i].key) << d;
      EXPECT_EQ(a.points[i].step, 4) << d;
      EXPECT_EQ(a.points[i].time, 2.5) << d;
      if (std::isnan(b.points[i].value)) {
        EXPECT_TRUE(std::isnan(a.points[i].value)) << d;
      } else {
        EXPECT_EQ(a.points[i].value, b.points[i].value) << d;
        EXPECT_EQ(std::signbit(a.points[i].value), std::signbit(b.points[i].value)) << d;
      }
    }
  }
}

TEST(MetricChannelParser, FastPathRejectsWhatJsonRejects) {
  MetricChannelParser p;
  EXPECT_TRUE(p.Parse(R"({"t":"log","data":{"a":1}} trailing)", kNow).bad);
  EXPECT_TRUE(p.Parse(R"({"t":"log","data":{"a":inf}})", kNow).bad);
  EXPECT_TRUE(p.Parse(R"({"t":"log","data":{"a":01}})", kNow).bad);
  EXPECT_TRUE(p.Parse(R"({"t":"log","data":{"a":1,}})", kNow).bad);
  // A non-integer step is no step: the key's own counter is used.
  ChannelLine line = p.Parse(R"({"t":"log","step":1.5,"data":{"c":1}})", kNow);
  ASSERT_EQ(line.points.size(), 1u);
  EXPECT_EQ(line.points[0].step, 0);
}

}  // namespace
}  // namespace sweep
