#include "agents/slurm/job_state.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

// Captured from slurm-wlm 22.05 (`squeue -h -r -t all -j 1 -o '%i|%T|%R'`)
// while two tasks had finished and two waited for a CPU.
constexpr const char* kSqueueArray =
    "1_0|COMPLETED|vm\n"
    "1_1|RUNNING|vm\n"
    "1_2|PENDING|(Resources)\n"
    "1_3|PENDING|(Resources)\n";

TEST(JobStateTest, ParsesSqueueArrayTasks) {
  Result<std::vector<SlurmJobState>> states = ParseSqueueOutput(kSqueueArray);
  ASSERT_TRUE(states.ok()) << states.error().message;
  ASSERT_EQ(states->size(), 4u);
  EXPECT_EQ((*states)[0].job_id, "1_0");
  EXPECT_EQ((*states)[0].phase, SlurmJobPhase::kCompleted);
  EXPECT_EQ((*states)[1].phase, SlurmJobPhase::kRunning);
  EXPECT_EQ((*states)[2].state, "PENDING");
  EXPECT_EQ((*states)[2].reason, "(Resources)");
  EXPECT_FALSE((*states)[2].exit_code.has_value());
}

TEST(JobStateTest, ExpandsCompressedArrayIdsAndToleratesWhitespace) {
  // squeue without -r, with a throttle ("%2") and Windows line ends.
  Result<std::vector<SlurmJobState>> states =
      ParseSqueueOutput("\n 7_[0-2,5%2]|PENDING|(JobArrayTaskLimit)\r\n\n42|RUNNING|node|a\n");
  ASSERT_TRUE(states.ok()) << states.error().message;
  ASSERT_EQ(states->size(), 5u);
  EXPECT_EQ((*states)[0].job_id, "7_0");
  EXPECT_EQ((*states)[2].job_id, "7_2");
  EXPECT_EQ((*states)[3].job_id, "7_5");
  EXPECT_EQ((*states)[3].reason, "(JobArrayTaskLimit)");
  EXPECT_EQ((*states)[4].job_id, "42");
  EXPECT_EQ((*states)[4].reason, "node|a");  // the last field keeps its '|'
}

TEST(JobStateTest, RejectsMalformedSqueueLines) {
  for (const char* bad : {"1_0 RUNNING vm", "abc|RUNNING|x", "1_[3-1]|PENDING|x", "1_[x]|PENDING|",
                          "|RUNNING|x", "1||x", "1_[0-99999999]|PENDING|x"}) {
    Result<std::vector<SlurmJobState>> states = ParseSqueueOutput(bad);
    ASSERT_FALSE(states.ok()) << bad;
    EXPECT_EQ(states.error().code, ErrorCode::kIo);
  }
}

// The shape of `sacct -n -P -j 5 --format=JobID,State,ExitCode` with
// accounting enabled: allocations, their steps, a pending remainder.
constexpr const char* kSacctArray =
    "5_0|COMPLETED|0:0\n"
    "5_0.batch|COMPLETED|0:0\n"
    "5_0.extern|COMPLETED|0:0\n"
    "5_1|FAILED|3:0\n"
    "5_1.batch|FAILED|3:0\n"
    "5_2|CANCELLED by 0|0:15\n"
    "5_[3-4]|PENDING|0:0\n";

TEST(JobStateTest, ParsesSacctSkippingSteps) {
  Result<std::vector<SlurmJobState>> states = ParseSacctOutput(kSacctArray);
  ASSERT_TRUE(states.ok()) << states.error().message;
  ASSERT_EQ(states->size(), 5u);
  EXPECT_EQ((*states)[0].job_id, "5_0");
  EXPECT_EQ((*states)[0].exit_code, 0);
  EXPECT_EQ((*states)[1].phase, SlurmJobPhase::kFailed);
  EXPECT_EQ((*states)[1].exit_code, 3);
  EXPECT_EQ((*states)[2].state, "CANCELLED");
  EXPECT_EQ((*states)[2].phase, SlurmJobPhase::kCancelled);
  EXPECT_EQ((*states)[2].signal, 15);
  EXPECT_EQ((*states)[4].job_id, "5_4");
  EXPECT_EQ((*states)[4].phase, SlurmJobPhase::kPending);
}

TEST(JobStateTest, RejectsMalformedSacctLines) {
  for (const char* bad : {"5_0|COMPLETED", "5_0|COMPLETED|zero", "5_0|COMPLETED|0", "x|FAILED|1:0"}) {
    EXPECT_FALSE(ParseSacctOutput(bad).ok()) << bad;
  }
}

TEST(JobStateTest, MergePrefersSqueueStateAndKeepsSacctExitCodes) {
  std::vector<SlurmJobState> squeue = ParseSqueueOutput("5_3|RUNNING|vm\n5_10|PENDING|(Priority)\n").value();
  std::vector<SlurmJobState> sacct = ParseSacctOutput(kSacctArray).value();
  std::vector<SlurmJobState> merged = MergeJobStates(squeue, sacct);
  ASSERT_EQ(merged.size(), 6u);
  // Numeric task order: 5_10 after 5_4.
  EXPECT_EQ(merged[3].job_id, "5_3");
  EXPECT_EQ(merged[3].phase, SlurmJobPhase::kRunning);
  EXPECT_EQ(merged[3].reason, "vm");
  EXPECT_EQ(merged[3].exit_code, 0);
  EXPECT_EQ(merged[5].job_id, "5_10");
  EXPECT_EQ(merged[1].exit_code, 3);
}

TEST(JobStateTest, PhasesOfStates) {
  EXPECT_EQ(PhaseOfSlurmState("OUT_OF_MEMORY"), SlurmJobPhase::kFailed);
  EXPECT_EQ(PhaseOfSlurmState("TIMEOUT"), SlurmJobPhase::kFailed);
  EXPECT_EQ(PhaseOfSlurmState("CANCELLED+"), SlurmJobPhase::kCancelled);
  EXPECT_EQ(PhaseOfSlurmState("COMPLETING"), SlurmJobPhase::kRunning);
  EXPECT_EQ(PhaseOfSlurmState("SOMETHING_NEW"), SlurmJobPhase::kOther);
  EXPECT_TRUE(IsActive(SlurmJobPhase::kPending));
  EXPECT_FALSE(IsActive(SlurmJobPhase::kCancelled));
}

}  // namespace
}  // namespace sweep
