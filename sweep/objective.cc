#include "sweep/objective.h"

#include <cmath>

namespace sweep {

std::optional<double> ObjectiveOf(const RunRecord& run, const MetricSpec& metric) {
  if (metric.name.empty()) return std::nullopt;
  auto it = run.summary.find(metric.name);
  if (it == run.summary.end() || it->second.count == 0) return std::nullopt;
  return it->second.last;
}

std::vector<TrialObservation> ToObservations(const std::vector<RunRecord>& runs, const MetricSpec& metric) {
  std::vector<TrialObservation> out;
  out.reserve(runs.size());
  for (const auto& run : runs) {
    TrialObservation obs;
    obs.number = run.number;
    obs.grid_index = run.grid_index;
    obs.config = run.params;
    obs.state = run.state;
    obs.objective = ObjectiveOf(run, metric);
    out.push_back(std::move(obs));
  }
  return out;
}

const RunRecord* BestRun(const std::vector<RunRecord>& runs, const MetricSpec& metric) {
  const RunRecord* best = nullptr;
  double best_value = 0;
  for (const auto& run : runs) {
    if (run.state != TrialState::kFinished) continue;
    auto value = ObjectiveOf(run, metric);
    if (!value || !std::isfinite(*value)) continue;
    if (best == nullptr || IsBetter(metric.goal, *value, best_value)) {
      best = &run;
      best_value = *value;
    }
  }
  return best;
}

}  // namespace sweep
