#include "sweep/failure_policy.h"

#include "sweep/run_outcome.h"

namespace sweep {
namespace {

// Only a trial's own failure counts: killed (user, timeout), stopped (early
// termination) and crashed (the controller died) say nothing about the program.
bool IsTrialFailure(TrialState state) { return state == TrialState::kFailed; }

std::string Quote(const std::string& stderr_tail) {
  if (stderr_tail.empty()) return "";
  return "\nlast stderr of the last failed trial:\n" + CapStderrTail(stderr_tail);
}

}  // namespace

FailurePolicy::FailurePolicy(const SweepSpec& spec)
    : retries_(spec.retries),
      max_failures_(spec.max_failures),
      max_consecutive_failures_(spec.max_consecutive_failures) {}

void FailurePolicy::Seed(const std::vector<RunRecord>& runs) {
  for (const auto& run : runs) {
    if (!IsTerminal(run.state)) continue;
    ++ended_;
    if (IsTrialFailure(run.state)) {
      ++failures_;
      ++consecutive_failures_;
    } else if (run.state == TrialState::kFinished) {
      consecutive_failures_ = 0;
    }
  }
  // The instant-failure guard protects a fresh start only.
  if (ended_ > 0) instant_failures_ = -1;
}

FailurePolicy::Verdict FailurePolicy::OnRunEnded(const RunRecord& run, int attempt, const std::string& stderr_tail) {
  Verdict verdict;
  const bool failed = IsTrialFailure(run.state);
  ++ended_;
  if (!failed) {
    if (run.state == TrialState::kFinished) consecutive_failures_ = 0;
    if (ended_ <= kInitialFailureLimit) instant_failures_ = -1;
    return verdict;
  }
  ++failures_;
  ++consecutive_failures_;
  const double seconds = run.ended_at > 0 && run.started_at > 0 ? run.ended_at - run.started_at : 0;
  if (instant_failures_ >= 0 && ended_ <= kInitialFailureLimit) {
    if (seconds < kInstantFailureSeconds) {
      ++instant_failures_;
    } else {
      instant_failures_ = -1;
    }
  }

  if (max_failures_ && failures_ >= *max_failures_) {
    verdict.stop_message = std::to_string(failures_) + " trials failed (max_failures: " +
                           std::to_string(*max_failures_) + ")" + Quote(stderr_tail);
    return verdict;
  }
  if (max_consecutive_failures_ && consecutive_failures_ >= *max_consecutive_failures_) {
    verdict.stop_message = std::to_string(consecutive_failures_) + " trials in a row failed (max_consecutive_failures: " +
                           std::to_string(*max_consecutive_failures_) + ")" + Quote(stderr_tail);
    return verdict;
  }
  if (instant_failures_ >= kInitialFailureLimit) {
    verdict.stop_message = "the first " + std::to_string(kInitialFailureLimit) +
                           " trials all failed within " + std::to_string(static_cast<int>(kInstantFailureSeconds)) +
                           " s of starting: the program looks broken, so the sweep stops" + Quote(stderr_tail);
    return verdict;
  }
  verdict.retry = attempt <= retries_;
  return verdict;
}

}  // namespace sweep
