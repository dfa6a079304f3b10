// SqliteStore: claiming a sweep's next run, and the claim cache that lets a
// claim read only the runs that changed since the last one.
#include <algorithm>
#include <utility>

#include "core/value_json.h"
#include "tracking/sqlite_store_impl.h"

namespace sweep::sqlite {
namespace {

Value ConfigToValue(const Config& config) {
  ValueMap map;
  map.reserve(config.size());
  for (const auto& [name, value] : config) map.emplace_back(name, value);
  return Value(std::move(map));
}

}  // namespace

Result<std::optional<RunRecord>> SqliteStore::ClaimRun(const std::string& sweep_id, const ProposeFn& propose,
                                                       const ClaimContext& context) {
  auto claimed = ClaimRunLocked(sweep_id, propose, context);
  if (!claimed.ok()) claim_cache_.erase(sweep_id);
  return claimed;
}

Result<std::optional<RunRecord>> SqliteStore::ClaimRunLocked(const std::string& sweep_id, const ProposeFn& propose,
                                                             const ClaimContext& context) {
  return Write([&]() -> Result<std::optional<RunRecord>> {
    if (auto s = RequireSweep(sweep_id); !s.ok()) return s.error();
    // Inside BEGIN IMMEDIATE: no writer interleaves between this refresh and
    // the insert. ClaimRun drops the cache on any error below.
    auto refreshed = RefreshClaimCache(sweep_id);
    if (!refreshed.ok()) return refreshed.error();
    const std::vector<RunRecord>* existing = *refreshed;
    auto proposed = propose(*existing);
    if (!proposed.ok()) return proposed.error();
    if (!proposed->has_value()) return std::optional<RunRecord>();
    NewRun& fresh = **proposed;

    if (fresh.grid_index) {
      // Checked here for a clear error; the UNIQUE constraint backs it up.
      // A crashed run never ran its point, so resume may claim it again
      // (the same exception as the runs_grid_point index).
      auto taken = db_->Prepare(
          "SELECT 1 FROM runs WHERE sweep_id = ?1 AND grid_index = ?2 AND state <> 'crashed'");
      if (!taken.ok()) return taken.error();
      taken->Bind(1, sweep_id).Bind(2, *fresh.grid_index);
      auto row = taken->Step();
      if (!row.ok()) return row.error();
      if (*row) {
        return Error::Conflict("grid point " + std::to_string(*fresh.grid_index) + " of sweep " + sweep_id +
                               " is already claimed");
      }
    }
    RunRecord run;
    auto id = NewId("SELECT 1 FROM runs WHERE id = ?1");
    if (!id.ok()) return id.error();
    run.id = *id;
    run.sweep_id = sweep_id;
    run.number = existing->empty() ? 1 : existing->back().number + 1;
    run.grid_index = fresh.grid_index;
    run.state = context.initial_state;
    run.params = std::move(fresh.params);
    run.created_at = NowSeconds();
    run.host = context.host;
    run.agent_id = context.agent_id;

    auto stmt = db_->Prepare(
        "INSERT INTO runs (id, sweep_id, number, grid_index, state, params, created_at, host, agent_id) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, run.id).Bind(2, sweep_id).Bind(3, run.number).Bind(4, run.grid_index);
    stmt->Bind(5, TrialStateName(run.state)).Bind(6, ToJson(ConfigToValue(run.params)));
    stmt->Bind(7, run.created_at).Bind(8, run.host).Bind(9, run.agent_id);
    if (auto s = stmt->Run(); !s.ok()) return s.error();
    if (auto s = InsertParams(db_->LastInsertRowid(), run.params); !s.ok()) return s.error();
    return std::optional<RunRecord>(std::move(run));
  });
}

Status SqliteStore::InsertParams(std::int64_t run_seq, const Config& params) {
  auto param = db_->Prepare("INSERT INTO params (run_seq, name, value, num) VALUES (?1, ?2, ?3, ?4)");
  if (!param.ok()) return param.error();
  Statement& p = *param;
  for (const auto& [name, value] : params) {
    p.Bind(1, run_seq).Bind(2, name).Bind(3, ToJson(value));
    if (value.is_number()) {
      p.Bind(4, value.as_number());
    } else {
      p.BindNull(4);
    }
    if (auto s = p.Run(); !s.ok()) return s;
    p.Reset();
  }
  return OkStatus();
}

Result<const std::vector<RunRecord>*> SqliteStore::RefreshClaimCache(const std::string& sweep_id) {
  ClaimCache& cache = claim_cache_[sweep_id];
  auto changed = LoadRuns(RunSet::kSweepChangedSince, sweep_id, cache.high_water);
  if (!changed.ok()) return changed.error();
  cache.high_water = std::max(cache.high_water, changed->max_stamp);
  cache.history.Merge(std::move(changed->runs));
  // Safety net: a run that vanished (or a cache that went astray) shows as
  // a count mismatch; reload everything then.
  auto stmt = db_->Prepare("SELECT count(*) FROM runs WHERE sweep_id = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, sweep_id);
  auto row = stmt->Step();
  if (!row.ok()) return row.error();
  const std::int64_t count = *row ? stmt->Int(0) : 0;
  if (count != static_cast<std::int64_t>(cache.history.runs().size())) {
    auto all = LoadRuns(RunSet::kSweepChangedSince, sweep_id, kNoStamp);
    if (!all.ok()) return all.error();
    cache.high_water = all->max_stamp;
    cache.history.Replace(std::move(all->runs));
  }
  return &cache.history.runs();
}

}  // namespace sweep::sqlite
