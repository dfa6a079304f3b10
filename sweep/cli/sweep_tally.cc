#include "sweep/cli/sweep_tally.h"

#include <algorithm>
#include <cmath>

#include "sweep/objective.h"

namespace sweep::cli {

SweepTally TallyRuns(const std::vector<RunRecord>& runs, const MetricSpec& metric) {
  SweepTally tally;
  std::vector<double> durations;
  for (const auto& run : runs) {
    ++tally.runs;
    switch (run.state) {
      case TrialState::kQueued:
      case TrialState::kRunning: ++tally.running; continue;
      case TrialState::kFinished: ++tally.finished; break;
      case TrialState::kFailed:
      case TrialState::kCrashed: ++tally.failed; break;
      case TrialState::kKilled: ++tally.killed; break;
      case TrialState::kStopped: ++tally.stopped; break;
    }
    ++tally.done;
    const bool ran_to_end = run.state == TrialState::kFinished || run.state == TrialState::kStopped;
    if (ran_to_end && run.started_at > 0 && run.ended_at >= run.started_at) {
      durations.push_back(run.ended_at - run.started_at);
    }
  }
  if (const RunRecord* best = BestRun(runs, metric)) {
    tally.best = ObjectiveOf(*best, metric);
    tally.best_run = best->id;
    tally.best_params = best->params;
  }
  if (!durations.empty()) {
    const auto middle = durations.begin() + static_cast<std::ptrdiff_t>(durations.size() / 2);
    std::nth_element(durations.begin(), middle, durations.end());
    tally.median_seconds = *middle;
  }
  return tally;
}

std::optional<std::int64_t> PlannedRuns(const SweepPlan& plan) {
  std::optional<std::int64_t> planned;
  for (const auto& bound : {plan.grid_size, plan.run_cap, plan.count_limit}) {
    if (bound && (!planned || *bound < *planned)) planned = bound;
  }
  return planned;
}

std::string ProgressText(const SweepPlan& plan, const SweepTally& tally) {
  const auto planned = PlannedRuns(plan);
  const std::string done = std::to_string(tally.done);
  if (!planned) return done + " done";
  if (plan.grid_size && *planned == *plan.grid_size) return "grid " + done + " of " + std::to_string(*planned);
  return done + "/" + std::to_string(*planned) + " done";
}

std::optional<double> EstimateSecondsLeft(const SweepPlan& plan, const SweepTally& tally) {
  const auto planned = PlannedRuns(plan);
  if (!planned || !tally.median_seconds) return std::nullopt;
  const std::int64_t left = std::max<std::int64_t>(0, *planned - tally.done);
  const int agents = std::max(1, plan.agents);
  // Whole rounds of `agents` trials at once: 5 trials on 4 agents take two rounds.
  const double rounds = std::ceil(static_cast<double>(left) / agents);
  return rounds * *tally.median_seconds;
}

}  // namespace sweep::cli
