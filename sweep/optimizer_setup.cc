#include "sweep/optimizer_setup.h"

namespace sweep {

OptimizerOptions OptimizerOptionsFor(const SweepSpec& spec, std::uint64_t seed) {
  OptimizerOptions options;
  options.method = spec.method;
  options.space = spec.space;
  options.goal = spec.metric.goal;
  options.seed = seed;
  return options;
}

}  // namespace sweep
