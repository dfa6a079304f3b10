#include "agents/metric_line_parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace sweep {
namespace {

constexpr double kNow = 1700000000.5;

TEST(MetricLineParser, KeyValuePairsSeparatedBySpacesAndCommas) {
  MetricLineParser p;
  auto points = p.Parse("  loss=0.25, acc=0.91 lr=1e-3 ", kNow);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0].key, "loss");
  EXPECT_DOUBLE_EQ(points[0].value, 0.25);
  EXPECT_EQ(points[1].key, "acc");
  EXPECT_EQ(points[2].key, "lr");
  EXPECT_DOUBLE_EQ(points[2].value, 1e-3);
  EXPECT_DOUBLE_EQ(points[0].time, kNow);
}

TEST(MetricLineParser, KeysMayContainDotsSlashesDashes) {
  MetricLineParser p;
  auto points = p.Parse("train/loss=1 val.acc-top1=2 _x=3", kNow);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0].key, "train/loss");
  EXPECT_EQ(points[1].key, "val.acc-top1");
  EXPECT_EQ(points[2].key, "_x");
}

TEST(MetricLineParser, NanAndInfinities) {
  MetricLineParser p;
  auto points = p.Parse("a=nan b=inf c=-inf d=+2", kNow);
  ASSERT_EQ(points.size(), 4u);
  EXPECT_TRUE(std::isnan(points[0].value));
  EXPECT_EQ(points[1].value, INFINITY);
  EXPECT_EQ(points[2].value, -INFINITY);
  EXPECT_EQ(points[3].value, 2);
}

TEST(MetricLineParser, NonMetricLinesYieldNothing) {
  MetricLineParser p;
  for (const char* line : {"", "   ", "hello world", "mode=train", "1x=2", "a==2", "=3", "a=1.5.2", "loss: 0.3",
                           "{not json", "[1,2]", "{\"a\": \"text\"}", "a=0x"}) {
    EXPECT_TRUE(p.Parse(line, kNow).empty()) << line;
  }
}

TEST(MetricLineParser, BinaryAndInvalidUtf8AreSafe) {
  MetricLineParser p;
  std::string garbage("\xff\xfe\0\x80{=\xc3", 8);
  EXPECT_TRUE(p.Parse(garbage, kNow).empty());
  EXPECT_TRUE(p.Parse("{\"a\xff\": 1", kNow).empty());
  EXPECT_TRUE(p.Parse("\xff\xfe loss=2 \x80", kNow).empty());
  EXPECT_TRUE(p.Parse("{'a\xff': 1", kNow).empty());
}

// Issue 18: a line is metrics only when the whole line is pairs, a JSON
// object or a Python dict of numbers. These lines are text, only logged.
TEST(MetricLineParser, TextMentioningPairsIsNotMetrics) {
  MetricLineParser p;
  for (const char* line : {"Config: lr=0.01 seed=42", "Best val_loss=0.4", "epoch 3: loss=0.25, acc=0.91",
                           "loss=0.3 (best so far)", "lr=0.01 mode=train", "loss = 0.3", "done. loss=0.1",
                           "{'eval_loss': 0.5, 'note': 'x'}", "{'eval_loss': [0.5]}", "{'a': 1} trailing",
                           "{'a': 1", "{a: 1}", "{'': 1}", "{'a': 0x10}", "{'a' 1}"}) {
    EXPECT_TRUE(p.Parse(line, kNow).empty()) << line;
  }
}

