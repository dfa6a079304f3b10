// What both stores do inside a claim, between the proposal and the insert:
// one place for the run's numbering, times, owner and the rules a claim
// checks, so SQLite and PostgreSQL accept and refuse the same claims
// (tracking/store_conformance_test.cc). Private to tracking/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "tracking/store.h"

namespace sweep {

// The run a claim inserts (its id, which each store draws against its own
// table, left empty): numbered after the last of `existing` (the sweep's
// runs in number order), created at `now`, owned by the claiming agent.
// kInvalidInput when `context` asks for a terminal initial state: a claim
// starts a run's life, and only FinishRun ends it.
Result<RunRecord> MakeClaimedRun(const std::string& sweep_id, const std::vector<RunRecord>& existing, NewRun fresh,
                                 const ClaimContext& context, double now);

// The conflict both stores report when a grid point is claimed twice.
Error GridPointTaken(const std::string& sweep_id, std::int64_t grid_index);

}  // namespace sweep
