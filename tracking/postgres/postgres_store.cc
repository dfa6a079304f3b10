#include "tracking/postgres/postgres_store.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <unordered_map>
#include <utility>

#include "core/value_json.h"
#include "tracking/claim_history.h"
#include "tracking/postgres/pg_codec.h"
#include "tracking/postgres/pg_connection.h"
#include "tracking/postgres/pg_schema.h"

namespace sweep {
namespace {

using pg::Param;
using pg::PgConnection;
using pg::PgResult;

// Ids: 8 characters of [0-9a-z], like W&B's. 36^8 ≈ 2.8e12, so a collision
// is rare; each insert still checks and draws again, a bounded number of times.
constexpr int kIdLength = 8;
constexpr int kMaxIdDraws = 16;
// Candidates named when an id prefix is ambiguous.
constexpr int kMaxCandidatesListed = 10;
// How PostgreSQL writes an empty array as text.
constexpr const char* kEmptyTextArray = "{}";

constexpr const char* kRunColumns =
    "id, sweep_id, number, grid_index, state, params, argv, created_at, started_at, ended_at, exit_code, "
    "signal, failure_reason, host, agent_id, pid, run_dir";
// kRunColumns qualified for queries that join runs r with other tables.
constexpr const char* kRunColumnsOfR =
    "r.id, r.sweep_id, r.number, r.grid_index, r.state, r.params, r.argv, r.created_at, r.started_at, r.ended_at, "
    "r.exit_code, r.signal, r.failure_reason, r.host, r.agent_id, r.pid, r.run_dir";
constexpr const char* kSweepColumns =
    "id, name, method, metric_name, goal, spec_text, spec_path, seed, state, created_at, updated_at";

double Now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string Int(std::int64_t v) { return std::to_string(v); }
Param OptInt(const std::optional<std::int64_t>& v) { return v ? Param(Int(*v)) : std::nullopt; }
Param OptInt(const std::optional<int>& v) { return v ? Param(Int(*v)) : std::nullopt; }

std::string ArgvJson(const std::vector<std::string>& argv) {
  ValueList list(argv.begin(), argv.end());
  return ToJson(Value(std::move(list)));
}

bool IsValidId(const std::string& id) {
  if (id.size() != static_cast<size_t>(kIdLength)) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

Result<SweepRecord> SweepFromRow(const PgResult& r, int i) {
  SweepRecord s;
  s.id = r.text(i, 0);
  s.name = r.text(i, 1);
  s.method = r.text(i, 2);
  s.metric_name = r.text(i, 3);
  auto goal = pg::ParseGoal(r.text(i, 4));
  auto state = pg::ParseSweepState(r.text(i, 8));
  if (!goal || !state) return Error::Internal("sweep " + s.id + " has an unknown goal or state in the database");
  s.goal = *goal;
  s.spec_text = r.text(i, 5);
  s.spec_path = r.text(i, 6);
  s.seed = static_cast<std::uint64_t>(std::stoll(r.text(i, 7)));
  s.state = *state;
  s.created_at = pg::ParseDouble(r.c_str(i, 9));
  s.updated_at = pg::ParseDouble(r.c_str(i, 10));
  return s;
}

Result<RunRecord> RunFromRow(const PgResult& r, int i) {
  RunRecord run;
  run.id = r.text(i, 0);
  run.sweep_id = r.text(i, 1);
  run.number = std::stoll(r.text(i, 2));
  if (!r.is_null(i, 3)) run.grid_index = std::stoll(r.text(i, 3));
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
  if (!r.is_null(i, 10)) run.exit_code = std::stoi(r.text(i, 10));
  if (!r.is_null(i, 11)) run.signal = std::stoi(r.text(i, 11));
  run.failure_reason = r.text(i, 12);
  run.host = r.text(i, 13);
  run.agent_id = r.text(i, 14);
  run.pid = std::stoi(r.text(i, 15));
  run.run_dir = r.text(i, 16);
  return run;
}

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(std::unique_ptr<PgConnection> conn)
      : conn_(std::move(conn)), rng_(std::random_device{}() ^ static_cast<std::uint64_t>(Now() * 1e6)) {}

  Result<SweepRecord> CreateSweep(SweepRecord sweep) override {
    if (sweep.created_at == 0) sweep.created_at = Now();
    if (sweep.updated_at == 0) sweep.updated_at = sweep.created_at;
    const bool generate = sweep.id.empty();
    if (!generate && !IsValidId(sweep.id)) {
      return Error::InvalidInput("sweep id '" + sweep.id + "' is not 8 lowercase base-36 characters");
    }
    Status st = conn_->Transaction([&]() -> Status {
      for (int draw = 0; draw < kMaxIdDraws; ++draw) {
        if (generate) sweep.id = NewId();
        auto r = conn_->Exec(
            std::string("INSERT INTO sweeps (") + kSweepColumns +
                ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT (id) DO NOTHING",
            {sweep.id, sweep.name, sweep.method, sweep.metric_name, std::string(pg::GoalText(sweep.goal)),
             sweep.spec_text, sweep.spec_path, Int(static_cast<std::int64_t>(sweep.seed)),
             std::string(pg::SweepStateText(sweep.state)), pg::FormatDouble(sweep.created_at),
             pg::FormatDouble(sweep.updated_at)});
        if (!r.ok()) return r.error();
        if (r->affected() == 1) return OkStatus();
        if (!generate) return Error::Conflict("a sweep with id " + sweep.id + " already exists");
      }
      return Error::Internal("could not draw an unused sweep id");
    });
    if (!st.ok()) return st.error();
    return sweep;
  }

  Result<SweepRecord> GetSweep(const std::string& id_or_name) override {
    if (id_or_name.empty()) return Error::NotFound("no sweep with an empty id or name");
    const std::string cols = kSweepColumns;
    auto exact = conn_->Exec("SELECT " + cols + " FROM sweeps WHERE id = $1", {id_or_name});
    if (!exact.ok()) return exact.error();
    if (exact->rows() == 1) return SweepFromRow(*exact, 0);
    auto named =
        conn_->Exec("SELECT " + cols + " FROM sweeps WHERE name = $1 ORDER BY created_at DESC, id LIMIT 1", {id_or_name});
    if (!named.ok()) return named.error();
    if (named->rows() == 1) return SweepFromRow(*named, 0);
    auto pre = conn_->Exec("SELECT " + cols + " FROM sweeps WHERE left(id, length($1)) = $1 ORDER BY id LIMIT $2",
                           {id_or_name, Int(kMaxCandidatesListed + 1)});
    if (!pre.ok()) return pre.error();
    if (pre->rows() == 1) return SweepFromRow(*pre, 0);
    if (pre->rows() == 0) return Error::NotFound("no sweep with id, id prefix or name '" + id_or_name + "'");
    return Error::InvalidInput("sweep id prefix '" + id_or_name + "' is ambiguous: " + Candidates(*pre));
  }

  Result<std::vector<SweepRecord>> ListSweeps() override {
    auto r = conn_->Exec(std::string("SELECT ") + kSweepColumns + " FROM sweeps ORDER BY created_at, id");
    if (!r.ok()) return r.error();
    std::vector<SweepRecord> out;
    for (int i = 0; i < r->rows(); ++i) {
      auto s = SweepFromRow(*r, i);
      if (!s.ok()) return s.error();
      out.push_back(std::move(*s));
    }
    return out;
  }

  Status SetSweepState(const std::string& sweep_id, SweepState state) override {
    return conn_->Transaction([&]() -> Status {
      auto r = conn_->Exec("UPDATE sweeps SET state = $2, updated_at = $3 WHERE id = $1",
                           {sweep_id, std::string(pg::SweepStateText(state)), pg::FormatDouble(Now())});
      if (!r.ok()) return r.error();
      if (r->affected() == 0) return Error::NotFound("no sweep with id '" + sweep_id + "'");
      return OkStatus();
    });
  }

  Status SetSweepTags(const std::string& sweep_id, const std::map<std::string, std::string>& tags) override {
    return conn_->Transaction([&]() -> Status {
      auto known = conn_->Exec("SELECT 1 FROM sweeps WHERE id = $1", {sweep_id});
      if (!known.ok()) return known.error();
      if (known->rows() == 0) return Error::NotFound("no sweep with id '" + sweep_id + "'");
      for (const auto& [key, value] : tags) {
        auto r = conn_->Exec(
            "INSERT INTO sweep_tags (sweep_id, key, value) VALUES ($1,$2,$3) "
            "ON CONFLICT (sweep_id, key) DO UPDATE SET value = EXCLUDED.value",
            {sweep_id, key, value});
        if (!r.ok()) return r.error();
      }
      return OkStatus();
    });
  }

  Result<std::map<std::string, std::string>> GetSweepTags(const std::string& sweep_id) override {
    // One statement: the existence check and the tags come from one snapshot.
    auto r = conn_->Exec(
        "SELECT s.id, t.key, t.value FROM sweeps s LEFT JOIN sweep_tags t ON t.sweep_id = s.id WHERE s.id = $1",
        {sweep_id});
    if (!r.ok()) return r.error();
    if (r->rows() == 0) return Error::NotFound("no sweep with id '" + sweep_id + "'");
    std::map<std::string, std::string> out;
    for (int i = 0; i < r->rows(); ++i) {
      if (r->is_null(i, 1)) continue;  // the sweep has no tags
      out[r->text(i, 1)] = r->text(i, 2);
    }
    return out;
  }

  Result<std::optional<RunRecord>> ClaimRun(const std::string& sweep_id, const ProposeFn& propose,
                                            const ClaimContext& context) override {
    auto claimed = ClaimRunLocked(sweep_id, propose, context);
    // Conservative: after a failed claim the next one starts from a full read.
    if (!claimed.ok()) claim_cache_.erase(sweep_id);
    return claimed;
  }

  Result<std::optional<RunRecord>> ClaimRunLocked(const std::string& sweep_id, const ProposeFn& propose,
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
      NewRun& fresh = **proposal;
      RunRecord run;
      run.sweep_id = sweep_id;
      run.number = existing->empty() ? 1 : existing->back().number + 1;
      run.grid_index = fresh.grid_index;
      run.state = context.initial_state;
      run.params = std::move(fresh.params);
      run.created_at = Now();
      run.host = context.host;
      run.agent_id = context.agent_id;
      if (IsTerminal(run.state)) return Error::InvalidInput("a claimed run must start queued or running");
      const std::string params_json = ToJson(Value(ValueMap(run.params)));
      bool inserted = false;
      for (int draw = 0; draw < kMaxIdDraws && !inserted; ++draw) {
        run.id = NewId();
        auto r = conn_->Exec(
            "INSERT INTO runs (id, sweep_id, number, grid_index, state, params, argv, created_at, host, agent_id) "
            "VALUES ($1,$2,$3,$4,$5,$6,'[]',$7,$8,$9) ON CONFLICT (id) DO NOTHING",
            {run.id, sweep_id, Int(run.number), OptInt(run.grid_index), std::string(TrialStateName(run.state)),
             params_json, pg::FormatDouble(run.created_at), run.host, run.agent_id});
        if (!r.ok()) {
          if (conn_->last_sqlstate() == pg::kUniqueViolation && conn_->last_constraint() == "runs_grid_point") {
            return Error::Conflict("grid point " + Int(run.grid_index.value_or(-1)) + " of sweep " + sweep_id +
                                   " is already taken");
          }
          return r.error();
        }
        inserted = r->affected() == 1;
      }
      if (!inserted) return Error::Internal("could not draw an unused run id");
      if (Status p = InsertParams(run.id, run.params); !p.ok()) return p;
      claimed = std::move(run);
      return OkStatus();
    });
    if (!st.ok()) return st.error();
    return claimed;
  }

