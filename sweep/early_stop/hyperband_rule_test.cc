#include "sweep/early_stop/hyperband_rule.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace sweep {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

std::unique_ptr<HyperbandRule> Make(EarlyStopOptions o) {
  o.type = EarlyStopOptions::kHyperband;
  auto r = HyperbandRule::Create(o);
  EXPECT_TRUE(r.ok());
  return std::move(r).value();
}

EarlyStopOptions MaxIter(std::int64_t max_iter, double eta, std::int64_t s, Goal goal, bool strict) {
  EarlyStopOptions o;
  o.max_iter = max_iter;
  o.eta = eta;
  o.s = s;
  o.goal = goal;
  o.strict = strict;
  return o;
}

EarlyStopOptions MinIter(std::int64_t min_iter, double eta, Goal goal = Goal::kMinimize,
                         bool strict = false) {
  EarlyStopOptions o;
  o.min_iter = min_iter;
  o.eta = eta;
  o.goal = goal;
  o.strict = strict;
  return o;
}

// Feeds `values` live and returns the answer to the last one.
bool Feed(EarlyStopRule& rule, const std::string& run, const std::vector<double>& values) {
  bool stop = false;
  for (std::size_t i = 0; i < values.size(); ++i) {
    stop = rule.ShouldStop(run, static_cast<std::int64_t>(i), values[i]);
  }
  return stop;
}

std::vector<double> Negated(std::vector<double> v) {
  for (double& x : v) x = -x;
  return v;
}

// The runs of W&B's hyperband_stop_runs docstring (max_iter 5, eta 2, s 2 ->
// bands [1, 2]): a and e finished, b, c, d running. W&B's current code reads
// band b at history[b - 1]: band 1: sorted([10, 10, 10, 10, 10])[2] = 10;
// band 2: sorted([9, 10, 8, 7, 6])[int(0.5 * 5)] = 8. It stops b (best
// 10 > 8), not c (8 > 8 is false) nor d. (The docstring's comments, "c passes
// band 1 but not band 2", predate W&B's switch to history[b - 1].)
void CheckDocstringExample(Goal goal, bool strict) {
  const double sign = goal == Goal::kMaximize ? -1 : 1;
  auto m = [sign](std::vector<double> v) { return sign < 0 ? Negated(v) : v; };
  auto rule = Make(MaxIter(5, 2, 2, goal, strict));
  ASSERT_EQ(rule->bands(), (std::vector<std::int64_t>{1, 2}));
  // Resume-style: replay every stored history, end the finished runs, then
  // ask about the running runs again (iteration below the count: no record).
  rule->Replay("a", m({10, 9}));
  rule->Replay("b", m({10, 10}));
  rule->Replay("c", m({10, 8, 8}));
  rule->Replay("d", m({10, 7, 7}));
  rule->Replay("e", m({10, 6, 6}));
  rule->OnRunEnded("a");
  rule->OnRunEnded("e");
  EXPECT_EQ(*rule->Threshold(0), sign * 10);
  EXPECT_EQ(*rule->Threshold(1), sign * 8);
  EXPECT_TRUE(rule->ShouldStop("b", 1, sign * 10));
  EXPECT_FALSE(rule->ShouldStop("c", 2, sign * 8));
  EXPECT_FALSE(rule->ShouldStop("d", 2, sign * 7));
  // The re-asks recorded nothing: thresholds unchanged.
  EXPECT_EQ(*rule->Threshold(0), sign * 10);
  EXPECT_EQ(*rule->Threshold(1), sign * 8);
  // Ended runs are never stopped.
  EXPECT_FALSE(rule->ShouldStop("a", 2, sign * 100));
}

TEST(HyperbandRuleTest, WandbDocstringExampleMinimize) { CheckDocstringExample(Goal::kMinimize, false); }
TEST(HyperbandRuleTest, WandbDocstringExampleMaximize) { CheckDocstringExample(Goal::kMaximize, false); }
TEST(HyperbandRuleTest, WandbDocstringExampleStrict) { CheckDocstringExample(Goal::kMinimize, true); }
TEST(HyperbandRuleTest, WandbDocstringExampleStrictMaximize) {
  CheckDocstringExample(Goal::kMaximize, true);
}

