#include "sweep/early_stop/median_stop_rule.h"

#include <chrono>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace sweep {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::unique_ptr<MedianStopRule> Make(std::int64_t startup, std::int64_t warmup,
                                     Goal goal = Goal::kMinimize) {
  EarlyStopOptions o;
  o.type = EarlyStopOptions::kMedian;
  o.n_startup_trials = startup;
  o.warmup_steps = warmup;
  o.goal = goal;
  auto r = MedianStopRule::Create(o);
  EXPECT_TRUE(r.ok());
  return std::move(r).value();
}

void Complete(EarlyStopRule& rule, const std::string& run, const std::vector<double>& values) {
  rule.Replay(run, values);
  rule.OnRunEnded(run);
}

// Completed runs r1 [3, 2, 1] and r2 [5, 4, 3]: medians 4, 3, 2 (the mean of
// the two middle values, numpy's interpolation).
TEST(MedianStopRuleTest, StopsWhenBestSoFarIsWorseThanMedian) {
  auto rule = Make(/*startup=*/2, /*warmup=*/1);
  Complete(*rule, "r1", {3, 2, 1});
  Complete(*rule, "r2", {5, 4, 3});
  EXPECT_FALSE(rule->ShouldStop("x", 0, 10));  // warm-up: iteration 0 < 1
  EXPECT_TRUE(rule->ShouldStop("x", 1, 3.5));  // best 3.5 > median 3
  EXPECT_FALSE(rule->ShouldStop("y", 0, 10));
  EXPECT_FALSE(rule->ShouldStop("y", 1, 2.5));  // best 2.5 < 3
  EXPECT_TRUE(rule->ShouldStop("y", 2, 100));   // best 2.5 > median 2
  EXPECT_FALSE(rule->ShouldStop("z", 0, 10));
  EXPECT_FALSE(rule->ShouldStop("z", 1, 3));    // equal to the median: kept
  // Past every completed run's length there is nothing to compare with.
  EXPECT_FALSE(rule->ShouldStop("z", 2, 2));
  EXPECT_FALSE(rule->ShouldStop("z", 3, 1000));
}

TEST(MedianStopRuleTest, NothingStopsBeforeStartupTrialsComplete) {
  auto rule = Make(/*startup=*/2, /*warmup=*/0);
  Complete(*rule, "r1", {1, 1});
  EXPECT_FALSE(rule->ShouldStop("x", 0, 100));  // one completed run of two
  EXPECT_FALSE(rule->ShouldStop("x", 1, 100));
  Complete(*rule, "r2", {1, 1});
  EXPECT_FALSE(rule->ShouldStop("x", 2, 100));  // no completed value at 2
  EXPECT_TRUE(rule->ShouldStop("v", 0, 100));   // median 1
}

TEST(MedianStopRuleTest, OddCountUsesMiddleValue) {
  auto rule = Make(0, 0);
  Complete(*rule, "r1", {5, 2});
  Complete(*rule, "r2", {5, 4});
  Complete(*rule, "r3", {5, 1});
  // Iteration 0 median 5; iteration 1 values {2, 4, 1}: median 2.
  EXPECT_FALSE(rule->ShouldStop("x", 0, 3));
  EXPECT_TRUE(rule->ShouldStop("x", 1, 2.5));
  EXPECT_FALSE(rule->ShouldStop("y", 0, 3));
  EXPECT_FALSE(rule->ShouldStop("y", 1, 2));
}

TEST(MedianStopRuleTest, RunsItStoppedDoNotCountAsCompleted) {
  auto rule = Make(/*startup=*/2, /*warmup=*/0);
  Complete(*rule, "r1", {3, 2});
  Complete(*rule, "r2", {5, 4});
  EXPECT_FALSE(rule->ShouldStop("x", 0, 3.5));  // median 4 at iteration 0
  EXPECT_TRUE(rule->ShouldStop("x", 1, 3.5));   // median 3 at iteration 1
  rule->OnRunEnded("x");
  // Were x counted, iteration 1 would hold {2, 4, 3.5}: median 3.5 and 3.2
  // would survive. It is not: median 3, so 3.2 is stopped.
  EXPECT_FALSE(rule->ShouldStop("z", 0, 3.2));
  EXPECT_TRUE(rule->ShouldStop("z", 1, 3.2));
  // A completed run does count: r3 makes iteration 1 {2, 4, 3.3} -> 3.3.
  Complete(*rule, "r3", {5, 3.3});
  EXPECT_FALSE(rule->ShouldStop("w", 0, 3.2));
  EXPECT_FALSE(rule->ShouldStop("w", 1, 3.2));
}

TEST(MedianStopRuleTest, Maximize) {
  auto rule = Make(2, 0, Goal::kMaximize);
  Complete(*rule, "r1", {1, 2});
  Complete(*rule, "r2", {3, 4});  // iteration 1 median 3
  EXPECT_FALSE(rule->ShouldStop("keep", 0, 2));  // iteration 0 median 2
  EXPECT_FALSE(rule->ShouldStop("keep", 1, 3.1));
  EXPECT_FALSE(rule->ShouldStop("stop", 0, 2));
  EXPECT_TRUE(rule->ShouldStop("stop", 1, 2.9));
}

TEST(MedianStopRuleTest, NaNs) {
  auto rule = Make(2, 0);
  Complete(*rule, "r1", {1, kNaN});
  Complete(*rule, "r2", {3, kNaN});
  // Completed NaNs are ignored: iteration 1 has no value to compare with.
  EXPECT_FALSE(rule->ShouldStop("x", 0, 2));
  EXPECT_FALSE(rule->ShouldStop("x", 1, 100));  // best stays 2
  // A run whose values are all NaN is stopped (Optuna prunes a NaN best).
  EXPECT_TRUE(rule->ShouldStop("nan", 0, kNaN));
}

TEST(MedianStopRuleTest, EndedRunsAreNeverStopped) {
  auto rule = Make(0, 0);
  Complete(*rule, "r1", {1});
  rule->OnRunEnded("x");
  EXPECT_FALSE(rule->ShouldStop("x", 0, 100));
}

TEST(MedianStopRuleTest, HundredThousandCallsOverThousandRunsAreFast) {
  constexpr int kCompletedRuns = 100;
  constexpr int kLiveRuns = 900;
  constexpr int kValuesPerRun = 100;  // 100k ShouldStop calls in all
  // Generous: the work is ~100k hash lookups and heap pushes (milliseconds).
  constexpr double kMaxSeconds = 2.0;
  auto rule = Make(5, 0);
  auto value = [](int r, int i) { return static_cast<double>((r * 7919) % 1000) / (i + 1); };
  const auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < kCompletedRuns; ++r) {
    const std::string id = "done-" + std::to_string(r);
    for (int i = 0; i < kValuesPerRun; ++i) (void)rule->ShouldStop(id, i, value(r, i));
    rule->OnRunEnded(id);
  }
  // Live runs interleaved; a stopped run keeps being asked (the answer stays
  // cheap), so the call count is exactly 100k.
  int stopped = 0;
  for (int i = 0; i < kValuesPerRun; ++i) {
    for (int r = 0; r < kLiveRuns; ++r) {
      stopped += rule->ShouldStop("live-" + std::to_string(r), i, value(r + kCompletedRuns, i));
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, kMaxSeconds);
  EXPECT_GT(stopped, 0);
}

}  // namespace
}  // namespace sweep
