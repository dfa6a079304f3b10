// The one adapter between tracking records and the review library:
// RunRecord -> review::RunRow / Environment. review/ never links the store,
// so every command (and the dashboard) that reviews a sweep goes through here.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/sweep_spec.h"
#include "review/compare_runs.h"
#include "review/importance.h"
#include "review/run_row.h"
#include "tracking/store.h"

namespace sweep {

// Tag prefixes of the run environment captured by the agents
// (agents/host/environment_capture.cc, gpu_slots.cc) and the sweep context.
inline constexpr const char* kEnvTagPrefix = "env.";
inline constexpr const char* kGpuTagPrefix = "gpu.";
inline constexpr const char* kSweepTagPrefix = "sweep.";

// Summary values are the W&B run summary (trial-set values override the last
// logged value), so review sees the same numbers as `sweep show`.
review::RunRow ToRunRow(const RunRecord& run);
std::vector<review::RunRow> ToRunRows(const std::vector<RunRecord>& runs);

// The env.* and gpu.* tags of a run: what compare/diff reports as environment.
review::Environment EnvironmentOf(const RunRecord& run);

// True when `key` starts with `prefix`.
bool HasPrefix(const std::string& key, const char* prefix);

// Filter, sort and limit, as `sweep runs` and `sweep export` take them; empty
// texts and a nullopt limit mean "all, in store order". Errors (kInvalidInput)
// come from review::RunFilter / RunSort and name the column.
struct RunQuery {
  std::string filter;
  std::string sort;
  std::optional<std::size_t> limit;
};
Result<std::vector<review::RunRow>> ApplyRunQuery(std::vector<review::RunRow> rows, const RunQuery& query);

// Importance of `metric` (the sweep metric when empty) over the sweep's runs.
Result<review::ImportanceReport> SweepImportance(const SweepSpec& spec, const std::vector<RunRecord>& runs,
                                                 const std::string& metric, const review::ImportanceOptions& options);

// Whether this build has the Bayesian optimizer's FitParameterRelevance
// (optimizers/bayes); without it the GP relevance column is left out.
bool HasGpRelevance();

// For bayes sweeps: the fitted GP's relevance (inverse ARD length scale) per
// parameter name. Empty for other methods, when the fit fails (e.g. fewer
// than 2 usable runs) or when !HasGpRelevance().
std::map<std::string, double> GpRelevance(const SweepSpec& spec, const std::vector<RunRecord>& runs);


}  // namespace sweep
