#include "sweep/reaper.h"

#include <signal.h>

#include <cerrno>
#include <charconv>
#include <cstdio>


#include "agents/host/process_table.h"
#include "sweep/controller.h"
#include "sweep/trial_launch.h"

namespace sweep {
namespace {

// True when the agent "host:pid" ran here and its process is gone.
bool LocalAgentIsDead(const std::string& agent_id, const std::string& this_host) {
  const auto colon = agent_id.rfind(':');
  if (colon == std::string::npos || agent_id.substr(0, colon) != this_host) return false;
  int pid = 0;
  const char* begin = agent_id.data() + colon + 1;
  const char* end = agent_id.data() + agent_id.size();
  auto [ptr, ec] = std::from_chars(begin, end, pid);
  if (ec != std::errc() || ptr != end || pid <= 0) return false;
  return kill(pid, 0) != 0 && errno == ESRCH;
}

// The run's leftover processes on this host: every process whose environment
// carries its SWEEP_RUN_ID (run ids are unique, so a reused pid never takes an
// unrelated process with it). The leader died with its controller
// (PR_SET_PDEATHSIG) and the controller's watchdog killed the rest where it
// could (agents/trial_containment.h); this catches what escaped both, such
// as `setsid` daemons of a controller without cgroups.
void KillOrphans(const RunRecord& run) {
  const std::string marker = std::string(kEnvRunId) + "=" + run.id;
  const ProcessTable table = ProcessTable::Read();
  for (const auto& [pid, process] : table.all()) {
    if (process.state != 'Z' && EnvironmentHas(pid, marker)) ::kill(pid, SIGKILL);
  }
}

}  // namespace

Result<std::vector<std::string>> ReapDeadRuns(Store& store, const std::string& sweep_id, const std::string& this_host,
                                              double now, std::chrono::milliseconds heartbeat_timeout) {
  auto runs = store.ListRuns(sweep_id);
  if (!runs.ok()) return runs.error();
  std::vector<std::string> reaped;
  for (const auto& run : *runs) {
    if (IsTerminal(run.state)) continue;
    // Evaluated outside Sweep (`sweep ask`): the claiming process exits at
    // once by design, so its pid says nothing about the run (store.h).
    if (run.agent_id.starts_with(kExternalAgentPrefix)) continue;
    if (!LocalAgentIsDead(run.agent_id, this_host)) continue;
    KillOrphans(run);
    RunOutcome outcome;
    outcome.state = TrialState::kCrashed;
    outcome.failure_reason = "its agent " + run.agent_id + " died while the run was " +
                             std::string(TrialStateName(run.state));
    outcome.ended_at = now;
    auto status = store.FinishRun(run.id, outcome);
    if (!status.ok() && status.error().code != ErrorCode::kConflict) return status.error();
    if (status.ok()) reaped.push_back(run.id);
  }
  const double timeout_seconds = std::chrono::duration<double>(heartbeat_timeout).count();
  char shown[32];
  std::snprintf(shown, sizeof shown, "%g", timeout_seconds);
  auto stale = store.ReapStaleRuns(sweep_id, now - timeout_seconds,
                                   "its agent stopped beating its heartbeat (no sign of life for " +
                                       std::string(shown) + " s)");
  if (!stale.ok()) return stale.error();
  reaped.insert(reaped.end(), stale->begin(), stale->end());
  return reaped;
}

}  // namespace sweep
