// The objective value of a run and the optimizer's view of a sweep's runs.
#pragma once

#include <optional>
#include <vector>

#include "core/sweep_spec.h"
#include "optimizers/optimizer.h"
#include "tracking/store.h"

namespace sweep {

// The run's value of the sweep metric, as W&B defines it: the last value in
// the run summary. nullopt when the spec has no metric or the run never
// reported it.
std::optional<double> ObjectiveOf(const RunRecord& run, const MetricSpec& metric);

// One observation per stored run, in number order.
std::vector<TrialObservation> ToObservations(const std::vector<RunRecord>& runs, const MetricSpec& metric);

// The best finished run by the sweep metric; nullptr when none has a finite value.
const RunRecord* BestRun(const std::vector<RunRecord>& runs, const MetricSpec& metric);

}  // namespace sweep
