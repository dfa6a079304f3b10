// PostgresStore: what people do to runs after the fact: name, label and note
// them, ask their agent to stop them, delete them.
#include "core/value_json.h"
#include "tracking/postgres/pg_codec.h"
#include "tracking/postgres/postgres_store_impl.h"
#include "tracking/artifact_catalog.h"
#include "tracking/run_labels.h"

namespace sweep::pg {
namespace {

// Every table holding rows of runs, children first; $1 is a text[] of run ids.
constexpr const char* kDeleteRunsRows[] = {
    "DELETE FROM metrics WHERE run_id = ANY($1::text[])", "DELETE FROM run_summary WHERE run_id = ANY($1::text[])",
    "DELETE FROM tags WHERE run_id = ANY($1::text[])",    "DELETE FROM params WHERE run_id = ANY($1::text[])",
    "DELETE FROM runs WHERE id = ANY($1::text[])",
};

}  // namespace

Status PostgresStore::UpdateRunLabels(const std::string& run_id, const RunLabelsUpdate& update) {
  return conn_->Transaction([&]() -> Status {
    auto r = conn_->Exec("SELECT labels FROM runs WHERE id = $1 FOR UPDATE", {run_id});
    if (!r.ok()) return r.error();
    if (r->rows() == 0) return Error::NotFound("no run with id '" + run_id + "'");
    std::vector<std::string> labels;
    auto current = ParseJson(r->text(0, 0));
    if (current.ok() && current->is_list()) {
      for (const auto& v : current->as_list()) labels.push_back(v.is_string() ? v.as_string() : ToJson(v));
    }
    auto updated = ApplyLabelUpdate(std::move(labels), update);
    if (!updated.ok()) return updated.error();
    auto w = conn_->Exec(
        "UPDATE runs SET labels = $2, name = coalesce($3, name), notes = coalesce($4, notes) WHERE id = $1",
        {run_id, LabelsToJson(*updated), update.name, update.notes});
    if (!w.ok()) return w.error();
    return OkStatus();
  });
}

Status PostgresStore::RequestStop(const std::string& run_id) {
  return conn_->Transaction([&]() -> Status {
    auto r = conn_->Exec(
        "UPDATE runs SET stop_requested = true WHERE id = $1 AND state IN ('queued', 'running')", {run_id});
    if (!r.ok()) return r.error();
    if (r->affected() == 1) return OkStatus();
    auto state = RunState(run_id);
    if (!state.ok()) return state.error();
    return Error::Conflict("run " + run_id + " already ended (" + *state + ")");
  });
}

Result<std::vector<std::string>> PostgresStore::StopRequested(const std::vector<std::string>& run_ids) {
  std::vector<std::string> out;
  if (run_ids.empty()) return out;
  auto r = conn_->Exec("SELECT id FROM runs WHERE id = ANY($1::text[]) AND stop_requested ORDER BY id",
                       {pg::TextArray(run_ids)});
  if (!r.ok()) return r.error();
  for (int i = 0; i < r->rows(); ++i) out.push_back(r->text(i, 0));
  return out;
}

Status PostgresStore::DeleteRunsLocked(const std::vector<std::string>& run_ids) {
  if (run_ids.empty()) return OkStatus();
  const std::string ids = pg::TextArray(run_ids);
  auto live = conn_->Exec(
      "SELECT id, state FROM runs WHERE id = ANY($1::text[]) AND state IN ('queued', 'running') ORDER BY id FOR UPDATE",
      {ids});
  if (!live.ok()) return live.error();
  if (live->rows() > 0)
    return Error::Conflict("run " + live->text(0, 0) + " is " + live->text(0, 1) + "; stop it first");
  for (const char* sql : kDeleteRunsRows) {
    if (auto r = conn_->Exec(sql, {ids}); !r.ok()) return r.error();
  }
  for (const auto& run_id : run_ids) {
    if (Status s = sql::DeleteRunArtifactsLocked(sql_, run_id); !s.ok()) return s;
  }
  return OkStatus();
}

Status PostgresStore::DeleteRun(const std::string& run_id) {
  return conn_->Transaction([&]() -> Status {
    if (Status s = RequireRun(run_id); !s.ok()) return s;
    return DeleteRunsLocked({run_id});
  });
}

Status PostgresStore::DeleteSweep(const std::string& sweep_id) {
  Status st = conn_->Transaction([&]() -> Status {
    // Locking the sweep row keeps agents from claiming into it meanwhile (claims lock it too).
    auto known = conn_->Exec("SELECT 1 FROM sweeps WHERE id = $1 FOR UPDATE", {sweep_id});
    if (!known.ok()) return known.error();
    if (known->rows() == 0) return Error::NotFound("no sweep with id '" + sweep_id + "'");
    auto ids = conn_->Exec("SELECT id FROM runs WHERE sweep_id = $1", {sweep_id});
    if (!ids.ok()) return ids.error();
    std::vector<std::string> run_ids;
    for (int i = 0; i < ids->rows(); ++i) run_ids.push_back(ids->text(i, 0));
    if (Status s = DeleteRunsLocked(run_ids); !s.ok()) return s;
    for (const char* sql : {"DELETE FROM sweep_tags WHERE sweep_id = $1", "DELETE FROM sweeps WHERE id = $1"}) {
      if (auto r = conn_->Exec(sql, {sweep_id}); !r.ok()) return r.error();
    }
    return OkStatus();
  });
  if (st.ok()) claim_cache_.erase(sweep_id);
  return st;
}

}  // namespace sweep::pg
