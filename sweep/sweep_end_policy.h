// What the end of an agent's loop (SweepEnd) means beyond the agent: the
// state the sweep is left in, and whether the agent's caller (a script, CI)
// must see a failure. The `sweep run`/`agent`/`resume` commands apply it.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>

#include "sweep/controller.h"
#include "tracking/store.h"

namespace sweep {

// The sweep's state once this agent stops, as far as this agent can tell;
// nullopt leaves the stored state alone: --count reached (other agents or a
// later invocation may run more), or an interrupt that does not stop the
// sweep (`interrupt_stops_sweep` false: another agent keeps it running).
// Given up -> failed; interrupted, cancelled or max_runtime -> stopped
// (`sweep resume` continues it); otherwise finished.
std::optional<SweepState> SweepStateAfter(SweepEnd end, bool interrupt_stops_sweep);

// True when the agent must exit non-zero: it was interrupted or cancelled,
// the failure policy gave up, or it launched trials and none finished or
// was stopped early (a sweep whose every trial failed is a failure a script
// must notice).
bool AgentFailed(const SweepOutcome& outcome);

}  // namespace sweep
