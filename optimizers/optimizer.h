// Optimizer: proposes the next configuration of a sweep (Optuna's sampler,
// W&B's search method). Pure computation: no files, processes, SQL or YAML.
//
// Ask/tell shaped, but stateless towards the caller: every Ask receives the
// whole history (running, failed and crashed trials included), so the same
// object serves the controller, `sweep ask`, resume and benchmarks, and
// several agents sharing a store see each other's pending trials.
// Implementations may cache derived state between calls (e.g. a Cholesky
// factor) keyed on the history they saw, but must give the same answer as a
// fresh instance would for the same history and seed.
//
// Thread-safety: an Optimizer is used from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/result.h"
#include "core/search_space.h"
#include "core/sweep_spec.h"
#include "core/trial.h"

namespace sweep {

// What an optimizer knows of one trial.
struct TrialObservation {
  std::int64_t number = 0;                // 0-based order of creation in the sweep
  std::optional<std::int64_t> grid_index;  // set for grid trials
  Config config;
  TrialState state = TrialState::kQueued;
  // The sweep metric's objective value for finished (and stopped) trials;
  // absent when never reported. May be NaN/inf: optimizers must cope.
  std::optional<double> objective;
};

struct Suggestion {
  Config config;
  // Grid trials carry their index so a store can claim each point once.
  std::optional<std::int64_t> grid_index;
};

// Settings of `method: bayes` (optimizers/bayes/bayes_optimizer.h); the
// other methods ignore them. Defaults suit a sweep spec that says nothing.
struct BayesOptions {
  // What a failed, crashed or killed trial, or a finished one whose
  // objective is missing or not finite, tells the model. Imputing the worst
  // value seen (default) steers the search away from regions that crash;
  // kExclude forgets such trials (their points may then be proposed again).
  enum class FailedTrials { kImputeWorst, kImputeBest, kImputeValue, kExclude };
  FailedTrials failed_trials = FailedTrials::kImputeWorst;
  double impute_value = 0;  // the objective used with kImputeValue

  // Acquisition function: log expected improvement (default; stable far in
  // the tails) or the upper confidence bound mean ± ucb_beta * stddev.
  enum class Acquisition { kLogEi, kUcb };
  Acquisition acquisition = Acquisition::kLogEi;
  double ucb_beta = 2.0;

  // Log-warp the objective before standardizing (monotone; see
  // bayes_optimizer.cc): better for objectives spanning orders of magnitude,
  // which most losses do.
  bool warp_outputs = true;

  // Size of the space-filling (Latin hypercube) design proposed before the
  // model is used; 0 = automatic, max(5, d + 1) for d searched parameters.
  int initial_design = 0;
};

struct OptimizerOptions {
  SearchMethod method = SearchMethod::kRandom;
  SearchSpace space;
  Goal goal = Goal::kMinimize;
  std::uint64_t seed = 0;
  BayesOptions bayes;
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;

  // The next configuration to try, given every trial so far in creation
  // order. std::nullopt when the space is exhausted (grid) — the sweep then
  // finishes once running trials end. Deterministic for (seed, history).
  virtual std::optional<Suggestion> Ask(const std::vector<TrialObservation>& history) = 0;
};

// Builds the optimizer for options.method. Errors (kInvalidInput) explain why
// the space does not suit the method, e.g. a grid over a continuous parameter,
// or its conditions are broken (ConditionProblem, core/conditional_space.h).
// Every method proposes only the active parameters of a conditional space.
Result<std::unique_ptr<Optimizer>> MakeOptimizer(const OptimizerOptions& options);

}  // namespace sweep
