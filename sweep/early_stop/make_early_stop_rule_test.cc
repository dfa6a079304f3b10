#include "sweep/early_stop/make_early_stop_rule.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

TEST(MakeEarlyStopRuleTest, NoneGivesNoRule) {
  auto r = MakeEarlyStopRule(EarlyStopOptions{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), nullptr);
}

TEST(MakeEarlyStopRuleTest, BuildsHyperbandAndMedian) {
  EarlyStopOptions h;
  h.type = EarlyStopOptions::kHyperband;
  h.min_iter = 1;
  h.eta = 2;
  auto hr = MakeEarlyStopRule(h);
  ASSERT_TRUE(hr.ok());
  ASSERT_NE(hr.value(), nullptr);
  EarlyStopRule& rule = *hr.value();
  rule.ShouldStop("a", 0, 1);
  rule.ShouldStop("a", 1, 1);
  rule.ShouldStop("b", 0, 5);
  rule.ShouldStop("b", 1, 5);
  rule.ShouldStop("c", 0, 9);
  EXPECT_TRUE(rule.ShouldStop("c", 1, 9));  // band 1: [1, 5, 9] -> 5

  EarlyStopOptions m;
  m.type = EarlyStopOptions::kMedian;
  auto mr = MakeEarlyStopRule(m);
  ASSERT_TRUE(mr.ok());
  EXPECT_NE(mr.value(), nullptr);
}

TEST(MakeEarlyStopRuleTest, ValidationErrors) {
  auto invalid = [](const EarlyStopOptions& o) {
    auto r = MakeEarlyStopRule(o);
    return !r.ok() && r.error().code == ErrorCode::kInvalidInput;
  };
  EarlyStopOptions h;
  h.type = EarlyStopOptions::kHyperband;
  EXPECT_TRUE(invalid(h));  // neither min_iter nor max_iter
  h.min_iter = 3;
  EXPECT_FALSE(invalid(h));
  h.eta = 1.9;
  EXPECT_TRUE(invalid(h));
  h.eta = 3;
  h.min_iter = 0;
  EXPECT_TRUE(invalid(h));
  h.min_iter = 3;
  h.max_iter = 81;
  h.s = 3;
  EXPECT_TRUE(invalid(h));  // both forms
  h.min_iter.reset();
  EXPECT_FALSE(invalid(h));
  h.s = 0;
  EXPECT_TRUE(invalid(h));

  EarlyStopOptions m;
  m.type = EarlyStopOptions::kMedian;
  m.n_startup_trials = -1;
  EXPECT_TRUE(invalid(m));
  m.n_startup_trials = 0;
  m.warmup_steps = -1;
  EXPECT_TRUE(invalid(m));
}

}  // namespace
}  // namespace sweep
