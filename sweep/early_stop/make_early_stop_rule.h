// MakeEarlyStopRule: validates EarlyStopOptions and builds the rule.
//
// Errors (ErrorCode::kInvalidInput, message names the spec key):
//   hyperband: eta < 2 or not finite; both min_iter and max_iter/s; neither;
//              min_iter < 1; max_iter < 1; s < 1; max_iter without s;
//              max_iter / eta < 1 (no band).
//   median:    n_startup_trials < 0; warmup_steps < 0.
// Type kNone yields an ok Result holding nullptr: no early termination.
//
// Thread-safety: pure function.
#pragma once

#include <memory>

#include "core/result.h"
#include "sweep/early_stop/early_stop_options.h"
#include "sweep/early_stop/early_stop_rule.h"

namespace sweep {

Result<std::unique_ptr<EarlyStopRule>> MakeEarlyStopRule(const EarlyStopOptions& options);

}  // namespace sweep
