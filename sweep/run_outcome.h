// Decides how a trial ended from what the runner saw and what it reported.
// Pure function: the rules live in one place so the controller, resume and
// tests agree on what "finished" means.
#pragma once

#include <map>
#include <string>

#include "agents/trial_runner.h"
#include "core/sweep_spec.h"
#include "tracking/store.h"

namespace sweep {

// The failure reason of a run ended by `sweep stop`.
inline constexpr const char* kStoppedByUserReason = "stopped by the user";

// Why the controller asked the trial to end, when it did.
// kStopRequest: `sweep stop RUN` (Store::RequestStop) asked for this one run.
enum class EndRequest { kNone, kUserInterrupt, kEarlyStop, kSweepRuntime, kStopRequest };

// finished: exit 0 and the sweep metric reported (and finite);
// failed:   non-zero exit, death by signal, could not start, the metric never
//           reported, or a NaN/inf objective — the reason says which, with the
//           last stderr lines;
// killed:   the user interrupted or stopped it, or it ran past its timeout;
// stopped:  early termination ended it (not a failure).
RunOutcome ClassifyExit(const TrialExit& exit, EndRequest request, const MetricSpec& metric,
                        const std::map<std::string, MetricSummary>& summary, double ended_at);

// "SIGSEGV" for 11; "signal 64" for numbers without a name.
std::string SignalName(int signal_number);

}  // namespace sweep
