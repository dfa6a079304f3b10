// Reading a W&B sweep spec (YAML) into a validated SweepSpec.
//
// Top-level keys, read as W&B does: program, method (grid|random|bayes),
// metric, parameters, command, run_cap, name, description. W&B schema keys
// that have no meaning here (project, entity, controller, job, image_uri,
// scheduler, ...) are accepted with a note; keys W&B's schema does not know
// get a warning and are ignored (W&B's "malformed sweep config" warning), as
// are unknown early_terminate keys. A spec without program is accepted (a
// note): wandb.agent(id, function=...) runs it; `sweep run` refuses it.
// Without metric.objective, bayes fits the best value (W&B's
// metric_extremum) and grid/random report the summary.
// Extensions (see core/sweep_spec.h):
//   metric: {objective: summary|best, impute: worst|best|<number>,
//            exclude_failed: true|false}
//   early_terminate: {type: hyperband, min_iter | max_iter + s, eta: 3, strict: false}
//                    {type: median, n_startup_trials: 5, warmup_steps: 0}
//   seed: <int >= 0>          timeout, max_runtime: 90s | 30m | 2h | <seconds>
//   retries: <int >= 0>       max_failures, max_consecutive_failures: <int >= 1>
//   gpus_per_trial: <int >= 1>
//   inputs: [data/train.csv, data/images]   data versions (SpecInputs)
// Every problem found is reported (not just the first) as a diagnostic at
// its line:column; a spec is returned only when there are no errors.
// Thread-safe: no shared state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sweep_spec.h"
#include "sweep/spec/spec_diagnostic.h"

namespace sweep {

struct SpecParseResult {
  std::optional<SweepSpec> spec;  // set exactly when there are no errors
  std::vector<SpecDiagnostic> diagnostics;  // errors and notes, in file order of discovery

  bool ok() const { return spec.has_value(); }
};

// Reads and parses the file. A missing or unreadable file gives one error
// diagnostic without a position.
SpecParseResult LoadSweepSpec(const std::string& path);

// Parses spec text; `file_name` labels diagnostics, becomes source_path, and
// its folder is where a relative `program` is looked for (for a note only:
// a missing program is the launcher's error, since it may be created later).
SpecParseResult ParseSweepSpec(std::string_view text, const std::string& file_name);

// The spec's `inputs:` (our extension; W&B specs never have it): the data
// files and folders its trials read, relative to the working folder, whose
// content digests every run records (agents/host/data_digest.h). Read from
// SweepSpec::source_text of a spec ParseSweepSpec accepted (which checked
// them); empty when absent.
std::vector<std::string> SpecInputs(std::string_view text);

}  // namespace sweep
