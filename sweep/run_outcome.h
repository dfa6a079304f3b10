// Decides how a trial ended from what the runner saw and what it reported.
// Pure function: the rules live in one place so the controller, resume and
// tests agree on what "finished" means.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "agents/trial_runner.h"
#include "core/sweep_spec.h"
#include "tracking/store.h"

namespace sweep {

// The failure reason of a run ended by `sweep stop`.
inline constexpr const char* kStoppedByUserReason = "stopped by the user";

// Why the controller asked the trial to end, when it did.
// kControllerError: the controller itself failed (the store refused a
// write, the disk is full) and ends every trial; not the user's doing.
// kStopRequest: `sweep stop RUN` (Store::RequestStop) asked for this one run.
enum class EndRequest { kNone, kUserInterrupt, kEarlyStop, kSweepRuntime, kControllerError, kStopRequest };

// A failure reason keeps the last lines of stderr, capped: a trial printing
// 65 KB lines must not make a megabyte reason that every `sweep runs` and
// report carries (the whole output stays in the run's stderr.log). Each line
// is cut to kMaxReasonLineChars characters, and the oldest lines are dropped
// until the tail fits in kMaxReasonTailBytes. A Python traceback's last
// frames and its exception line fit in both.
inline constexpr std::size_t kMaxReasonLineChars = 400;
inline constexpr std::size_t kMaxReasonTailBytes = 4096;

// finished: exit 0 and the sweep metric reported (and finite);
// failed:   non-zero exit, death by signal, could not start, a metric channel
//           line past the protocol's limits, the metric never reported (the reason lists the keys it did report), or a NaN/inf
//           objective; the reason says which, followed by
//           "; last stderr:\n" and the capped stderr tail;
// killed:   the user interrupted or stopped it, or it ran past its timeout (the reason
//           names the limit when `timeout_seconds` is given);
// crashed:  the controller failed and ended it (kControllerError): like a
//           dead agent's run, its grid point runs again on resume;
// stopped:  early termination ended it (not a failure).
RunOutcome ClassifyExit(const TrialExit& exit, EndRequest request, const MetricSpec& metric,
                        const std::map<std::string, MetricSummary>& summary, double ended_at,
                        std::optional<double> timeout_seconds = std::nullopt);

// The last lines of `stderr_tail` within the caps above.
std::string CapStderrTail(std::string_view stderr_tail);

// The one line of a failure reason shown in a table or a progress line: what
// happened and the last non-empty stderr line, which is the line that
// explains it ("exited with code 1: ModuleNotFoundError: No module named
// 'torch'"). `sweep show` prints the whole reason.
std::string FailureHeadline(std::string_view reason);

// The failure reason of a run whose channel broke a limit (`error` says which).
std::string ChannelLimitReason(const std::string& error);

// "SIGSEGV" for 11; "signal 64" for numbers without a name.
std::string SignalName(int signal_number);

}  // namespace sweep
