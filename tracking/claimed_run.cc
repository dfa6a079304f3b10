#include "tracking/claimed_run.h"

#include <utility>

namespace sweep {

Result<RunRecord> MakeClaimedRun(const std::string& sweep_id, const std::vector<RunRecord>& existing, NewRun fresh,
                                 const ClaimContext& context, double now) {
  if (IsTerminal(context.initial_state)) {
    return Error::InvalidInput("a claimed run must start queued or running, not " +
                               std::string(TrialStateName(context.initial_state)));
  }
  RunRecord run;
  run.sweep_id = sweep_id;
  run.number = existing.empty() ? 1 : existing.back().number + 1;
  run.grid_index = fresh.grid_index;
  run.state = context.initial_state;
  run.params = std::move(fresh.params);
  run.created_at = now;
  run.host = context.host;
  run.agent_id = context.agent_id;
  return run;
}

Error GridPointTaken(const std::string& sweep_id, std::int64_t grid_index) {
  return Error::Conflict("grid point " + std::to_string(grid_index) + " of sweep " + sweep_id + " is already claimed");
}

}  // namespace sweep
