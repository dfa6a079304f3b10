// EarlyStopOptions: the early-termination section of a sweep spec, in a form
// independent of YAML. The spec parser fills one of these from W&B's
// `early_terminate:` block; MakeEarlyStopRule (make_early_stop_rule.h)
// validates it and builds the rule.
//
// Thread-safety: a plain value type.
#pragma once

#include <cstdint>
#include <optional>

#include "core/trial.h"

namespace sweep {

struct EarlyStopOptions {
  enum Type {
    kNone,       // no early termination
    kHyperband,  // W&B `early_terminate: {type: hyperband}`
    kMedian,     // Optuna-style median pruner (our extension, `type: median`)
  };

  // W&B's default eta (schema.json `hyperband_stopping.eta.default`).
  static constexpr double kDefaultEta = 3.0;
  // Optuna MedianPruner's defaults: 5 completed trials before pruning starts,
  // no warm-up steps.
  static constexpr std::int64_t kDefaultStartupTrials = 5;
  static constexpr std::int64_t kDefaultWarmupSteps = 0;

  Type type = kNone;
  // The sweep metric's goal (spec `metric.goal`).
  Goal goal = Goal::kMinimize;

  // --- hyperband: exactly one of min_iter or (max_iter and s) ---
  std::optional<std::int64_t> min_iter;
  std::optional<std::int64_t> max_iter;
  std::optional<std::int64_t> s;
  double eta = kDefaultEta;
  // false: compare the run's best value so far with the band's threshold;
  // true: compare the run's value at the band (stops more runs).
  // Our default is false, which matches what W&B's hyperband_stop_runs does
  // (it never reads `strict` and compares the best value so far); note that
  // wandb/sweeps schema.json declares `"default": true`, so the spec parser
  // should pass through whatever the user wrote.
  bool strict = false;

  // --- median ---
  std::int64_t n_startup_trials = kDefaultStartupTrials;
  std::int64_t warmup_steps = kDefaultWarmupSteps;
};

}  // namespace sweep
