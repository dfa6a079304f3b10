#include "sweep/optimizer_setup.h"

namespace sweep {

OptimizerOptions OptimizerOptionsFor(const SweepSpec& spec, std::uint64_t seed) {
  OptimizerOptions options;
  options.method = spec.method;
  options.space = spec.space;
  options.goal = spec.metric.goal;
  options.seed = seed;
  // W&B's `metric.impute` (and our `exclude_failed`) say what failed runs
  // tell the model.
  using Failed = BayesOptions::FailedTrials;
  if (spec.metric.exclude_failed) {
    options.bayes.failed_trials = Failed::kExclude;
  } else {
    switch (spec.metric.impute) {
      case ImputeKind::kWorst: options.bayes.failed_trials = Failed::kImputeWorst; break;
      case ImputeKind::kBest: options.bayes.failed_trials = Failed::kImputeBest; break;
      case ImputeKind::kValue:
        options.bayes.failed_trials = Failed::kImputeValue;
        options.bayes.impute_value = spec.metric.impute_value;
        break;
    }
  }
  return options;
}

}  // namespace sweep
