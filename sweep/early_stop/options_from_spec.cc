#include "sweep/early_stop/options_from_spec.h"

namespace sweep {

EarlyStopOptions EarlyStopOptionsFromSpec(const SweepSpec& spec) {
  EarlyStopOptions options;
  options.goal = spec.metric.goal;
  if (!spec.early_terminate) return options;
  const EarlyTerminateSpec& et = *spec.early_terminate;
  options.type = EarlyStopOptions::kHyperband;
  options.min_iter = et.min_iter;
  options.max_iter = et.max_iter;
  options.s = et.s;
  options.eta = static_cast<double>(et.eta);
  options.strict = et.strict;
  return options;
}

}  // namespace sweep
