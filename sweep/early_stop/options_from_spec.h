// The early-termination options a parsed spec asks for.
#pragma once

#include "core/sweep_spec.h"
#include "sweep/early_stop/early_stop_options.h"

namespace sweep {

// kNone when the spec has no `early_terminate:` block.
EarlyStopOptions EarlyStopOptionsFromSpec(const SweepSpec& spec);

}  // namespace sweep