TEST(MetricLineParser, HuggingFaceTrainerDictLines) {
  MetricLineParser p;
  auto points = p.Parse("{'eval_loss': 0.5, 'eval_runtime': 1.25, 'epoch': 1.0}", kNow);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0].key, "eval_loss");
  EXPECT_DOUBLE_EQ(points[0].value, 0.5);
  EXPECT_EQ(points[2].key, "epoch");
  EXPECT_EQ(points[0].step, 0);
  auto next = p.Parse("  {'loss': 0.25, 'grad_norm': nan, 'learning_rate': 5e-05, 'epoch': 2.0, 'step': 7,}  ", kNow);
  ASSERT_EQ(next.size(), 4u);
  EXPECT_EQ(next[0].key, "loss");
  EXPECT_EQ(next[0].step, 7);
  EXPECT_TRUE(std::isnan(next[1].value));
  EXPECT_DOUBLE_EQ(next[2].value, 5e-05);
  auto flags = p.Parse("{\"ok\": True, 'bad': False, 'x': -inf}", kNow);
  ASSERT_EQ(flags.size(), 3u);
  EXPECT_EQ(flags[0].value, 1);
  EXPECT_EQ(flags[1].value, 0);
  EXPECT_EQ(flags[2].value, -INFINITY);
  EXPECT_TRUE(p.Parse("{}", kNow).empty());
}

TEST(MetricLineParser, PerKeyCountersWithoutExplicitStep) {
  MetricLineParser p;
  p.Parse("loss=1", kNow);
  p.Parse("loss=2", kNow);
  auto points = p.Parse("loss=3 acc=0.5", kNow);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].step, 2);
  EXPECT_EQ(points[1].step, 0);
}

TEST(MetricLineParser, ExplicitStepSetsStepAndIsNotAPoint) {
  MetricLineParser p;
  auto points = p.Parse("step=10 loss=1", kNow);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].step, 10);
  auto next = p.Parse("loss=2", kNow);
  EXPECT_EQ(next[0].step, 11);
  auto underscore = p.Parse("loss=3 _step=40", kNow);
  EXPECT_EQ(underscore[0].step, 40);
}

TEST(MetricLineParser, JsonObjectLines) {
  MetricLineParser p;
  auto points = p.Parse(R"(  {"loss": 0.3, "step": 4, "ok": true, "name": "x", "nested": {"a": 1}})", kNow);
  ASSERT_EQ(points.size(), 2u);
  // nlohmann's object keeps keys sorted.
  EXPECT_EQ(points[0].key, "loss");
  EXPECT_EQ(points[0].step, 4);
  EXPECT_EQ(points[1].key, "ok");
  EXPECT_EQ(points[1].value, 1);
  EXPECT_EQ(points[1].step, 4);
}

TEST(MetricLineParser, JsonWithoutStepCountsPerKey) {
  MetricLineParser p;
  p.Parse(R"({"loss": 1})", kNow);
  auto points = p.Parse(R"({"loss": 2, "_step": "x"})", kNow);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].step, 1);
}

TEST(MetricLineParser, NonIntegralStepIsIgnored) {
  MetricLineParser p;
  auto points = p.Parse("step=1.5 loss=1", kNow);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].step, 0);
}

TEST(MetricLineParser, OversizedLineYieldsNothing) {
  MetricLineParser p;
  std::string line = "loss=1 " + std::string(kMaxMetricLineBytes, 'x');
  EXPECT_TRUE(p.Parse(line, kNow).empty());
}

TEST(ParseMetricNumber, WholeStringOnly) {
  EXPECT_EQ(ParseMetricNumber("1.5"), 1.5);
  EXPECT_FALSE(ParseMetricNumber("1.5x"));
  EXPECT_FALSE(ParseMetricNumber(""));
  EXPECT_FALSE(ParseMetricNumber("+"));
}

}  // namespace
}  // namespace sweep

namespace sweep {
namespace {

TEST(MetricLineParser, PythonNonFiniteJsonLiterals) {
  MetricLineParser p;
  auto points = p.Parse(R"({"loss": NaN, "a": Infinity, "b": -Infinity, "s": "NaN text", "q": "x\"NaN"})", 1.0);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0].key, "a");
  EXPECT_EQ(points[0].value, INFINITY);
  EXPECT_EQ(points[1].value, -INFINITY);
  EXPECT_TRUE(std::isnan(points[2].value));
}

TEST(QuoteNonFiniteJsonLiterals, LeavesStringsAlone) {
  EXPECT_EQ(QuoteNonFiniteJsonLiterals(R"({"NaN": NaN, "e": "a\"NaN"})"), R"({"NaN": "NaN", "e": "a\"NaN"})");
}

}  // namespace
}  // namespace sweep
