#include "sweep/early_stop/options_from_spec.h"

namespace sweep {

EarlyStopOptions EarlyStopOptionsFromSpec(const SweepSpec& spec) {
  EarlyStopOptions options;
  options.goal = spec.metric.goal;
  if (!spec.early_terminate) return options;
  const EarlyTerminateSpec& et = *spec.early_terminate;
  if (et.type == EarlyTerminateSpec::Type::kMedian) {
    options.type = EarlyStopOptions::kMedian;
    options.n_startup_trials = et.n_startup_trials;
    options.warmup_steps = et.warmup_steps;
    return options;
  }
  options.type = EarlyStopOptions::kHyperband;
  options.min_iter = et.min_iter;
  options.max_iter = et.max_iter;
  options.s = et.s;
  options.eta = static_cast<double>(et.eta);
  options.strict = et.strict;
  return options;
}

}  // namespace sweep
