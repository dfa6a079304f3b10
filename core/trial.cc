#include "core/trial.h"

#include <array>
#include <cmath>
#include <utility>

#include "core/sweep_spec.h"

namespace sweep {
namespace {

constexpr std::array<std::pair<TrialState, std::string_view>, 7> kStateNames = {{
    {TrialState::kQueued, "queued"},
    {TrialState::kRunning, "running"},
    {TrialState::kFinished, "finished"},
    {TrialState::kFailed, "failed"},
    {TrialState::kCrashed, "crashed"},
    {TrialState::kKilled, "killed"},
    {TrialState::kStopped, "stopped"},
}};

}  // namespace

std::string_view TrialStateName(TrialState s) {
  for (const auto& [state, name] : kStateNames) {
    if (state == s) return name;
  }
  return "unknown";
}

std::optional<TrialState> ParseTrialState(std::string_view name) {
  for (const auto& [state, n] : kStateNames) {
    if (n == name) return state;
  }
  return std::nullopt;
}

bool IsTerminal(TrialState s) { return s != TrialState::kQueued && s != TrialState::kRunning; }

bool IsBetter(Goal goal, double a, double b) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  return goal == Goal::kMinimize ? a < b : a > b;
}

std::string_view SearchMethodName(SearchMethod m) {
  switch (m) {
    case SearchMethod::kGrid: return "grid";
    case SearchMethod::kRandom: return "random";
    case SearchMethod::kBayes: return "bayes";
  }
  return "unknown";
}

}  // namespace sweep
