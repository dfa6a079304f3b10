// SweepSpec: a parsed, validated sweep specification (the W&B sweep format).
// Produced by sweep/spec/spec_parser.h (which documents the YAML keys); consumed by the controller and optimizers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/search_space.h"
#include "core/trial.h"

namespace sweep {

enum class SearchMethod { kGrid, kRandom, kBayes };
std::string_view SearchMethodName(SearchMethod m);

// Which number of a run's metric history is its result. Without
// `metric.objective`, bayes uses kBest, since W&B's bayes search fits
// SweepRun.metric_extremum (the best of the history and the summary), and
// grid and random use kSummary, the value W&B shows for a run.
enum class MetricObjective {
  kSummary,  // `objective: summary`: the run summary (the last value logged unless set)
  kBest,     // `objective: best`: the best of the history and the summary, per goal
};

// What the Bayesian model is told about a run that ended without the metric
// (W&B's `impute`, which W&B applies to bayes only).
enum class ImputeKind {
  kWorst,  // `impute: worst` (default): the worst value seen so far
  kBest,   // `impute: best`: the best value seen so far
  kValue,  // `impute: <number>`: that number, MetricSpec::impute_value
};

struct MetricSpec {
  std::string name;  // empty when the spec has no `metric:` block
  Goal goal = Goal::kMinimize;
  std::optional<double> target;  // the sweep ends once a run reaches it
  MetricObjective objective = MetricObjective::kSummary;
  ImputeKind impute = ImputeKind::kWorst;
  double impute_value = 0;  // meaningful only for ImputeKind::kValue
  // `exclude_failed: true` (our extension, default false): failed and crashed
  // runs are left out of the optimizer's history instead of being imputed.
  bool exclude_failed = false;
};

// `early_terminate:` (W&B's hyperband): runs are checked at brackets
// min_iter * eta^k (or max_iter / eta^k for k < s) and stopped when below the
// bracket's quantile. Exactly W&B's rule: min_iter, or max_iter with s.
struct EarlyTerminateSpec {
  // `type: hyperband` (W&B) or `type: median` (our extension: Optuna's
  // MedianPruner, stop a run whose best value so far is worse than the median
  // of completed runs at the same iteration).
  enum class Type { kHyperband, kMedian };
  Type type = Type::kHyperband;
  std::optional<std::int64_t> min_iter;
  std::optional<std::int64_t> max_iter;
  std::optional<std::int64_t> s;
  std::int64_t eta = 3;  // W&B's default
  bool strict = false;   // W&B's `strict`: compare against the strictly better runs
  // median: completed runs needed before any stop, and iterations never judged.
  std::int64_t n_startup_trials = 5;  // Optuna MedianPruner's default
  std::int64_t warmup_steps = 0;
};

struct SweepSpec {
  std::string name;
  std::string description;
  std::optional<std::string> project;  // W&B's `project`: the project the sweep's runs belong to
  std::string program;
  SearchMethod method = SearchMethod::kRandom;
  MetricSpec metric;
  SearchSpace space;
  // The `command:` list verbatim, macros unexpanded; empty = W&B's default
  // ["${env}", "${interpreter}", "${program}", "${args}"].
  std::vector<std::string> command;
  std::optional<std::int64_t> run_cap;

  // W&B's early_terminate (hyperband, or our median), then extensions beyond W&B (absent in a W&B spec).
  std::optional<EarlyTerminateSpec> early_terminate;
  std::optional<std::int64_t> seed;                   // random and bayes draws
  std::optional<double> timeout_seconds;              // per-trial wall clock
  std::optional<double> max_runtime_seconds;          // the whole sweep's wall clock (this invocation)
  std::int64_t retries = 0;                           // extra attempts per failed trial
  std::optional<std::int64_t> max_failures;           // the sweep stops after this many
  std::optional<std::int64_t> max_consecutive_failures;
  std::optional<std::int64_t> gpus_per_trial;         // absent = trials get no GPU slot
  // `initial_points:`: configurations run before the method proposes, in
  // order, each normalized against `space` (core/space_point.h).
  std::vector<Config> initial_points;

  // Original YAML text, stored with the sweep for provenance and resume.
  std::string source_text;
  std::string source_path;
};

}  // namespace sweep
