// The optimizer a spec asks for: one place that maps spec keys to
// OptimizerOptions, so `run`, `agent`, `ask`, `validate` and `--dry-run`
// propose exactly the same configurations.
#pragma once

#include <cstdint>

#include "core/sweep_spec.h"
#include "optimizers/optimizer.h"

namespace sweep {

OptimizerOptions OptimizerOptionsFor(const SweepSpec& spec, std::uint64_t seed);

}  // namespace sweep