// A run whose best value is good but whose value at its latest band is bad:
// kept by the non-strict rule, stopped by the strict one.
TEST(HyperbandRuleTest, StrictComparesValueAtBand) {
  for (bool strict : {false, true}) {
    auto rule = Make(MaxIter(5, 2, 2, Goal::kMinimize, strict));
    Feed(*rule, "c", {10, 8, 8});
    Feed(*rule, "d", {10, 7, 7});
    Feed(*rule, "e", {10, 6, 6});
    // f at band 1 (its 1st value): [10, 10, 10, 5] -> 10; 5 is within.
    EXPECT_FALSE(rule->ShouldStop("f", 0, 5));
    // f at band 2 (its 2nd value): [8, 7, 6, 9] -> sorted[int(0.5 * 4)] = 8;
    // its value 9 > 8, its best 5 is within.
    EXPECT_EQ(rule->ShouldStop("f", 1, 9), strict) << "strict=" << strict;
  }
}

// Live feeding with min_iter 1, eta 2: thresholds at band 1 are
// sorted(values)[int(n / 2)].
TEST(HyperbandRuleTest, LiveDecisions) {
  auto rule = Make(MinIter(1, 2));
  EXPECT_FALSE(Feed(*rule, "a", {1, 1}));  // alone: threshold is its own value
  EXPECT_FALSE(Feed(*rule, "b", {5, 5}));  // [1, 5] -> 5; 5 > 5 is false
  EXPECT_TRUE(Feed(*rule, "c", {9, 9}));   // [1, 5, 9] -> 5; 9 > 5
  EXPECT_EQ(*rule->Threshold(0), 5);
  // Band 2 is each run's 2nd value: [1, 5, 9] -> 5.
  EXPECT_EQ(*rule->Threshold(1), 5);
  EXPECT_FALSE(rule->ShouldStop("b", 2, 5));
}

// The case that showed the off-by-one: runs logging flat 1, 2 and 5 with
// min_iter 1, eta 2. Band 1 is each run's 1st value, so W&B stops the third
// run right after its first value (sorted([1, 2, 5])[1] = 2 < 5).
TEST(HyperbandRuleTest, FlatRunsStopAtTheirFirstValue) {
  auto rule = Make(MinIter(1, 2));
  EXPECT_FALSE(Feed(*rule, "a", {1, 1, 1, 1}));
  EXPECT_FALSE(Feed(*rule, "b", {2, 2, 2, 2}));
  EXPECT_TRUE(rule->ShouldStop("c", 0, 5));
  EXPECT_NE(rule->Explain("c").find("at band 1 (its 1st value)"), std::string::npos) << rule->Explain("c");
}

TEST(OrdinalNumberTest, EnglishSuffixes) {
  EXPECT_EQ(OrdinalNumber(1), "1st");
  EXPECT_EQ(OrdinalNumber(2), "2nd");
  EXPECT_EQ(OrdinalNumber(3), "3rd");
  EXPECT_EQ(OrdinalNumber(4), "4th");
  EXPECT_EQ(OrdinalNumber(11), "11th");
  EXPECT_EQ(OrdinalNumber(12), "12th");
  EXPECT_EQ(OrdinalNumber(13), "13th");
  EXPECT_EQ(OrdinalNumber(21), "21st");
  EXPECT_EQ(OrdinalNumber(112), "112th");
  EXPECT_EQ(OrdinalNumber(243), "243rd");
}

TEST(HyperbandRuleTest, RunBelowFirstBandIsNeverStopped) {
  auto rule = Make(MinIter(3, 3));
  Feed(*rule, "good1", {1, 1, 1, 1});
  Feed(*rule, "good2", {1, 1, 1, 1});
  Feed(*rule, "good3", {1, 1, 1, 1});
  // Iterations 0 and 1 precede band 3 (the 3rd value), however bad.
  EXPECT_FALSE(rule->ShouldStop("bad", 0, 1e9));
  EXPECT_FALSE(rule->ShouldStop("bad", 1, kNaN));
  EXPECT_TRUE(rule->ShouldStop("bad", 2, kInf));
}

