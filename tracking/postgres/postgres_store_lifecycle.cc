// PostgresStore: a claimed run's life after the claim: start, finish,
// heartbeats, and reaping the runs whose agent went silent.
#include <algorithm>
#include <utility>

#include "core/value_json.h"
#include "tracking/postgres/pg_codec.h"
#include "tracking/postgres/postgres_store_impl.h"

namespace sweep::pg {
namespace {

std::string ArgvJson(const std::vector<std::string>& argv) {
  ValueList list(argv.begin(), argv.end());
  return ToJson(Value(std::move(list)));
}

}  // namespace

Status PostgresStore::MarkRunStarted(const std::string& run_id, const std::vector<std::string>& argv, int pid,
                                     const std::string& run_dir, double started_at) {
  return conn_->Transaction([&]() -> Status {
    auto r = conn_->Exec(
        "UPDATE runs SET state = 'running', argv = $2, pid = $3, run_dir = $4, started_at = $5 "
        "WHERE id = $1 AND state = 'queued'",
        {run_id, ArgvJson(argv), Int(pid), run_dir, pg::FormatDouble(started_at)});
    if (!r.ok()) return r.error();
    if (r->affected() == 1) return OkStatus();
    auto state = RunState(run_id);
    if (!state.ok()) return state.error();
    return Error::Conflict("run " + run_id + " is " + *state + ", not queued");
  });
}

Status PostgresStore::ReopenRun(const std::string& run_id, const ClaimContext& who) {
  return conn_->Transaction([&]() -> Status {
    auto r = conn_->Exec(
        "UPDATE runs SET state = 'queued', ended_at = 0, exit_code = NULL, signal = NULL, failure_reason = '', "
        "stop_requested = false, host = $2, agent_id = $3, heartbeat_at = $4 "
        "WHERE id = $1 AND state NOT IN ('queued', 'running')",
        {run_id, who.host, who.agent_id, pg::FormatDouble(NowSeconds())});
    if (!r.ok()) return r.error();
    if (r->affected() == 1) return OkStatus();
    auto state = RunState(run_id);
    if (!state.ok()) return state.error();
    return Error::Conflict("run " + run_id + " has not ended (" + *state + ")");
  });
}

Status PostgresStore::FinishRun(const std::string& run_id, const RunOutcome& outcome) {
  if (!IsTerminal(outcome.state)) {
    return Error::InvalidInput("FinishRun needs a terminal state, not " + std::string(TrialStateName(outcome.state)));
  }
  const double ended_at = outcome.ended_at != 0 ? outcome.ended_at : NowSeconds();
  return conn_->Transaction([&]() -> Status {
    auto r = conn_->Exec(
        "UPDATE runs SET state = $2, exit_code = $3, signal = $4, failure_reason = $5, ended_at = $6 "
        "WHERE id = $1 AND state IN ('queued', 'running')",
        {run_id, std::string(TrialStateName(outcome.state)), OptInt(outcome.exit_code), OptInt(outcome.signal),
         outcome.failure_reason, pg::FormatDouble(ended_at)});
    if (!r.ok()) return r.error();
    if (r->affected() == 1) return OkStatus();
    auto state = RunState(run_id);
    if (!state.ok()) return state.error();
    return Error::Conflict("run " + run_id + " already ended (" + *state + ")");
  });
}

Status PostgresStore::Heartbeat(const std::vector<std::string>& run_ids, double now) {
  if (run_ids.empty()) return OkStatus();
  const std::string ids = pg::TextArray(run_ids);
  return conn_->Transaction([&]() -> Status {
    auto known = conn_->Exec("SELECT id FROM runs WHERE id = ANY($1::text[])", {ids});
    if (!known.ok()) return known.error();
    std::vector<std::string> missing;
    for (const std::string& id : run_ids) {
      bool found = false;
      for (int i = 0; i < known->rows() && !found; ++i) found = known->text(i, 0) == id;
      if (!found) missing.push_back(id);
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& id : missing) list += (list.empty() ? "" : ", ") + id;
      return Error::NotFound("no run with id " + list);
    }
    auto r = conn_->Exec("UPDATE runs SET heartbeat_at = $2 WHERE id = ANY($1::text[])",
                         {ids, pg::FormatDouble(now)});
    if (!r.ok()) return r.error();
    return OkStatus();
  });
}

Result<std::vector<std::string>> PostgresStore::ReapStaleRuns(const std::string& sweep_id, double stale_before,
                                                              const std::string& reason) {
  std::vector<std::string> reaped;
  Status st = conn_->Transaction([&]() -> Status {
    reaped.clear();
    auto exists = conn_->Exec("SELECT 1 FROM sweeps WHERE id = $1", {sweep_id});
    if (!exists.ok()) return exists.error();
    if (exists->rows() == 0) return Error::NotFound("no sweep with id '" + sweep_id + "'");
    auto r = conn_->Exec(
        "UPDATE runs SET state = 'crashed', failure_reason = $3, ended_at = $4 "
        "WHERE sweep_id = $1 AND state IN ('queued', 'running') "
        "AND agent_id NOT LIKE 'external:%' "
        "AND coalesce(heartbeat_at, nullif(started_at, 0), created_at) < $2 RETURNING id, number",
        {sweep_id, pg::FormatDouble(stale_before), reason, pg::FormatDouble(NowSeconds())});
    if (!r.ok()) return r.error();
    std::vector<std::pair<std::int64_t, std::string>> rows;
    for (int i = 0; i < r->rows(); ++i) rows.emplace_back(pg::ParseInt64(r->text(i, 1)), r->text(i, 0));
    std::sort(rows.begin(), rows.end());
    for (auto& [number, id] : rows) reaped.push_back(std::move(id));
    return OkStatus();
  });
  if (!st.ok()) return st.error();
  return reaped;
}

}  // namespace sweep::pg
