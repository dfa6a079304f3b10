#include "sweep/failure_policy.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

RunRecord Ended(TrialState state, double seconds = 120) {
  RunRecord run;
  run.state = state;
  run.started_at = 1000;
  run.ended_at = 1000 + seconds;
  return run;
}

TEST(FailurePolicyTest, RetriesAFailedTrialUpToTheSpecsCount) {
  SweepSpec spec;
  spec.retries = 2;
  FailurePolicy policy(spec);
  EXPECT_TRUE(policy.OnRunEnded(Ended(TrialState::kFinished), 1, "").retry == false);
  EXPECT_TRUE(policy.OnRunEnded(Ended(TrialState::kFailed), 1, "").retry);
  EXPECT_TRUE(policy.OnRunEnded(Ended(TrialState::kFailed), 2, "").retry);
  EXPECT_FALSE(policy.OnRunEnded(Ended(TrialState::kFailed), 3, "").retry);
}

TEST(FailurePolicyTest, KilledStoppedAndCrashedRunsAreNeitherRetriedNorCounted) {
  SweepSpec spec;
  spec.retries = 1;
  spec.max_failures = 1;
  FailurePolicy policy(spec);
  for (auto state : {TrialState::kKilled, TrialState::kStopped, TrialState::kCrashed}) {
    auto verdict = policy.OnRunEnded(Ended(state), 1, "");
    EXPECT_FALSE(verdict.retry);
    EXPECT_FALSE(verdict.stop_message);
  }
}

TEST(FailurePolicyTest, MaxFailuresStopsTheSweepAndQuotesStderr) {
  SweepSpec spec;
  spec.max_failures = 2;
  FailurePolicy policy(spec);
  EXPECT_FALSE(policy.OnRunEnded(Ended(TrialState::kFailed), 1, "").stop_message);
  EXPECT_FALSE(policy.OnRunEnded(Ended(TrialState::kFinished), 1, "").stop_message);
  auto verdict = policy.OnRunEnded(Ended(TrialState::kFailed), 1, "ValueError: bad lr");
  ASSERT_TRUE(verdict.stop_message);
  EXPECT_NE(verdict.stop_message->find("max_failures: 2"), std::string::npos);
  EXPECT_NE(verdict.stop_message->find("ValueError: bad lr"), std::string::npos);
  EXPECT_FALSE(verdict.retry);
}

TEST(FailurePolicyTest, ConsecutiveFailuresResetOnAFinishedRun) {
  SweepSpec spec;
  spec.max_consecutive_failures = 2;
  FailurePolicy policy(spec);
  EXPECT_FALSE(policy.OnRunEnded(Ended(TrialState::kFailed), 1, "").stop_message);
  EXPECT_FALSE(policy.OnRunEnded(Ended(TrialState::kFinished), 1, "").stop_message);
  EXPECT_FALSE(policy.OnRunEnded(Ended(TrialState::kFailed), 1, "").stop_message);
  EXPECT_TRUE(policy.OnRunEnded(Ended(TrialState::kFailed), 1, "").stop_message);
}

TEST(FailurePolicyTest, FirstTrialsAllFailingAtOnceStopTheSweep) {
  SweepSpec spec;
  FailurePolicy policy(spec);
  for (int i = 1; i < FailurePolicy::kInitialFailureLimit; ++i) {
    EXPECT_FALSE(policy.OnRunEnded(Ended(TrialState::kFailed, 0.5), 1, "").stop_message) << i;
  }
  auto verdict = policy.OnRunEnded(Ended(TrialState::kFailed, 0.5), 1, "SyntaxError");
  ASSERT_TRUE(verdict.stop_message);
  EXPECT_NE(verdict.stop_message->find("looks broken"), std::string::npos);
}

TEST(FailurePolicyTest, SlowFailuresOrAnEarlySuccessDisarmTheInstantGuard) {
  SweepSpec spec;
  FailurePolicy slow(spec);
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(slow.OnRunEnded(Ended(TrialState::kFailed, 300), 1, "").stop_message);

  FailurePolicy mixed(spec);
  EXPECT_FALSE(mixed.OnRunEnded(Ended(TrialState::kFinished, 0.5), 1, "").stop_message);
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(mixed.OnRunEnded(Ended(TrialState::kFailed, 0.5), 1, "").stop_message);
}

TEST(FailurePolicyTest, SeededRunsCountTowardLimitsOnResume) {
  SweepSpec spec;
  spec.max_failures = 3;
  FailurePolicy policy(spec);
  policy.Seed({Ended(TrialState::kFailed), Ended(TrialState::kFailed), Ended(TrialState::kRunning)});
  EXPECT_TRUE(policy.OnRunEnded(Ended(TrialState::kFailed), 1, "").stop_message);
}

}  // namespace
}  // namespace sweep
