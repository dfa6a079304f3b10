// SqliteStore: what people do to runs after the fact: name, label and note
// them, ask their agent to stop them, delete them.
#include "core/value_json.h"
#include "tracking/run_labels.h"
#include "tracking/sqlite_store_impl.h"
#include "tracking/artifact_catalog.h"

namespace sweep::sqlite {
namespace {

// Every table holding rows of one run (by runs.seq), children first.
constexpr const char* kDeleteRunRows[] = {
    "DELETE FROM metrics WHERE run_seq = ?1",   "DELETE FROM run_summary WHERE run_seq = ?1",
    "DELETE FROM tags WHERE run_seq = ?1",      "DELETE FROM params WHERE run_seq = ?1",
    "DELETE FROM runs WHERE seq = ?1",
};

}  // namespace

Status SqliteStore::UpdateRunLabels(const std::string& run_id, const RunLabelsUpdate& update) {
  return Write([&]() -> Status {
    auto read = db_->Prepare("SELECT labels FROM runs WHERE id = ?1");
    if (!read.ok()) return read.error();
    read->Bind(1, run_id);
    auto row = read->Step();
    if (!row.ok()) return row.error();
    if (!*row) return Error::NotFound("no run with id " + run_id);
    auto current = ParseJson(read->Text(0));
    std::vector<std::string> labels;
    if (current.ok() && current->is_list()) {
      for (const auto& v : current->as_list()) labels.push_back(v.is_string() ? v.as_string() : ToJson(v));
    }
    auto updated = ApplyLabelUpdate(std::move(labels), update);
    if (!updated.ok()) return updated.error();
    auto write = db_->Prepare(
        "UPDATE runs SET labels = ?1, name = coalesce(?2, name), notes = coalesce(?3, notes) WHERE id = ?4");
    if (!write.ok()) return write.error();
    write->Bind(1, LabelsToJson(*updated)).Bind(4, run_id);
    if (update.name) write->Bind(2, *update.name);
    else write->BindNull(2);
    if (update.notes) write->Bind(3, *update.notes);
    else write->BindNull(3);
    return write->Run();
  });
}

Status SqliteStore::RequestStop(const std::string& run_id) {
  return Write([&]() -> Status {
    if (auto s = RequireNotEnded(run_id); !s.ok()) return s;
    auto stmt = db_->Prepare("UPDATE runs SET stop_requested = 1 WHERE id = ?1");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, run_id);
    return stmt->Run();
  });
}

Result<std::vector<std::string>> SqliteStore::StopRequested(const std::vector<std::string>& run_ids) {
  return Read([&]() -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    for (const auto& id : run_ids) {
      auto stmt = db_->Prepare("SELECT 1 FROM runs WHERE id = ?1 AND stop_requested <> 0");
      if (!stmt.ok()) return stmt.error();
      stmt->Bind(1, id);
      auto row = stmt->Step();
      if (!row.ok()) return row.error();
      if (*row) out.push_back(id);
    }
    return out;
  });
}

Status SqliteStore::DeleteRunLocked(const std::string& run_id) {
  auto state = RunState(run_id);
  if (!state.ok()) return state.error();
  if (!IsTerminal(*state))
    return Error::Conflict("run " + run_id + " is " + std::string(TrialStateName(*state)) + "; stop it first");
  auto seq = RunSeq(run_id);
  if (!seq.ok()) return seq.error();
  for (const char* sql : kDeleteRunRows) {
    auto stmt = db_->Prepare(sql);
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, *seq);
    if (auto s = stmt->Run(); !s.ok()) return s;
  }
  return sql::DeleteRunArtifactsLocked(sql_, run_id);
}

Status SqliteStore::DeleteRun(const std::string& run_id) {
  return Write([&]() -> Status { return DeleteRunLocked(run_id); });
}

Status SqliteStore::DeleteSweep(const std::string& sweep_id) {
  return Write([&]() -> Status {
    if (auto s = RequireSweep(sweep_id); !s.ok()) return s;
    std::vector<std::string> ids;
    {
      auto stmt = db_->Prepare("SELECT id FROM runs WHERE sweep_id = ?1");
      if (!stmt.ok()) return stmt.error();
      stmt->Bind(1, sweep_id);
      for (;;) {
        auto row = stmt->Step();
        if (!row.ok()) return row.error();
        if (!*row) break;
        ids.push_back(stmt->Text(0));
      }
    }
    for (const auto& id : ids) {
      if (auto s = DeleteRunLocked(id); !s.ok()) return s;  // a live run rolls everything back
    }
    for (const char* sql : {"DELETE FROM sweep_tags WHERE sweep_id = ?1", "DELETE FROM sweeps WHERE id = ?1"}) {
      auto stmt = db_->Prepare(sql);
      if (!stmt.ok()) return stmt.error();
      stmt->Bind(1, sweep_id);
      if (auto s = stmt->Run(); !s.ok()) return s;
    }
    claim_cache_.erase(sweep_id);
    return OkStatus();
  });
}

}  // namespace sweep::sqlite
