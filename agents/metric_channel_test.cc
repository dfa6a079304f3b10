#include "agents/metric_channel.h"

#include <gtest/gtest.h>

#include <cmath>

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
  for (const char* type : {"summary", "config", "artifact", "finish"}) {
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

}  // namespace
}  // namespace sweep
