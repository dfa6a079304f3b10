// The objective value of a run and the optimizer's view of a sweep's runs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/sweep_spec.h"
#include "optimizers/optimizer.h"
#include "tracking/store.h"

namespace sweep {

// Tag under which a value the trial set in its summary is kept
// (`wandb.run.summary["loss"] = 0.1`, our clients' `summary[...]`).
inline constexpr const char* kSummaryTagPrefix = "summary.";

// The run's metric summaries with values the trial put in its summary
// overriding `last`, as W&B's run summary does.
std::map<std::string, MetricSummary> WithReportedSummary(const RunRecord& run);

// The run's value of the sweep metric, as W&B defines it: the value in the
// run summary (the last logged one unless the trial set it), or with
// `metric.objective: best` the best value over its history per goal. nullopt
// when the spec has no metric or the run never reported it.
std::optional<double> ObjectiveOf(const RunRecord& run, const MetricSpec& metric);

// One observation per stored run, in number order.
std::vector<TrialObservation> ToObservations(const std::vector<RunRecord>& runs, const MetricSpec& metric);

// The best finished run by the sweep metric; nullptr when none has a finite value.
const RunRecord* BestRun(const std::vector<RunRecord>& runs, const MetricSpec& metric);

}  // namespace sweep
