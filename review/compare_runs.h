// Side-by-side comparison of a few runs: which parameters and environment
// entries differ, and every metric's value per run. Pure data; the CLI prints.
//
// Thread-safety: a pure function.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "review/run_row.h"

namespace sweep::review {

// Environment entries of one run (git commit, host, GPU, driver, ...).
using Environment = std::map<std::string, std::string>;

struct ComparedValues {
  std::string name;
  std::vector<std::optional<Value>> values;  // one per run; nullopt where absent
};

struct ComparedMetric {
  std::string name;
  std::vector<std::optional<double>> values;  // one per run; nullopt where absent
};

struct RunComparison {
  std::vector<std::string> run_ids;
  std::vector<ComparedValues> differing_params;      // first-appearance order
  Config common_params;                               // same value in every run
  std::vector<ComparedValues> differing_environment;  // by key
  std::vector<ComparedMetric> metrics;                // every metric any run has, by name
};

// Compares `rows`; `environments` is empty or holds one entry per row.
// A parameter or entry differs when a run lacks it or any two values differ
// (1 and 1.0 differ, as everywhere in Value).
// Errors (kInvalidInput): no rows; environments of the wrong size.
Result<RunComparison> CompareRuns(const std::vector<RunRow>& rows, const std::vector<Environment>& environments = {});

}  // namespace sweep::review