  Status MarkRunStarted(const std::string& run_id, const std::vector<std::string>& argv, int pid,
                        const std::string& run_dir, double started_at) override {
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

  Status FinishRun(const std::string& run_id, const RunOutcome& outcome) override {
    if (!IsTerminal(outcome.state)) {
      return Error::InvalidInput("FinishRun needs a terminal state, not " + std::string(TrialStateName(outcome.state)));
    }
    const double ended_at = outcome.ended_at != 0 ? outcome.ended_at : Now();
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

  Result<RunRecord> GetRun(const std::string& id_or_prefix) override {
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

  Result<std::vector<RunRecord>> ListRuns(const std::string& sweep_id) override {
    auto exists = conn_->Exec("SELECT 1 FROM sweeps WHERE id = $1", {sweep_id});
    if (!exists.ok()) return exists.error();
    if (exists->rows() == 0) return Error::NotFound("no sweep with id '" + sweep_id + "'");
    return LoadRuns("r.sweep_id = $1", {sweep_id});
  }

  Result<std::vector<RunRecord>> ListTopRuns(const std::string& sweep_id, const std::string& key, SummaryStat stat,
                                             Goal goal, int limit) override {
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

  Result<std::vector<RunRecord>> ListRunsByState(const std::string& sweep_id, TrialState state) override {
    auto exists = conn_->Exec("SELECT 1 FROM sweeps WHERE id = $1", {sweep_id});
    if (!exists.ok()) return exists.error();
    if (exists->rows() == 0) return Error::NotFound("no sweep with id '" + sweep_id + "'");
    return LoadRuns("r.sweep_id = $1 AND r.state = $2", {sweep_id, std::string(TrialStateName(state))});
  }

  Status LogMetrics(const std::string& run_id, const std::vector<MetricPoint>& points) override {
    return conn_->Transaction([&]() -> Status {
      // Locking the run serializes summary updates of concurrent loggers.
      auto lock = conn_->Exec("SELECT 1 FROM runs WHERE id = $1 FOR UPDATE", {run_id});
      if (!lock.ok()) return lock.error();
      if (lock->rows() == 0) return Error::NotFound("no run with id '" + run_id + "'");
      if (points.empty()) return OkStatus();
      std::string rows;
      std::map<std::string, MetricSummary> batch;  // this batch's summary per key
      for (const MetricPoint& p : points) {
        pg::AppendCopyText(rows, run_id);
        rows += '\t';
        pg::AppendCopyText(rows, p.key);
        rows += '\t' + Int(p.step) + '\t' + pg::FormatDouble(p.value) + '\t' + pg::FormatDouble(p.time) + '\n';
        auto [it, fresh] = batch.try_emplace(p.key);
        Merge(it->second, fresh, MetricSummary{p.value, p.value, p.value, p.step, 1});
      }
      if (Status s = conn_->CopyIn("COPY metrics (run_id, key, step, value, time) FROM STDIN", rows); !s.ok()) return s;
      auto old = conn_->Exec("SELECT key, last, last_step, min, max, count FROM run_summary WHERE run_id = $1", {run_id});
      if (!old.ok()) return old.error();
      for (int i = 0; i < old->rows(); ++i) {
        auto it = batch.find(old->text(i, 0));
        if (it == batch.end()) continue;
        MetricSummary merged{pg::ParseDouble(old->c_str(i, 1)), pg::ParseDouble(old->c_str(i, 3)),
                             pg::ParseDouble(old->c_str(i, 4)), std::stoll(old->text(i, 2)),
                             std::stoll(old->text(i, 5))};
        Merge(merged, false, it->second);
        it->second = merged;
      }
      for (const auto& [key, s] : batch) {
        auto r = conn_->Exec(
            "INSERT INTO run_summary (run_id, key, last, last_step, min, max, count) VALUES ($1,$2,$3,$4,$5,$6,$7) "
            "ON CONFLICT (run_id, key) DO UPDATE SET last = EXCLUDED.last, last_step = EXCLUDED.last_step, "
            "min = EXCLUDED.min, max = EXCLUDED.max, count = EXCLUDED.count",
            {run_id, key, pg::FormatDouble(s.last), Int(s.last_step), pg::FormatDouble(s.min),
             pg::FormatDouble(s.max), Int(s.count)});
        if (!r.ok()) return r.error();
      }
      return OkStatus();
    });
  }

  Result<std::vector<MetricPoint>> GetMetrics(const std::string& run_id, const std::string& key) override {
    if (Status s = RequireRun(run_id); !s.ok()) return s.error();
    auto r = key.empty() ? conn_->Exec("SELECT key, step, value, time FROM metrics WHERE run_id = $1 "
                                       "ORDER BY key, step, time, seq",
                                       {run_id})
                         : conn_->Exec("SELECT key, step, value, time FROM metrics WHERE run_id = $1 AND key = $2 "
                                       "ORDER BY key, step, time, seq",
                                       {run_id, key});
    if (!r.ok()) return r.error();
    std::vector<MetricPoint> out;
    out.reserve(r->rows());
    for (int i = 0; i < r->rows(); ++i) {
      out.push_back({r->text(i, 0), std::stoll(r->text(i, 1)), pg::ParseDouble(r->c_str(i, 2)),
                     pg::ParseDouble(r->c_str(i, 3))});
    }
    return out;
  }

  Status SetTags(const std::string& run_id, const std::map<std::string, std::string>& tags) override {
    return conn_->Transaction([&]() -> Status {
      if (Status s = RequireRun(run_id); !s.ok()) return s;
      for (const auto& [key, value] : tags) {
        auto r = conn_->Exec(
            "INSERT INTO tags (run_id, key, value) VALUES ($1,$2,$3) "
            "ON CONFLICT (run_id, key) DO UPDATE SET value = EXCLUDED.value",
            {run_id, key, value});
        if (!r.ok()) return r.error();
      }
      return OkStatus();
    });
  }

  Status Heartbeat(const std::vector<std::string>& run_ids, double now) override {
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

  Result<std::vector<std::string>> ReapStaleRuns(const std::string& sweep_id, double stale_before,
                                                 const std::string& reason) override {
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
          {sweep_id, pg::FormatDouble(stale_before), reason, pg::FormatDouble(Now())});
      if (!r.ok()) return r.error();
      std::vector<std::pair<std::int64_t, std::string>> rows;
      for (int i = 0; i < r->rows(); ++i) rows.emplace_back(std::stoll(r->text(i, 1)), r->text(i, 0));
      std::sort(rows.begin(), rows.end());
      for (auto& [number, id] : rows) reaped.push_back(std::move(id));
      return OkStatus();
    });
    if (!st.ok()) return st.error();
    return reaped;
  }

 private:
  std::string NewId() {
    static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::uniform_int_distribution<int> pick(0, 35);
    std::string id(kIdLength, '0');
    for (char& c : id) c = kAlphabet[pick(rng_)];
    return id;
  }

  static std::string Candidates(const PgResult& r) {
    std::string out;
    for (int i = 0; i < r.rows() && i < kMaxCandidatesListed; ++i) out += (i ? ", " : "") + r.text(i, 0);
    if (r.rows() > kMaxCandidatesListed) out += ", ...";
    return out;
  }

  // Folds `add` into `into` (a fresh summary when `fresh`): last by highest
  // step (later points win ties), min/max ignoring NaN (NaN until a number arrives).
  static void Merge(MetricSummary& into, bool fresh, const MetricSummary& add) {
    if (fresh) {
      into = add;
      return;
    }
    if (add.last_step >= into.last_step) {
      into.last = add.last;
      into.last_step = add.last_step;
    }
    if (std::isnan(into.min) || add.min < into.min) into.min = add.min;
    if (std::isnan(into.max) || add.max > into.max) into.max = add.max;
    into.count += add.count;
  }

  Status RequireRun(const std::string& run_id) {
    auto r = conn_->Exec("SELECT 1 FROM runs WHERE id = $1", {run_id});
    if (!r.ok()) return r.error();
    if (r->rows() == 0) return Error::NotFound("no run with id '" + run_id + "'");
    return OkStatus();
  }

  // The run's state name, or kNotFound.
  Result<std::string> RunState(const std::string& run_id) {
    auto r = conn_->Exec("SELECT state FROM runs WHERE id = $1", {run_id});
    if (!r.ok()) return r.error();
    if (r->rows() == 0) return Error::NotFound("no run with id '" + run_id + "'");
    return r->text(0, 0);
  }

  Status InsertParams(const std::string& run_id, const Config& params) {
    for (const auto& [name, value] : params) {
      Param numeric = value.is_number() ? Param(pg::FormatDouble(value.as_number())) : std::nullopt;
      auto r = conn_->Exec("INSERT INTO params (run_id, name, value, numeric) VALUES ($1,$2,$3,$4)",
                           {run_id, name, ToJson(value), numeric});
      if (!r.ok()) return r.error();
    }
    return OkStatus();
  }

  // The runs `where` (a condition on runs r, with `args` as $1..) selects, in
  // number order, with summaries and tags: three set-oriented queries rather
  // than one per run, so 100k runs stay fast.
  Result<std::vector<RunRecord>> LoadRuns(const std::string& where, const std::vector<Param>& args) {
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

  // The claim cache of one sweep: its runs as read by earlier claims, and
  // where the next read starts (schema v3): every run changed by a
  // transaction that committed after the previous read's first snapshot is
  // stamped (on its row or a summary's) at or above reread_from, that
  // snapshot's xmin.
  struct ClaimCache {
    std::optional<std::string> reread_from;  // an xid8 as text; nullopt until the first read
    ClaimHistory history;
  };

  // Brings the sweep's claim cache up to date and returns its runs. Call in
  // the claim's transaction after locking the sweep row. A failure leaves the
  // cache usable (the mark moves only on success; rows merged before it are
  // newer, never older), so a retried transaction may go on with it; ClaimRun
  // drops it when the claim fails for good.
  Result<const std::vector<RunRecord>*> RefreshClaimCache(const std::string& sweep_id) {
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
    const std::size_t count = std::stoull(mark->text(0, 1));
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

  Status AttachSummariesAndTags(std::vector<RunRecord>& runs, const std::string& where, const std::vector<Param>& args) {
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
                        pg::ParseDouble(s->c_str(i, 5)), std::stoll(s->text(i, 3)), std::stoll(s->text(i, 6))};
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

  std::unique_ptr<PgConnection> conn_;
  std::mt19937_64 rng_;
  std::unordered_map<std::string, ClaimCache> claim_cache_;  // by sweep id
};

}  // namespace

bool IsPostgresUrl(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url) {
  auto conn = PgConnection::Open(url);
  if (!conn.ok()) return conn.error();
  if (Status s = pg::Migrate(**conn); !s.ok()) return s.error();
  return std::unique_ptr<Store>(new PostgresStore(std::move(*conn)));
}

}  // namespace sweep
