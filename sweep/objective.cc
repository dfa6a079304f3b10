#include "sweep/objective.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace sweep {

std::map<std::string, MetricSummary> WithReportedSummary(const RunRecord& run) {
  std::map<std::string, MetricSummary> summary = run.summary;
  const std::string prefix = kSummaryTagPrefix;
  for (auto it = run.tags.lower_bound(prefix); it != run.tags.end() && it->first.starts_with(prefix); ++it) {
    char* end = nullptr;
    const double value = std::strtod(it->second.c_str(), &end);
    if (end == it->second.c_str() || *end != '\0') continue;  // a string summary is not a metric value
    MetricSummary& entry = summary[it->first.substr(prefix.size())];
    if (entry.count == 0) {
      entry.min = entry.max = value;
      entry.count = 1;
    }
    entry.last = value;
  }
  return summary;
}

std::optional<double> ObjectiveOf(const RunRecord& run, const MetricSpec& metric) {
  if (metric.name.empty()) return std::nullopt;
  const auto summary = WithReportedSummary(run);
  auto it = summary.find(metric.name);
  if (it == summary.end() || it->second.count == 0) return std::nullopt;
  if (metric.objective == MetricObjective::kBest) {
    // W&B's metric_extremum: min/max over the history plus the summary value
    // (`last` is the summary: the last logged value unless the trial set it).
    const MetricSummary& s = it->second;
    return metric.goal == Goal::kMinimize ? std::min(s.min, s.last) : std::max(s.max, s.last);
  }
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
