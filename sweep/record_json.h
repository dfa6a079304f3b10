// JSON documents for sweeps and runs: the stable machine-readable output of
// `--json` (field names documented in README "JSON output").
#pragma once

#include <optional>
#include <string>

#include "core/sweep_spec.h"
#include "core/value.h"
#include "tracking/store.h"

namespace sweep {

// Counts of runs per state, best value and best run id are included when
// `runs` is given.
Value SweepToValue(const SweepRecord& sweep, const std::vector<RunRecord>* runs);
Value RunToValue(const RunRecord& run, const MetricSpec& metric);

// The sweep metric as stored with a sweep.
MetricSpec MetricOf(const SweepRecord& sweep);

}  // namespace sweep
