// PostgresStore: reading runs back, with their summaries and tags, and the
// row decoding (RunFromRow) that every run read shares.
#include <unordered_map>
#include <utility>

#include "core/value_json.h"
#include "tracking/postgres/pg_codec.h"
#include "tracking/postgres/postgres_store_impl.h"

namespace sweep::pg {
namespace {

constexpr const char* kRunColumns =
    "id, sweep_id, number, grid_index, state, params, argv, created_at, started_at, ended_at, exit_code, "
    "signal, failure_reason, host, agent_id, pid, run_dir, name, labels, notes, stop_requested";
// kRunColumns qualified for queries that join runs r with other tables.
constexpr const char* kRunColumnsOfR =
    "r.id, r.sweep_id, r.number, r.grid_index, r.state, r.params, r.argv, r.created_at, r.started_at, r.ended_at, "
    "r.exit_code, r.signal, r.failure_reason, r.host, r.agent_id, r.pid, r.run_dir, r.name, r.labels, r.notes, "
    "r.stop_requested";

Result<RunRecord> RunFromRow(const PgResult& r, int i) {
  RunRecord run;
  run.id = r.text(i, 0);
  run.sweep_id = r.text(i, 1);
  run.number = pg::ParseInt64(r.text(i, 2));
  if (!r.is_null(i, 3)) run.grid_index = pg::ParseInt64(r.text(i, 3));
  auto state = ParseTrialState(r.text(i, 4));
  if (!state) return Error::Internal("run " + run.id + " has unknown state '" + r.text(i, 4) + "'");
  run.state = *state;
  auto params = ParseJson(r.text(i, 5));
  if (!params.ok() || !params->is_map()) return Error::Internal("run " + run.id + " has corrupt params JSON");
  run.params = params->as_map();
  auto argv = ParseJson(r.text(i, 6));
  if (!argv.ok() || !argv->is_list()) return Error::Internal("run " + run.id + " has corrupt argv JSON");
  for (const Value& a : argv->as_list()) run.argv.push_back(a.is_string() ? a.as_string() : FormatPythonArg(a));
  run.created_at = pg::ParseDouble(r.c_str(i, 7));
  run.started_at = pg::ParseDouble(r.c_str(i, 8));
  run.ended_at = pg::ParseDouble(r.c_str(i, 9));
  if (!r.is_null(i, 10)) run.exit_code = static_cast<int>(pg::ParseInt64(r.text(i, 10)));
  if (!r.is_null(i, 11)) run.signal = static_cast<int>(pg::ParseInt64(r.text(i, 11)));
  run.failure_reason = r.text(i, 12);
  run.host = r.text(i, 13);
  run.agent_id = r.text(i, 14);
  run.pid = static_cast<int>(pg::ParseInt64(r.text(i, 15)));
  run.run_dir = r.text(i, 16);
  run.name = r.text(i, 17);
  auto labels = ParseJson(r.text(i, 18));
  if (!labels.ok() || !labels->is_list()) return Error::Internal("run " + run.id + " has corrupt labels JSON");
  for (const Value& l : labels->as_list()) run.labels.push_back(l.is_string() ? l.as_string() : FormatPythonArg(l));
  run.notes = r.text(i, 19);
  run.stop_requested = r.text(i, 20) == "t";
  return run;
}

}  // namespace

Result<RunRecord> PostgresStore::GetRun(const std::string& id_or_prefix) {
  if (id_or_prefix.empty()) return Error::NotFound("no run with an empty id");
  const std::string cols = kRunColumns;
  auto exact = conn_->Exec("SELECT " + cols + " FROM runs WHERE id = $1", {id_or_prefix});
  if (!exact.ok()) return exact.error();
  PgResult* hit = nullptr;
  Result<PgResult> pre = Error::Internal("unused");
  if (exact->rows() == 1) {
    hit = &*exact;
  } else {
    pre = conn_->Exec("SELECT " + cols + " FROM runs WHERE left(id, length($1)) = $1 ORDER BY id LIMIT $2",
                      {id_or_prefix, Int(kMaxCandidatesListed + 1)});
    if (!pre.ok()) return pre.error();
    if (pre->rows() == 0) return Error::NotFound("no run with id or id prefix '" + id_or_prefix + "'");
    if (pre->rows() > 1) {
      return Error::InvalidInput("run id prefix '" + id_or_prefix + "' is ambiguous: " + Candidates(*pre));
    }
    hit = &*pre;
  }
  auto run = RunFromRow(*hit, 0);
  if (!run.ok()) return run.error();
  std::vector<RunRecord> one{std::move(*run)};
  if (Status s = AttachSummariesAndTags(one, "r.id = $1", {one[0].id}); !s.ok()) return s.error();
  return std::move(one[0]);
}

Result<std::vector<RunRecord>> PostgresStore::ListRuns(const std::string& sweep_id) {
  auto exists = conn_->Exec("SELECT 1 FROM sweeps WHERE id = $1", {sweep_id});
  if (!exists.ok()) return exists.error();
  if (exists->rows() == 0) return Error::NotFound("no sweep with id '" + sweep_id + "'");
  return LoadRuns("r.sweep_id = $1", {sweep_id});
}

Result<std::vector<RunRecord>> PostgresStore::ListTopRuns(const std::string& sweep_id, const std::string& key,
                                                          SummaryStat stat, Goal goal, int limit) {
  auto known = conn_->Exec("SELECT 1 FROM sweeps WHERE id = $1", {sweep_id});
  if (!known.ok()) return known.error();
  if (known->rows() == 0) return Error::NotFound("no sweep with id '" + sweep_id + "'");
  std::vector<RunRecord> runs;
  if (limit < 1) return runs;
  // The column comes from the enum, never from the caller's text.
  // PostgreSQL sorts NaN above every number, so it is filtered out.
  const std::string column = stat == SummaryStat::kLast ? "s.last" : stat == SummaryStat::kMin ? "s.min" : "s.max";
  auto r = conn_->Exec(std::string("SELECT ") + kRunColumnsOfR + " FROM runs r JOIN run_summary s ON s.run_id = r.id "
                       "WHERE r.sweep_id = $1 AND s.key = $2 AND " + column + " <> 'NaN'::float8 ORDER BY " +
                       column + (goal == Goal::kMinimize ? " ASC" : " DESC") + ", r.number LIMIT $3",
                       {sweep_id, key, Int(limit)});
  if (!r.ok()) return r.error();
  std::vector<std::string> ids;
  for (int i = 0; i < r->rows(); ++i) {
    auto run = RunFromRow(*r, i);
    if (!run.ok()) return run.error();
    ids.push_back(run->id);
    runs.push_back(std::move(*run));
  }
  if (Status s = AttachSummariesAndTags(runs, "r.id = ANY($1::text[])", {pg::TextArray(ids)}); !s.ok())
    return s.error();
  return runs;
}

Result<std::vector<RunRecord>> PostgresStore::ListRunsByState(const std::string& sweep_id, TrialState state) {
  auto exists = conn_->Exec("SELECT 1 FROM sweeps WHERE id = $1", {sweep_id});
  if (!exists.ok()) return exists.error();
  if (exists->rows() == 0) return Error::NotFound("no sweep with id '" + sweep_id + "'");
  return LoadRuns("r.sweep_id = $1 AND r.state = $2", {sweep_id, std::string(TrialStateName(state))});
}

Result<RunChanges> PostgresStore::ListRunsChangedSince(const std::string& sweep_id, const std::string& mark) {
  // As RefreshClaimCache: one snapshot gives the next mark (its xmin) and the
  // ids stamped at or above the given one; what commits later is read next
  // time. An empty mark binds NULL, which matches nothing: every run is read.
  const Param since = mark.empty() ? Param() : Param(mark);
  auto r = conn_->Exec(
      "SELECT pg_snapshot_xmin(pg_current_snapshot())::text, EXISTS(SELECT 1 FROM sweeps WHERE id = $1), "
      "ARRAY(SELECT id FROM runs WHERE sweep_id = $1 AND changed_xid >= $2::xid8 "
      "UNION SELECT run_id FROM run_summary WHERE changed_xid >= $2::xid8)::text, "
      "(SELECT count(*) FROM runs WHERE sweep_id = $1)",
      {sweep_id, since});
  if (!r.ok()) return r.error();
  if (r->text(0, 1) != "t") return Error::NotFound("no sweep with id '" + sweep_id + "'");
  RunChanges changes;
  changes.next_mark = r->text(0, 0);
  changes.run_count = static_cast<std::size_t>(pg::ParseInt64(r->text(0, 3)));
  auto runs = mark.empty() ? LoadRuns("r.sweep_id = $1", {sweep_id})
                           : LoadRuns("r.sweep_id = $1 AND r.id = ANY($2::text[])", {sweep_id, r->text(0, 2)});
  if (!runs.ok()) return runs.error();
  changes.runs = std::move(runs).value();
  return changes;
}

Result<std::vector<RunRecord>> PostgresStore::LoadRuns(const std::string& where, const std::vector<Param>& args) {
  auto r = conn_->Exec(std::string("SELECT ") + kRunColumns + " FROM runs r WHERE " + where + " ORDER BY number", args);
  if (!r.ok()) return r.error();
  std::vector<RunRecord> runs;
  runs.reserve(r->rows());
  for (int i = 0; i < r->rows(); ++i) {
    auto run = RunFromRow(*r, i);
    if (!run.ok()) return run.error();
    runs.push_back(std::move(*run));
  }
  if (Status s = AttachSummariesAndTags(runs, where, args); !s.ok()) return s.error();
  return runs;
}

Status PostgresStore::AttachSummariesAndTags(std::vector<RunRecord>& runs, const std::string& where,
                                             const std::vector<Param>& args) {
  if (runs.empty()) return OkStatus();
  std::unordered_map<std::string, RunRecord*> by_id;
  by_id.reserve(runs.size());
  for (RunRecord& run : runs) by_id.emplace(run.id, &run);
  auto s = conn_->Exec("SELECT s.run_id, s.key, s.last, s.last_step, s.min, s.max, s.count FROM run_summary s "
                       "JOIN runs r ON r.id = s.run_id WHERE " + where,
                       args);
  if (!s.ok()) return s.error();
  for (int i = 0; i < s->rows(); ++i) {
    auto it = by_id.find(s->text(i, 0));
    if (it == by_id.end()) continue;
    it->second->summary[s->text(i, 1)] =
        MetricSummary{pg::ParseDouble(s->c_str(i, 2)), pg::ParseDouble(s->c_str(i, 4)),
                      pg::ParseDouble(s->c_str(i, 5)), pg::ParseInt64(s->text(i, 3)), pg::ParseInt64(s->text(i, 6))};
  }
  auto t = conn_->Exec("SELECT t.run_id, t.key, t.value FROM tags t JOIN runs r ON r.id = t.run_id WHERE " + where,
                       args);
  if (!t.ok()) return t.error();
  for (int i = 0; i < t->rows(); ++i) {
    auto it = by_id.find(t->text(i, 0));
    if (it != by_id.end()) it->second->tags[t->text(i, 1)] = t->text(i, 2);
  }
  return OkStatus();
}

}  // namespace sweep::pg
