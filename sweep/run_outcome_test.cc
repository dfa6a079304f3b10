#include "sweep/run_outcome.h"

#include <gtest/gtest.h>

#include <csignal>
#include <limits>

namespace sweep {
namespace {

MetricSpec Loss() { return MetricSpec{"loss", Goal::kMinimize, std::nullopt}; }

std::map<std::string, MetricSummary> Reported(double last) {
  MetricSummary s;
  s.last = s.min = s.max = last;
  s.count = 1;
  return {{"loss", s}};
}

TEST(ClassifyExit, ExitZeroWithMetricIsFinished) {
  TrialExit exit;
  exit.exit_code = 0;
  auto out = ClassifyExit(exit, EndRequest::kNone, Loss(), Reported(0.5), 10);
  EXPECT_EQ(out.state, TrialState::kFinished);
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_TRUE(out.failure_reason.empty());
  EXPECT_EQ(out.ended_at, 10);
}

TEST(ClassifyExit, NoMetricSpecMeansExitZeroSuffices) {
  TrialExit exit;
  exit.exit_code = 0;
  EXPECT_EQ(ClassifyExit(exit, EndRequest::kNone, MetricSpec{}, {}, 0).state, TrialState::kFinished);
}

TEST(ClassifyExit, NonZeroExitFailsWithStderr) {
  TrialExit exit;
  exit.exit_code = 3;
  exit.stderr_tail = "Traceback: boom";
  auto out = ClassifyExit(exit, EndRequest::kNone, Loss(), Reported(0.5), 0);
  EXPECT_EQ(out.state, TrialState::kFailed);
  EXPECT_EQ(out.failure_reason, "exited with code 3; last stderr:\nTraceback: boom");
}

TEST(ClassifyExit, SignalFailsNamingIt) {
  TrialExit exit;
  exit.signal = SIGSEGV;
  auto out = ClassifyExit(exit, EndRequest::kNone, Loss(), Reported(0.5), 0);
  EXPECT_EQ(out.state, TrialState::kFailed);
  EXPECT_EQ(out.signal, SIGSEGV);
  EXPECT_EQ(out.failure_reason, "killed by SIGSEGV");
}

TEST(ClassifyExit, MissingOrNonFiniteMetricFails) {
  TrialExit exit;
  exit.exit_code = 0;
  EXPECT_EQ(ClassifyExit(exit, EndRequest::kNone, Loss(), {}, 0).failure_reason,
            "exited 0 but never reported the metric 'loss'");
  auto nan = ClassifyExit(exit, EndRequest::kNone, Loss(), Reported(std::numeric_limits<double>::quiet_NaN()), 0);
  EXPECT_EQ(nan.state, TrialState::kFailed);
  EXPECT_EQ(nan.failure_reason, "the metric 'loss' ended as NaN");
  auto inf = ClassifyExit(exit, EndRequest::kNone, Loss(), Reported(std::numeric_limits<double>::infinity()), 0);
  EXPECT_EQ(inf.failure_reason, "the metric 'loss' ended as infinite");
}

TEST(ClassifyExit, RequestsAndLimitsTakePrecedenceOverTheSignal) {
  TrialExit exit;
  exit.signal = SIGTERM;
  exit.terminated = true;
  EXPECT_EQ(ClassifyExit(exit, EndRequest::kUserInterrupt, Loss(), {}, 0).state, TrialState::kKilled);
  EXPECT_EQ(ClassifyExit(exit, EndRequest::kEarlyStop, Loss(), {}, 0).state, TrialState::kStopped);
  TrialExit timed_out;
  timed_out.signal = SIGTERM;
  timed_out.timed_out = true;
  auto out = ClassifyExit(timed_out, EndRequest::kNone, Loss(), {}, 0);
  EXPECT_EQ(out.state, TrialState::kKilled);
  EXPECT_EQ(out.failure_reason, "exceeded its timeout");
}

TEST(ClassifyExit, LaunchErrorFails) {
  TrialExit exit;
  exit.launch_error = "no such file: train.py";
  auto out = ClassifyExit(exit, EndRequest::kNone, Loss(), {}, 0);
  EXPECT_EQ(out.state, TrialState::kFailed);
  EXPECT_EQ(out.failure_reason, "could not start: no such file: train.py");
}

TEST(SignalName, NamesKnownSignals) {
  EXPECT_EQ(SignalName(SIGKILL), "SIGKILL");
  EXPECT_EQ(SignalName(SIGTERM), "SIGTERM");
}

}  // namespace
TEST(ClassifyExit, StopRequestIsKilledByTheUser) {
  TrialExit exit;
  exit.signal = 15;
  auto out = ClassifyExit(exit, EndRequest::kStopRequest, Loss(), Reported(0.5), 0);
  EXPECT_EQ(out.state, TrialState::kKilled);
  EXPECT_EQ(out.failure_reason, "stopped by the user");
}

}  // namespace sweep
