// Finding runs whose agent died (SIGKILL, power loss, a lost node) and
// marking them crashed, so no run stays `running` forever. Whoever looks next
// does it: `sweep resume`, a starting agent, `sweep runs`.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/result.h"
#include "sweep/controller.h"
#include "tracking/store.h"

namespace sweep {

// Marks crashed the queued/running runs of `sweep_id` whose agent is gone:
// at once when the agent ran on `this_host` and its process no longer exists
// (agent ids are "host:pid"), else when its heartbeat is older than
// `heartbeat_timeout` (kHeartbeatStaleAfter by default, controller.h).
// Returns the ids marked.
Result<std::vector<std::string>> ReapDeadRuns(Store& store, const std::string& sweep_id, const std::string& this_host,
                                              double now,
                                              std::chrono::milliseconds heartbeat_timeout = kHeartbeatStaleAfter);

}  // namespace sweep
