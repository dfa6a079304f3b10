// Synthetic but realistic sweeps (log-scale learning rate, categorical
// optimizer, integer layers, ...; finished, failed, crashed, stopped runs
// with curves) for the report's tests, browser check and benchmark.
// Deterministic for a given seed; thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <cstdint>

#include "review/report/report_data.h"

namespace sweep::report {

// `runs` runs over `params` parameters (at least the 4 built-in kinds are
// cycled through: log_uniform_values, categorical, int_uniform, uniform).
ReportData MakeSyntheticReportData(std::size_t runs, std::size_t params, std::uint64_t seed = 1);

}  // namespace sweep::report
