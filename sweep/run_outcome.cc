#include "sweep/run_outcome.h"

#include <cmath>
#include <csignal>
#include <cstring>

namespace sweep {
namespace {

std::string WithStderr(std::string reason, const std::string& stderr_tail) {
  if (stderr_tail.empty()) return reason;
  return reason + "; last stderr:\n" + stderr_tail;
}

}  // namespace

std::string SignalName(int signal_number) {
  // sigabbrev_np is glibc >= 2.32 (Debian 12 ships 2.36).
  if (const char* abbrev = sigabbrev_np(signal_number)) return std::string("SIG") + abbrev;
  return "signal " + std::to_string(signal_number);
}

RunOutcome ClassifyExit(const TrialExit& exit, EndRequest request, const MetricSpec& metric,
                        const std::map<std::string, MetricSummary>& summary, double ended_at) {
  RunOutcome out;
  out.exit_code = exit.exit_code;
  out.signal = exit.signal;
  out.ended_at = ended_at;

  if (!exit.launch_error.empty()) {
    out.state = TrialState::kFailed;
    out.failure_reason = "could not start: " + exit.launch_error;
    return out;
  }
  if (request == EndRequest::kEarlyStop) {
    out.state = TrialState::kStopped;
    out.failure_reason = "stopped early by the early-termination rule";
    return out;
  }
  if (request == EndRequest::kSweepRuntime) {
    out.state = TrialState::kKilled;
    out.failure_reason = "the sweep's max_runtime was reached";
    return out;
  }
  if (request == EndRequest::kStopRequest) {
    out.state = TrialState::kKilled;
    out.failure_reason = kStoppedByUserReason;
    return out;
  }
  if (request == EndRequest::kUserInterrupt) {
    out.state = TrialState::kKilled;
    out.failure_reason = "interrupted by the user";
    return out;
  }
  if (exit.timed_out) {
    out.state = TrialState::kKilled;
    out.failure_reason = "exceeded its timeout";
    return out;
  }
  if (exit.signal) {
    out.state = TrialState::kFailed;
    out.failure_reason = WithStderr("killed by " + SignalName(*exit.signal), exit.stderr_tail);
    return out;
  }
  if (!exit.exit_code || *exit.exit_code != 0) {
    out.state = TrialState::kFailed;
    out.failure_reason = WithStderr(
        exit.exit_code ? "exited with code " + std::to_string(*exit.exit_code) : "exit status unknown",
        exit.stderr_tail);
    return out;
  }
  if (!metric.name.empty()) {
    auto it = summary.find(metric.name);
    if (it == summary.end() || it->second.count == 0) {
      out.state = TrialState::kFailed;
      out.failure_reason = WithStderr("exited 0 but never reported the metric '" + metric.name + "'",
                                      exit.stderr_tail);
      return out;
    }
    if (!std::isfinite(it->second.last)) {
      out.state = TrialState::kFailed;
      out.failure_reason = "the metric '" + metric.name + "' ended as " +
                           (std::isnan(it->second.last) ? std::string("NaN") : std::string("infinite"));
      return out;
    }
  }
  out.state = TrialState::kFinished;
  return out;
}

}  // namespace sweep
