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
            "exited 0 but never reported the metric 'loss' (it reported no metrics)");
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

TEST(ClassifyExit, ChannelLimitErrorFailsEvenAfterExitZero) {
  TrialExit exit;
  exit.exit_code = 0;
  exit.channel_error = "JSON nested deeper than 256 levels (at byte 274)";
  auto out = ClassifyExit(exit, EndRequest::kNone, Loss(), Reported(0.5), 0);
  EXPECT_EQ(out.state, TrialState::kFailed);
  EXPECT_EQ(out.failure_reason, "broke the metric channel's limits: JSON nested deeper than 256 levels (at byte 274)");
  // Asked-for ends still say what was asked.
  EXPECT_EQ(ClassifyExit(exit, EndRequest::kUserInterrupt, Loss(), {}, 0).state, TrialState::kKilled);
}

TEST(ClassifyExit, TimeoutNamesTheLimitAsASpecWritesIt) {
  TrialExit exit;
  exit.signal = SIGTERM;
  exit.timed_out = true;
  EXPECT_EQ(ClassifyExit(exit, EndRequest::kNone, Loss(), {}, 0, 1800).failure_reason,
            "exceeded its timeout of 30m");
  EXPECT_EQ(ClassifyExit(exit, EndRequest::kNone, Loss(), {}, 0, 7200).failure_reason,
            "exceeded its timeout of 2h");
  EXPECT_EQ(ClassifyExit(exit, EndRequest::kNone, Loss(), {}, 0, 1.5).failure_reason,
            "exceeded its timeout of 1.5s");
}

TEST(ClassifyExit, MissingMetricListsTheKeysTheRunDidReport) {
  TrialExit exit;
  exit.exit_code = 0;
  std::map<std::string, MetricSummary> summary;
  MetricSummary one;
  one.count = 3;
  summary["eval/loss"] = one;
  summary["acc"] = one;
  summary["system/cpu_percent"] = one;  // sampled by Sweep, not the trial's
  auto out = ClassifyExit(exit, EndRequest::kNone, Loss(), summary, 0);
  EXPECT_EQ(out.state, TrialState::kFailed);
  EXPECT_EQ(out.failure_reason, "exited 0 but never reported the metric 'loss' (it reported 'acc', 'eval/loss')");
}

TEST(FailureReason, HeadlineIsTheLastNonEmptyStderrLine) {
  TrialExit exit;
  exit.exit_code = 1;
  exit.stderr_tail =
      "Traceback (most recent call last):\n  File \"train.py\", line 1, in <module>\n    import torch\n"
      "ModuleNotFoundError: No module named 'torch'\n   \n";
  auto out = ClassifyExit(exit, EndRequest::kNone, Loss(), {}, 0);
  EXPECT_EQ(FailureHeadline(out.failure_reason), "exited with code 1: ModuleNotFoundError: No module named 'torch'");
  // The full tail stays in the reason, for `sweep show`.
  EXPECT_NE(out.failure_reason.find("Traceback (most recent call last):\n"), std::string::npos);
  EXPECT_EQ(FailureHeadline("killed by SIGSEGV"), "killed by SIGSEGV");
  EXPECT_EQ(FailureHeadline("exceeded its timeout of 30m"), "exceeded its timeout of 30m");
}

TEST(FailureReason, TailIsCappedInBytesAndCharactersPerLine) {
  // Issue 12.3: 20 stderr lines of 65,000 bytes made a 1.3 MB reason.
  constexpr std::size_t kHugeLine = 65000;
  std::string tail;
  for (int i = 0; i < 20; ++i) tail += std::string(kHugeLine, 'a' + i) + "\n";
  TrialExit exit;
  exit.exit_code = 1;
  exit.stderr_tail = tail;
  auto out = ClassifyExit(exit, EndRequest::kNone, Loss(), {}, 0);
  EXPECT_LE(out.failure_reason.size(), kMaxReasonTailBytes + 64);
  std::size_t start = 0;
  while (start < out.failure_reason.size()) {
    std::size_t end = out.failure_reason.find('\n', start);
    if (end == std::string::npos) end = out.failure_reason.size();
    EXPECT_LE(end - start, kMaxReasonLineChars + 64);
    start = end + 1;
  }
  // The newest line is the one kept, cut and marked as cut.
  EXPECT_NE(out.failure_reason.find(std::string(kMaxReasonLineChars, 't') + "… (64600 more bytes in stderr.log)"),
            std::string::npos);
  EXPECT_EQ(out.failure_reason.find(std::string(10, 'a')), std::string::npos);
}

TEST(FailureReason, CapNeverSplitsAUtf8Character) {
  std::string line;
  for (std::size_t i = 0; i < kMaxReasonLineChars + 10; ++i) line += "µ";
  const std::string capped = CapStderrTail(line);
  EXPECT_EQ(capped.rfind("µ…", std::string::npos) != std::string::npos, true);
  EXPECT_EQ(capped.substr(0, 2 * kMaxReasonLineChars), line.substr(0, 2 * kMaxReasonLineChars));
}

// Issue 12 item 8: the controller's own failure is not the user's interrupt.
TEST(ClassifyExit, ControllerErrorIsACrashNotAnInterrupt) {
  TrialExit exit;
  exit.signal = SIGTERM;
  exit.terminated = true;
  auto out = ClassifyExit(exit, EndRequest::kControllerError, Loss(), Reported(0.5), 0);
  EXPECT_EQ(out.state, TrialState::kCrashed);
  EXPECT_EQ(out.failure_reason.rfind("controller error", 0), 0u) << out.failure_reason;
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
