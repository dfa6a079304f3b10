#include "sweep/sweep_end_policy.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

TEST(SweepEndPolicyTest, StateAfterEachEnd) {
  EXPECT_EQ(SweepStateAfter(SweepEnd::kExhausted, false), SweepState::kFinished);
  EXPECT_EQ(SweepStateAfter(SweepEnd::kRunCapReached, false), SweepState::kFinished);
  EXPECT_EQ(SweepStateAfter(SweepEnd::kTargetReached, false), SweepState::kFinished);
  EXPECT_EQ(SweepStateAfter(SweepEnd::kGaveUp, false), SweepState::kFailed);
  EXPECT_EQ(SweepStateAfter(SweepEnd::kMaxRuntime, false), SweepState::kStopped);
  EXPECT_EQ(SweepStateAfter(SweepEnd::kCountReached, true), std::nullopt);
  for (SweepEnd end : {SweepEnd::kInterrupted, SweepEnd::kCancelled}) {
    EXPECT_EQ(SweepStateAfter(end, false), std::nullopt);
    EXPECT_EQ(SweepStateAfter(end, true), SweepState::kStopped);
  }
}

TEST(SweepEndPolicyTest, AgentFailsWhenInterruptedGivenUpOrNoTrialSucceeded) {
  SweepOutcome outcome;
  EXPECT_FALSE(AgentFailed(outcome)) << "nothing to run is not a failure";
  outcome.launched_by_state[TrialState::kFailed] = 3;
  EXPECT_TRUE(AgentFailed(outcome));
  outcome.launched_by_state[TrialState::kStopped] = 1;  // stopped early is not a failure
  EXPECT_FALSE(AgentFailed(outcome));
  for (SweepEnd end : {SweepEnd::kInterrupted, SweepEnd::kCancelled, SweepEnd::kGaveUp}) {
    outcome.end = end;
    EXPECT_TRUE(AgentFailed(outcome));
  }
}

}  // namespace
}  // namespace sweep
