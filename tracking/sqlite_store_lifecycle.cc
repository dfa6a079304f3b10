// SqliteStore: a claimed run's life after the claim: start, finish,
// heartbeats, and reaping the runs whose agent went silent.
#include "core/value_json.h"
#include "tracking/sqlite_store_impl.h"

namespace sweep::sqlite {
namespace {

std::string ArgvToJson(const std::vector<std::string>& argv) {
  ValueList list(argv.begin(), argv.end());
  return ToJson(Value(std::move(list)));
}

}  // namespace

Status SqliteStore::RequireNotEnded(const std::string& run_id) {
  auto state = RunState(run_id);
  if (!state.ok()) return state.error();
  if (IsTerminal(*state)) {
    return Error::Conflict("run " + run_id + " already ended (" + std::string(TrialStateName(*state)) + ")");
  }
  return OkStatus();
}

Status SqliteStore::RequireEnded(const std::string& run_id) {
  auto state = RunState(run_id);
  if (!state.ok()) return state.error();
  if (!IsTerminal(*state)) {
    return Error::Conflict("run " + run_id + " has not ended (" + std::string(TrialStateName(*state)) + ")");
  }
  return OkStatus();
}

Status SqliteStore::MarkRunStarted(const std::string& run_id, const std::vector<std::string>& argv, int pid,
                                   const std::string& run_dir, double started_at) {
  return Write([&]() -> Status {
    if (auto s = RequireNotEnded(run_id); !s.ok()) return s;
    auto stmt = db_->Prepare(
        "UPDATE runs SET state = 'running', argv = ?1, pid = ?2, run_dir = ?3, started_at = ?4 WHERE id = ?5");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, ArgvToJson(argv)).Bind(2, std::int64_t{pid}).Bind(3, run_dir).Bind(4, started_at);
    stmt->Bind(5, run_id);
    return stmt->Run();
  });
}

Status SqliteStore::ReopenRun(const std::string& run_id, const ClaimContext& who) {
  return Write([&]() -> Status {
    if (auto s = RequireEnded(run_id); !s.ok()) return s;
    auto stmt = db_->Prepare(
        "UPDATE runs SET state = 'queued', ended_at = 0, exit_code = NULL, signal = NULL, failure_reason = '', "
        "stop_requested = 0, host = ?1, agent_id = ?2, heartbeat_at = ?3 WHERE id = ?4");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, who.host).Bind(2, who.agent_id).Bind(3, NowSeconds()).Bind(4, run_id);
    return stmt->Run();
  });
}

Status SqliteStore::FinishRun(const std::string& run_id, const RunOutcome& outcome) {
  if (!IsTerminal(outcome.state)) {
    return Error::InvalidInput("FinishRun needs a terminal state, got " +
                               std::string(TrialStateName(outcome.state)));
  }
  auto finish = [&]() -> Status {
    if (auto s = RequireNotEnded(run_id); !s.ok()) return s;
    auto stmt = db_->Prepare(
        "UPDATE runs SET state = ?1, exit_code = ?2, signal = ?3, failure_reason = ?4, ended_at = ?5 "
        "WHERE id = ?6");
    if (!stmt.ok()) return stmt.error();
    auto widen = [](std::optional<int> v) -> std::optional<std::int64_t> {
      return v ? std::optional<std::int64_t>(*v) : std::nullopt;
    };
    stmt->Bind(1, TrialStateName(outcome.state)).Bind(2, widen(outcome.exit_code));
    stmt->Bind(3, widen(outcome.signal)).Bind(4, outcome.failure_reason);
    stmt->Bind(5, outcome.ended_at != 0 ? outcome.ended_at : NowSeconds()).Bind(6, run_id);
    return stmt->Run();
  };
  Status finished = Write(finish);
  // A full disk must not leave the run `running`: the space kept in reserve
  // for this moment is given back and the write tried once more.
  if (!finished.ok() && finished.error().code == ErrorCode::kIo && ReleaseDiskReserve(db_->path())) {
    finished = Write(finish);
  }
  return finished;
}

Status SqliteStore::Heartbeat(const std::vector<std::string>& run_ids, double now) {
  return Write([&]() -> Status {
    for (const auto& id : run_ids) {
      auto stmt = db_->Prepare("UPDATE runs SET heartbeat_at = ?1 WHERE id = ?2");
      if (!stmt.ok()) return stmt.error();
      stmt->Bind(1, now).Bind(2, id);
      if (auto s = stmt->Run(); !s.ok()) return s;
      if (db_->Changes() == 0) return Error::NotFound("no run with id " + id);
    }
    return OkStatus();
  });
}

Result<std::vector<std::string>> SqliteStore::ReapStaleRuns(const std::string& sweep_id, double stale_before,
                                                            const std::string& reason) {
  return Write([&]() -> Result<std::vector<std::string>> {
    if (auto s = RequireSweep(sweep_id); !s.ok()) return s.error();
    std::vector<std::string> ids;
    {
      auto stmt = db_->Prepare(
          "SELECT id FROM runs WHERE sweep_id = ?1 AND state IN ('queued', 'running') AND "
          "agent_id NOT LIKE 'external:%' AND "
          "coalesce(heartbeat_at, nullif(started_at, 0), created_at) < ?2 ORDER BY number");
      if (!stmt.ok()) return stmt.error();
      stmt->Bind(1, sweep_id).Bind(2, stale_before);
      for (;;) {
        auto row = stmt->Step();
        if (!row.ok()) return row.error();
        if (!*row) break;
        ids.push_back(stmt->Text(0));
      }
    }
    const double now = NowSeconds();
    for (const auto& id : ids) {
      auto stmt = db_->Prepare(
          "UPDATE runs SET state = 'crashed', failure_reason = ?1, ended_at = ?2 WHERE id = ?3");
      if (!stmt.ok()) return stmt.error();
      stmt->Bind(1, reason).Bind(2, now).Bind(3, id);
      if (auto s = stmt->Run(); !s.ok()) return s.error();
    }
    return ids;
  });
}

}  // namespace sweep::sqlite
