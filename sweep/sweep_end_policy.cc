#include "sweep/sweep_end_policy.h"

#include <cstdint>

namespace sweep {
namespace {

// A cancelled sweep ends its agents like an interrupt.
bool Interrupted(SweepEnd end) { return end == SweepEnd::kInterrupted || end == SweepEnd::kCancelled; }

}  // namespace

std::optional<SweepState> SweepStateAfter(SweepEnd end, bool interrupt_stops_sweep) {
  if (end == SweepEnd::kCountReached) return std::nullopt;
  if (Interrupted(end)) return interrupt_stops_sweep ? std::optional(SweepState::kStopped) : std::nullopt;
  if (end == SweepEnd::kGaveUp) return SweepState::kFailed;
  if (end == SweepEnd::kMaxRuntime) return SweepState::kStopped;
  return SweepState::kFinished;
}

bool AgentFailed(const SweepOutcome& outcome) {
  if (Interrupted(outcome.end) || outcome.end == SweepEnd::kGaveUp) return true;
  std::int64_t total = 0;
  for (const auto& [state, n] : outcome.launched_by_state) total += n;
  auto count = [&](TrialState state) {
    auto it = outcome.launched_by_state.find(state);
    return it == outcome.launched_by_state.end() ? std::int64_t{0} : it->second;
  };
  return total > 0 && count(TrialState::kFinished) == 0 && count(TrialState::kStopped) == 0;
}

}  // namespace sweep
