// PostgresStore: claiming a sweep's next run, and the claim cache that lets a
// claim read only the runs that changed since the last one.
#include <utility>

#include "core/value_json.h"
#include "tracking/claimed_run.h"
#include "tracking/ids.h"
#include "tracking/postgres/pg_codec.h"
#include "tracking/postgres/postgres_store_impl.h"

namespace sweep::pg {
namespace {

// How PostgreSQL writes an empty array as text.
constexpr const char* kEmptyTextArray = "{}";

}  // namespace

Result<std::optional<RunRecord>> PostgresStore::ClaimRun(const std::string& sweep_id, const ProposeFn& propose,
                                                         const ClaimContext& context) {
  auto claimed = ClaimRunLocked(sweep_id, propose, context);
  // Conservative: after a failed claim the next one starts from a full read.
  if (!claimed.ok()) claim_cache_.erase(sweep_id);
  return claimed;
}

Result<std::optional<RunRecord>> PostgresStore::ClaimRunLocked(const std::string& sweep_id, const ProposeFn& propose,
                                                               const ClaimContext& context) {
  std::optional<RunRecord> claimed;
  Status st = conn_->Transaction([&]() -> Status {
    claimed.reset();
    // The row lock serializes every claimer of this sweep, on any machine;
    // under READ COMMITTED the next statement then sees their committed runs.
    auto lock = conn_->Exec("SELECT id FROM sweeps WHERE id = $1 FOR UPDATE", {sweep_id});
    if (!lock.ok()) return lock.error();
    if (lock->rows() == 0) return Error::NotFound("no sweep with id '" + sweep_id + "'");
    auto refreshed = RefreshClaimCache(sweep_id);
    if (!refreshed.ok()) return refreshed.error();
    const std::vector<RunRecord>* existing = *refreshed;
    auto proposal = propose(*existing);
    if (!proposal.ok()) return proposal.error();
    if (!proposal->has_value()) return OkStatus();
    const std::string chosen_id = (**proposal).id;  // W&B's init(id=); empty: draw one
    auto made = MakeClaimedRun(sweep_id, *existing, std::move(**proposal), context, NowSeconds());
    if (!made.ok()) return made.error();
    RunRecord run = std::move(made).value();
    const std::string params_json = ToJson(Value(ValueMap(run.params)));
    if (!chosen_id.empty() && !IsValidChosenRunId(chosen_id)) return Error::InvalidInput(ChosenRunIdRule(chosen_id));
    bool inserted = false;
    // A chosen id is tried once: taken, it is the caller's conflict, not a draw to repeat.
    const int draws = chosen_id.empty() ? kMaxIdDraws : 1;
    for (int draw = 0; draw < draws && !inserted; ++draw) {
      run.id = chosen_id.empty() ? NewId() : chosen_id;
      auto r = conn_->Exec(
          "INSERT INTO runs (id, sweep_id, number, grid_index, state, params, argv, created_at, host, agent_id) "
          "VALUES ($1,$2,$3,$4,$5,$6,'[]',$7,$8,$9) ON CONFLICT (id) DO NOTHING",
          {run.id, sweep_id, Int(run.number), OptInt(run.grid_index), std::string(TrialStateName(run.state)),
           params_json, pg::FormatDouble(run.created_at), run.host, run.agent_id});
      if (!r.ok()) {
        if (conn_->last_sqlstate() == pg::kUniqueViolation && conn_->last_constraint() == "runs_grid_point") {
          return GridPointTaken(sweep_id, run.grid_index.value_or(-1));
        }
        return r.error();
      }
      inserted = r->affected() == 1;
    }
    if (!inserted && !chosen_id.empty()) return Error::Conflict("a run with id " + chosen_id + " already exists");
    if (!inserted) return Error::Internal("could not draw an unused run id");
    if (Status p = InsertParams(run.id, run.params); !p.ok()) return p;
    claimed = std::move(run);
    return OkStatus();
  });
  if (!st.ok()) return st.error();
  return claimed;
}

Result<const std::vector<RunRecord>*> PostgresStore::RefreshClaimCache(const std::string& sweep_id) {
  ClaimCache& cache = claim_cache_[sweep_id];
  // One snapshot gives the next mark, the run count and the ids of the runs
  // changed since the last mark (along runs_by_change and
  // run_summary_by_change: the cost follows the changes, not the sweep's
  // size). Anything committed after that snapshot is read again next time.
  // The ids come back as one array literal that the load below takes as is;
  // before the first read the mark is NULL and the array empty. The count
  // is a safety net (runs are never deleted, and only claims insert them,
  // under the sweep lock the caller holds, so it cannot move while we
  // read): a cache that disagrees with it is rebuilt from a full read.
  auto mark = conn_->Exec(
      "SELECT pg_snapshot_xmin(pg_current_snapshot())::text, (SELECT count(*) FROM runs WHERE sweep_id = $1), "
      "ARRAY(SELECT id FROM runs WHERE sweep_id = $1 AND changed_xid >= $2::xid8 "
      "UNION SELECT run_id FROM run_summary WHERE changed_xid >= $2::xid8)::text",
      {sweep_id, cache.reread_from});
  if (!mark.ok()) return mark.error();
  const std::string next_reread_from = mark->text(0, 0);
  const std::size_t count = static_cast<std::size_t>(pg::ParseInt64(mark->text(0, 1)));
  const std::string changed_ids = mark->text(0, 2);
  if (cache.reread_from && changed_ids != kEmptyTextArray) {
    // r.sweep_id leaves out other sweeps' runs, which the run_summary branch
    // may name.
    auto changed = LoadRuns("r.sweep_id = $1 AND r.id = ANY($2::text[])", {sweep_id, changed_ids});
    if (!changed.ok()) return changed.error();
    cache.history.Merge(std::move(*changed));
  }
  if (!cache.reread_from || cache.history.runs().size() != count) {
    auto all = LoadRuns("r.sweep_id = $1", {sweep_id});
    if (!all.ok()) return all.error();
    cache.history.Replace(std::move(*all));
  }
  cache.reread_from = next_reread_from;
  return &cache.history.runs();
}

Status PostgresStore::InsertParams(const std::string& run_id, const Config& params) {
  for (const auto& [name, value] : params) {
    Param numeric = value.is_number() ? Param(pg::FormatDouble(value.as_number())) : std::nullopt;
    auto r = conn_->Exec("INSERT INTO params (run_id, name, value, numeric) VALUES ($1,$2,$3,$4)",
                         {run_id, name, ToJson(value), numeric});
    if (!r.ok()) return r.error();
  }
  return OkStatus();
}

}  // namespace sweep::pg