TEST(HyperbandRuleTest, NaNAtBandRanksWorst) {
  // Minimize: a NaN at band 1 is recorded as +inf.
  for (bool strict : {false, true}) {
    auto rule = Make(MinIter(1, 2, Goal::kMinimize, strict));
    Feed(*rule, "a", {1, 1});
    Feed(*rule, "b", {5, 5});
    // Values at band 1: [1, 5, inf] -> 5; a diverged run is stopped.
    EXPECT_TRUE(Feed(*rule, "nan", {kNaN, kNaN}));
    EXPECT_EQ(*rule->Threshold(0), 5);

    auto rule2 = Make(MinIter(1, 2, Goal::kMinimize, strict));
    Feed(*rule2, "a", {1, 1});
    Feed(*rule2, "b", {5, 5});
    // Best so far 0 but value at band NaN: only the strict rule stops it.
    EXPECT_EQ(Feed(*rule2, "late_nan", {0, kNaN}), strict);
  }
  // Maximize: the NaN also ranks last (-inf in the metric's orientation).
  auto rule = Make(MinIter(1, 2, Goal::kMaximize));
  Feed(*rule, "a", {9, 9});
  Feed(*rule, "b", {5, 5});
  EXPECT_TRUE(Feed(*rule, "nan", {kNaN, kNaN}));
  EXPECT_EQ(*rule->Threshold(0), 5);
}

TEST(HyperbandRuleTest, NaNTakesItsIterationSlot) {
  auto rule = Make(MinIter(1, 2));
  Feed(*rule, "a", {1, 1});
  Feed(*rule, "b", {5, 5});
  // Iteration 1 (band 2) holds 2: values [1, 5, 2] -> sorted [1, 2, 5] -> 2.
  EXPECT_FALSE(Feed(*rule, "d", {kNaN, 2}));
  EXPECT_EQ(*rule->Threshold(1), 2);
}

TEST(HyperbandRuleTest, AllNaNBandDoesNotStopItsOnlyRun) {
  auto rule = Make(MinIter(1, 2));
  // Threshold +inf and value +inf: not strictly worse, as W&B with one run.
  EXPECT_FALSE(Feed(*rule, "nan", {kNaN, kNaN}));
  EXPECT_EQ(*rule->Threshold(0), kInf);
}

TEST(HyperbandRuleTest, FinishedRunsKeepShapingThresholds) {
  auto rule = Make(MinIter(1, 2));
  Feed(*rule, "a", {1, 1});
  Feed(*rule, "b", {2, 2});
  rule->OnRunEnded("a");
  rule->OnRunEnded("b");
  EXPECT_TRUE(Feed(*rule, "c", {3, 3}));  // [1, 2, 3] -> 2; 3 > 2
}

TEST(HyperbandRuleTest, HundredThousandCallsOverThousandRunsAreFast) {
  constexpr int kRuns = 1000;
  constexpr int kValuesPerRun = 100;  // 100k calls in all
  // Generous bound: the work is ~100k hash lookups and heap pushes (a few
  // milliseconds); a quadratic implementation would take far longer.
  constexpr double kMaxSeconds = 2.0;
  auto rule = Make(MinIter(1, 3));
  const auto start = std::chrono::steady_clock::now();
  int stopped = 0;
  // Interleave runs the way a sweep with many parallel trials does.
  for (int i = 0; i < kValuesPerRun; ++i) {
    for (int r = 0; r < kRuns; ++r) {
      const double value = static_cast<double>((r * 7919) % kRuns) / (i + 1);
      stopped += rule->ShouldStop("run-" + std::to_string(r), i, value) ? 1 : 0;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, kMaxSeconds);
  EXPECT_GT(stopped, 0);
}

}  // namespace
}  // namespace sweep
