#include "tracking/sqlite_store.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <unordered_map>
#include <utility>

#include "core/value_json.h"
#include "tracking/claim_history.h"
#include "tracking/ids.h"
#include "tracking/sqlite_db.h"
#include "tracking/sqlite_schema.h"

namespace sweep {
namespace {

using sqlite::Database;
using sqlite::Statement;

// Ids are regenerated on collision; with 36^8 ids, needing more than a few
// tries means the generator is broken, not unlucky.
constexpr int kMaxIdAttempts = 16;
constexpr std::string_view kSqliteMagic{"SQLite format 3\0", 16};

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string_view GoalName(Goal g) { return g == Goal::kMaximize ? "maximize" : "minimize"; }

Value ConfigToValue(const Config& config) {
  ValueMap map;
  map.reserve(config.size());
  for (const auto& [name, value] : config) map.emplace_back(name, value);
  return Value(std::move(map));
}

Result<Config> ConfigFromJson(const std::string& text) {
  auto v = ParseJson(text);
  if (!v.ok()) return v.error();
  if (!v->is_map()) return Error::Internal("stored params are not a JSON object: " + text);
  Config config;
  for (const auto& [name, value] : v->as_map()) config.emplace_back(name, value);
  return config;
}

Result<std::vector<std::string>> ArgvFromJson(const std::string& text) {
  auto v = ParseJson(text);
  if (!v.ok()) return v.error();
  std::vector<std::string> argv;
  if (!v->is_list()) return Error::Internal("stored argv is not a JSON list: " + text);
  for (const auto& item : v->as_list()) {
    if (!item.is_string()) return Error::Internal("stored argv has a non-string element: " + text);
    argv.push_back(item.as_string());
  }
  return argv;
}

std::string ArgvToJson(const std::vector<std::string>& argv) {
  ValueList list(argv.begin(), argv.end());
  return ToJson(Value(std::move(list)));
}

// Mirrors metric NaN handling in the schema: NULL min/max means "no finite
// comparison yet".
struct SummaryRow {
  bool exists = false;
  MetricSummary s;
  bool has_minmax = false;
};

void Accumulate(SummaryRow& row, const MetricPoint& p) {
  if (!row.exists || p.step >= row.s.last_step) {
    // Later points at the same step win: "last" is the latest report.
    row.s.last = p.value;
    row.s.last_step = p.step;
  }
  if (!std::isnan(p.value)) {
    if (!row.has_minmax) {
      row.s.min = row.s.max = p.value;
      row.has_minmax = true;
    } else {
      row.s.min = std::min(row.s.min, p.value);
      row.s.max = std::max(row.s.max, p.value);
    }
  }
  row.s.count += 1;
  row.exists = true;
}

// The statements that read whole sweeps, in SweepFromRow's column order.
#define SWEEP_SELECT_SWEEPS \
  "SELECT id, name, method, metric_name, goal, spec_text, spec_path, seed, state, created_at, updated_at FROM sweeps "
constexpr char kSweepById[] = SWEEP_SELECT_SWEEPS "WHERE id = ?1";
constexpr char kNewestSweepByName[] = SWEEP_SELECT_SWEEPS "WHERE name = ?1 ORDER BY created_at DESC, rowid DESC LIMIT 1";
constexpr char kAllSweeps[] = SWEEP_SELECT_SWEEPS "ORDER BY created_at, rowid";
#undef SWEEP_SELECT_SWEEPS

// runs.changed_seq starts at 0 (schema v3), so "changed after -1" is every run.
constexpr std::int64_t kNoStamp = -1;

// Which runs a load reads: one WHERE clause over `runs r` each, binding ?1
// (and ?2 for kSweepChangedSince).
enum class RunSet { kSweep, kOneRun, kSweepChangedSince };

// The three statements that load a run set: the runs (number order, with
// their changed_seq as column 18), their summaries and their tags. Every
// query shape is written once here and combined with each RunSet's filter.
struct RunQueries {
  std::string runs, summaries, tags;
};

const RunQueries& QueriesFor(RunSet set) {
  auto make = [](const std::string& where) {
    return RunQueries{
        "SELECT r.seq, r.id, r.sweep_id, r.number, r.grid_index, r.state, r.params, r.argv, r.created_at, "
        "r.started_at, r.ended_at, r.exit_code, r.signal, r.failure_reason, r.host, r.agent_id, r.pid, r.run_dir, "
        "r.changed_seq FROM runs r WHERE " + where + " ORDER BY r.number",
        "SELECT s.run_seq, k.key, s.last, s.min, s.max, s.last_step, s.count FROM runs r "
        "JOIN run_summary s ON s.run_seq = r.seq JOIN metric_keys k ON k.id = s.key_id WHERE " + where,
        "SELECT t.run_seq, t.key, t.value FROM runs r JOIN tags t ON t.run_seq = r.seq WHERE " + where};
  };
  // Static: Database::Prepare caches statements by the SQL text's address,
  // so each query must keep one address for the life of the process.
  static const RunQueries kQueries[] = {
      make("r.sweep_id = ?1"),                          // RunSet::kSweep
      make("r.id = ?1"),                                // RunSet::kOneRun
      make("r.sweep_id = ?1 AND r.changed_seq > ?2"),  // RunSet::kSweepChangedSince, along runs_by_change
  };
  return kQueries[static_cast<std::size_t>(set)];
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  Result<SweepRecord> CreateSweep(SweepRecord sweep) override {
    return Write([&]() -> Result<SweepRecord> {
      if (sweep.id.empty()) {
        auto id = NewId("SELECT 1 FROM sweeps WHERE id = ?1");
        if (!id.ok()) return id.error();
        sweep.id = *id;
      } else if (!IsIdPrefix(sweep.id) || sweep.id.size() != kIdLength) {
        return Error::InvalidInput("sweep id must be " + std::to_string(kIdLength) +
                                   " lowercase base-36 characters: " + sweep.id);
      } else if (RequireSweep(sweep.id).ok()) {
        return Error::Conflict("a sweep with id " + sweep.id + " already exists");
      }
      if (sweep.created_at == 0) sweep.created_at = NowSeconds();
      if (sweep.updated_at == 0) sweep.updated_at = sweep.created_at;
      auto stmt = db_->Prepare(
          "INSERT INTO sweeps (id, name, method, metric_name, goal, spec_text, spec_path, seed, state, "
          "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
      if (!stmt.ok()) return stmt.error();
      stmt->Bind(1, sweep.id).Bind(2, sweep.name).Bind(3, sweep.method).Bind(4, sweep.metric_name);
      stmt->Bind(5, GoalName(sweep.goal)).Bind(6, sweep.spec_text).Bind(7, sweep.spec_path);
      // The seed is a full 64-bit value; SQLite stores it bit-for-bit as int64.
      stmt->Bind(8, static_cast<std::int64_t>(sweep.seed)).Bind(9, SweepStateName(sweep.state));
      stmt->Bind(10, sweep.created_at).Bind(11, sweep.updated_at);
      if (auto s = stmt->Run(); !s.ok()) return s.error();
      return sweep;
    });
  }

  Result<SweepRecord> GetSweep(const std::string& id_or_name) override {
    return Read([&]() -> Result<SweepRecord> {
      if (auto found = FirstSweep(kSweepById, id_or_name); !found.ok() || found->has_value()) {
        return Unwrap(std::move(found));
      }
      if (auto found = FirstSweep(kNewestSweepByName, id_or_name); !found.ok() || found->has_value()) {
        return Unwrap(std::move(found));
      }
      auto id = ResolvePrefix("SELECT id FROM sweeps WHERE id GLOB ?1 ORDER BY id", "sweep", id_or_name);
      if (!id.ok()) return id.error();
      return Unwrap(FirstSweep(kSweepById, *id));
    });
  }

  Result<std::vector<SweepRecord>> ListSweeps() override {
    auto stmt = db_->Prepare(kAllSweeps);
    if (!stmt.ok()) return stmt.error();
    std::vector<SweepRecord> out;
    for (;;) {
      auto row = stmt->Step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      auto rec = SweepFromRow(*stmt);
      if (!rec.ok()) return rec.error();
      out.push_back(std::move(rec).value());
    }
    return out;
  }

  Status SetSweepState(const std::string& sweep_id, SweepState state) override {
    return Write([&]() -> Status {
      auto stmt = db_->Prepare("UPDATE sweeps SET state = ?1, updated_at = ?2 WHERE id = ?3");
      if (!stmt.ok()) return stmt.error();
      stmt->Bind(1, SweepStateName(state)).Bind(2, NowSeconds()).Bind(3, sweep_id);
      if (auto s = stmt->Run(); !s.ok()) return s;
      if (db_->Changes() == 0) return Error::NotFound("no sweep with id " + sweep_id);
      return OkStatus();
    });
  }

  Status SetSweepTags(const std::string& sweep_id, const std::map<std::string, std::string>& tags) override {
    return Write([&]() -> Status {
      if (auto s = RequireSweep(sweep_id); !s.ok()) return s;
      for (const auto& [k, v] : tags) {
        auto stmt = db_->Prepare("INSERT OR REPLACE INTO sweep_tags (sweep_id, key, value) VALUES (?1, ?2, ?3)");
        if (!stmt.ok()) return stmt.error();
        stmt->Bind(1, sweep_id).Bind(2, k).Bind(3, v);
        if (auto s = stmt->Run(); !s.ok()) return s;
      }
      return OkStatus();
    });
  }

  Result<std::map<std::string, std::string>> GetSweepTags(const std::string& sweep_id) override {
    return Read([&]() -> Result<std::map<std::string, std::string>> {
      if (auto s = RequireSweep(sweep_id); !s.ok()) return s.error();
      auto stmt = db_->Prepare("SELECT key, value FROM sweep_tags WHERE sweep_id = ?1");
      if (!stmt.ok()) return stmt.error();
      stmt->Bind(1, sweep_id);
      std::map<std::string, std::string> out;
      for (;;) {
        auto row = stmt->Step();
        if (!row.ok()) return row.error();
        if (!*row) break;
        out[stmt->Text(0)] = stmt->Text(1);
      }
      return out;
    });
  }

  Result<std::optional<RunRecord>> ClaimRun(const std::string& sweep_id, const ProposeFn& propose,
                                            const ClaimContext& context) override {
    auto claimed = ClaimRunLocked(sweep_id, propose, context);
    if (!claimed.ok()) claim_cache_.erase(sweep_id);
    return claimed;
  }

  Result<std::optional<RunRecord>> ClaimRunLocked(const std::string& sweep_id, const ProposeFn& propose,
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
      const std::int64_t seq = db_->LastInsertRowid();
      auto param = db_->Prepare("INSERT INTO params (run_seq, name, value, num) VALUES (?1, ?2, ?3, ?4)");
      if (!param.ok()) return param.error();
      Statement& p = *param;
      for (const auto& [name, value] : run.params) {
        p.Bind(1, seq).Bind(2, name).Bind(3, ToJson(value));
        if (value.is_number()) {
          p.Bind(4, value.as_number());
        } else {
          p.BindNull(4);
        }
        if (auto s = p.Run(); !s.ok()) return s.error();
        p.Reset();
      }
      return std::optional<RunRecord>(std::move(run));
    });
  }

  Status MarkRunStarted(const std::string& run_id, const std::vector<std::string>& argv, int pid,
                        const std::string& run_dir, double started_at) override {
    return Write([&]() -> Status {
      auto state = RunState(run_id);
      if (!state.ok()) return state.error();
      if (IsTerminal(*state)) {
        return Error::Conflict("run " + run_id + " already ended (" + std::string(TrialStateName(*state)) + ")");
      }
      auto stmt = db_->Prepare(
          "UPDATE runs SET state = 'running', argv = ?1, pid = ?2, run_dir = ?3, started_at = ?4 WHERE id = ?5");
      if (!stmt.ok()) return stmt.error();
      stmt->Bind(1, ArgvToJson(argv)).Bind(2, std::int64_t{pid}).Bind(3, run_dir).Bind(4, started_at);
      stmt->Bind(5, run_id);
      return stmt->Run();
    });
  }

  Status FinishRun(const std::string& run_id, const RunOutcome& outcome) override {
    if (!IsTerminal(outcome.state)) {
      return Error::InvalidInput("FinishRun needs a terminal state, got " +
                                 std::string(TrialStateName(outcome.state)));
    }
    return Write([&]() -> Status {
      auto state = RunState(run_id);
      if (!state.ok()) return state.error();
      if (IsTerminal(*state)) {
        return Error::Conflict("run " + run_id + " already ended (" + std::string(TrialStateName(*state)) + ")");
      }
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
    });
  }

  Result<RunRecord> GetRun(const std::string& id_or_prefix) override {
    return Read([&]() -> Result<RunRecord> {
      std::string id = id_or_prefix;
      {
        auto stmt = db_->Prepare("SELECT 1 FROM runs WHERE id = ?1");
        if (!stmt.ok()) return stmt.error();
        stmt->Bind(1, id_or_prefix);
        auto row = stmt->Step();
        if (!row.ok()) return row.error();
        if (!*row) {
          auto resolved = ResolvePrefix("SELECT id FROM runs WHERE id GLOB ?1 ORDER BY id", "run", id_or_prefix);
          if (!resolved.ok()) return resolved.error();
          id = *resolved;
        }
      }
      auto runs = LoadRunRecords(RunSet::kOneRun, id);
      if (!runs.ok()) return runs.error();
      if (runs->empty()) return Error::NotFound("no run with id " + id);
      return std::move(runs->front());
    });
  }

  Result<std::vector<RunRecord>> ListRuns(const std::string& sweep_id) override {
    return Read([&]() -> Result<std::vector<RunRecord>> {
      if (auto s = RequireSweep(sweep_id); !s.ok()) return s.error();
      return LoadRunRecords(RunSet::kSweep, sweep_id);
    });
  }

  Result<std::vector<RunRecord>> ListTopRuns(const std::string& sweep_id, const std::string& key, SummaryStat stat,
                                             Goal goal, int limit) override {
    return Read([&]() -> Result<std::vector<RunRecord>> {
      if (auto s = RequireSweep(sweep_id); !s.ok()) return s.error();
      std::vector<RunRecord> out;
      if (limit < 1) return out;
      // Database::Prepare caches by the SQL's address, so each ranking is its
      // own string literal. NaN is stored as NULL: IS NOT NULL leaves it out.
#define SWEEP_TOP_RUNS_SQL(column, order)                                                              \
  "SELECT r.id FROM runs r JOIN run_summary s ON s.run_seq = r.seq JOIN metric_keys k ON k.id = s.key_id " \
  "WHERE r.sweep_id = ?1 AND k.key = ?2 AND " column " IS NOT NULL ORDER BY " column " " order ", r.number LIMIT ?3"
      static constexpr const char* kTopRuns[3][2] = {
          {SWEEP_TOP_RUNS_SQL("s.last", "ASC"), SWEEP_TOP_RUNS_SQL("s.last", "DESC")},
          {SWEEP_TOP_RUNS_SQL("s.min", "ASC"), SWEEP_TOP_RUNS_SQL("s.min", "DESC")},
          {SWEEP_TOP_RUNS_SQL("s.max", "ASC"), SWEEP_TOP_RUNS_SQL("s.max", "DESC")},
      };
#undef SWEEP_TOP_RUNS_SQL
      const int by = stat == SummaryStat::kLast ? 0 : stat == SummaryStat::kMin ? 1 : 2;
      const char* sql = kTopRuns[by][goal == Goal::kMinimize ? 0 : 1];
      auto stmt = db_->Prepare(sql);
      if (!stmt.ok()) return stmt.error();
      stmt->Bind(1, sweep_id).Bind(2, key).Bind(3, static_cast<std::int64_t>(limit));
      std::vector<std::string> ids;
      for (;;) {
        auto row = stmt->Step();
        if (!row.ok()) return row.error();
        if (!*row) break;
        ids.push_back(stmt->Text(0));
      }
      // limit is small: one by-id load per ranked run, inside this read.
      for (const auto& id : ids) {
        auto one = LoadRunRecords(RunSet::kOneRun, id);
        if (!one.ok()) return one.error();
        if (!one->empty()) out.push_back(std::move(one->front()));
      }
      return out;
    });
  }

  Result<std::vector<RunRecord>> ListRunsByState(const std::string& sweep_id, TrialState state) override {
    auto all = ListRuns(sweep_id);
    if (!all.ok()) return all.error();
    std::vector<RunRecord> out;
    for (auto& run : *all) {
      if (run.state == state) out.push_back(std::move(run));
    }
    return out;
  }

  Status LogMetrics(const std::string& run_id, const std::vector<MetricPoint>& points) override {
    if (points.empty()) return OkStatus();
    std::unordered_map<std::string, std::int64_t> new_keys;
    Status status = Write([&]() -> Status {
      auto seq = RunSeq(run_id);
      if (!seq.ok()) return seq.error();
      // Per-key summaries of this batch, merged with the stored ones once.
      std::unordered_map<std::int64_t, SummaryRow> summaries;
      auto insert = db_->Prepare("INSERT INTO metrics (run_seq, key_id, step, ord, time, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
      if (!insert.ok()) return insert.error();
      Statement ins = std::move(insert).value();
      const std::string* last_key = nullptr;
      std::int64_t key_id = 0;
      SummaryRow* summary = nullptr;
      for (const MetricPoint& p : points) {
        if (last_key == nullptr || *last_key != p.key) {
          auto id = KeyId(p.key, new_keys);
          if (!id.ok()) return id.error();
          key_id = *id;
          last_key = &p.key;
          auto [it, inserted] = summaries.try_emplace(key_id);
          if (inserted) {
            if (auto s = LoadSummary(*seq, key_id, it->second); !s.ok()) return s;
          }
          summary = &it->second;
        }
        ins.Bind(1, *seq).Bind(2, key_id).Bind(3, p.step).Bind(4, summary->s.count).Bind(5, p.time).Bind(6, p.value);
        auto done = ins.Step();
        if (!done.ok()) return done.error();
        ins.Reset();
        Accumulate(*summary, p);
      }
      auto up = db_->Prepare(
          "INSERT OR REPLACE INTO run_summary (run_seq, key_id, last, min, max, last_step, count) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
      if (!up.ok()) return up.error();
      Statement upsert = std::move(up).value();
      for (const auto& [kid, row] : summaries) {
        upsert.Bind(1, *seq).Bind(2, kid).Bind(3, row.s.last);
        if (row.has_minmax) {
          upsert.Bind(4, row.s.min).Bind(5, row.s.max);
        } else {
          upsert.BindNull(4).BindNull(5);
        }
        upsert.Bind(6, row.s.last_step).Bind(7, row.s.count);
        auto done = upsert.Step();
        if (!done.ok()) return done.error();
        upsert.Reset();
      }
      return OkStatus();
    });
    // Key ids are cached only once committed, so a rollback cannot leave ids
    // in the cache that the database never kept.
    if (status.ok()) key_ids_.merge(new_keys);
    return status;
  }

  Result<std::vector<MetricPoint>> GetMetrics(const std::string& run_id, const std::string& key) override {
    return Read([&]() -> Result<std::vector<MetricPoint>> {
      auto seq = RunSeq(run_id);
      if (!seq.ok()) return seq.error();
      // Keys in name order, each series read along the index in (step, time) order.
      std::vector<std::pair<std::string, std::int64_t>> keys;
      std::int64_t total = 0;
      {
        auto stmt = db_->Prepare(
            "SELECT k.key, k.id, s.count FROM run_summary s JOIN metric_keys k ON k.id = s.key_id "
            "WHERE s.run_seq = ?1 ORDER BY k.key");
        if (!stmt.ok()) return stmt.error();
        stmt->Bind(1, *seq);
        for (;;) {
          auto row = stmt->Step();
          if (!row.ok()) return row.error();
          if (!*row) break;
          std::string k = stmt->Text(0);
          if (key.empty() || k == key) {
            keys.emplace_back(std::move(k), stmt->Int(1));
            total += stmt->Int(2);
          }
        }
      }
      std::vector<MetricPoint> out;
      out.reserve(static_cast<std::size_t>(total));
      // Read in primary-key order (step, then logging order) so SQLite streams
      // the b-tree without a sort; a step reported with decreasing times is
      // rare and re-sorted below.
      auto stmt = db_->Prepare(
          "SELECT step, time, value FROM metrics WHERE run_seq = ?1 AND key_id = ?2 ORDER BY step, ord");
      if (!stmt.ok()) return stmt.error();
      Statement series = std::move(stmt).value();
      for (const auto& [name, id] : keys) {
        const std::size_t begin = out.size();
        series.Bind(1, *seq).Bind(2, id);
        for (;;) {
          auto row = series.Step();
          if (!row.ok()) return row.error();
          if (!*row) break;
          out.push_back(MetricPoint{name, series.Int(0), series.Double(2), series.Double(1)});
        }
        series.Reset();
        auto by_step_time = [](const MetricPoint& a, const MetricPoint& b) {
          return a.step != b.step ? a.step < b.step : a.time < b.time;
        };
        const auto first = out.begin() + static_cast<std::ptrdiff_t>(begin);
        if (!std::is_sorted(first, out.end(), by_step_time)) std::stable_sort(first, out.end(), by_step_time);
      }
      return out;
    });
  }

  Status SetTags(const std::string& run_id, const std::map<std::string, std::string>& tags) override {
    return Write([&]() -> Status {
      auto seq = RunSeq(run_id);
      if (!seq.ok()) return seq.error();
      for (const auto& [k, v] : tags) {
        auto stmt = db_->Prepare("INSERT OR REPLACE INTO tags (run_seq, key, value) VALUES (?1, ?2, ?3)");
        if (!stmt.ok()) return stmt.error();
        stmt->Bind(1, *seq).Bind(2, k).Bind(3, v);
        if (auto s = stmt->Run(); !s.ok()) return s;
      }
      return OkStatus();
    });
  }

  Status Heartbeat(const std::vector<std::string>& run_ids, double now) override {
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

  Result<std::vector<std::string>> ReapStaleRuns(const std::string& sweep_id, double stale_before,
                                                 const std::string& reason) override {
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

 private:
  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT, rolling back on any error.
  template <typename F>
  auto Write(F&& body) -> decltype(body()) {
    if (auto s = db_->BeginImmediate(sqlite::kBusyBudgetMs); !s.ok()) return s.error();
    auto result = body();
    if (!result.ok()) {
      db_->Rollback();
      return result;
    }
    if (auto s = db_->Commit(sqlite::kBusyBudgetMs); !s.ok()) {
      db_->Rollback();
      return s.error();
    }
    return result;
  }

  // Runs `body` in one read transaction, so multi-query reads see one snapshot.
  template <typename F>
  auto Read(F&& body) -> decltype(body()) {
    if (auto s = db_->Exec("BEGIN"); !s.ok()) return s.error();
    auto result = body();
    db_->Rollback();  // nothing was written; ending the snapshot is all that is needed
    return result;
  }

  Result<std::string> NewId(const char* exists_sql) {
    for (int attempt = 0; attempt < kMaxIdAttempts; ++attempt) {
      std::string id = ids_.Next();
      auto stmt = db_->Prepare(exists_sql);
      if (!stmt.ok()) return stmt.error();
      stmt->Bind(1, id);
      auto row = stmt->Step();
      if (!row.ok()) return row.error();
      if (!*row) return id;
    }
    return Error::Internal("could not find an unused id after " + std::to_string(kMaxIdAttempts) + " tries");
  }

  Result<std::string> ResolvePrefix(const char* sql, const std::string& what, const std::string& prefix) {
    if (!IsIdPrefix(prefix)) return Error::NotFound("no " + what + " matches '" + prefix + "'");
    auto stmt = db_->Prepare(sql);
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, prefix + "*");  // safe: IsIdPrefix admits no GLOB metacharacters
    std::vector<std::string> matches;
    for (;;) {
      auto row = stmt->Step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      matches.push_back(stmt->Text(0));
    }
    if (matches.empty()) return Error::NotFound("no " + what + " matches '" + prefix + "'");
    if (matches.size() > 1) {
      std::string list;
      for (const auto& m : matches) list += (list.empty() ? "" : ", ") + m;
      return Error::InvalidInput("'" + prefix + "' is ambiguous: it prefixes " + what + "s " + list);
    }
    return matches.front();
  }

  static Result<SweepRecord> Unwrap(Result<std::optional<SweepRecord>> r) {
    if (!r.ok()) return r.error();
    return std::move(**r);
  }

  // The first sweep `sql` (one of the k*Sweep* statements) selects with ?1 = arg.
  Result<std::optional<SweepRecord>> FirstSweep(const char* sql, const std::string& arg) {
    auto stmt = db_->Prepare(sql);
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, arg);
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    if (!*row) return std::optional<SweepRecord>();
    auto rec = SweepFromRow(*stmt);
    if (!rec.ok()) return rec.error();
    return std::optional<SweepRecord>(std::move(rec).value());
  }

  static Result<SweepRecord> SweepFromRow(const Statement& s) {
    SweepRecord r;
    r.id = s.Text(0);
    r.name = s.Text(1);
    r.method = s.Text(2);
    r.metric_name = s.Text(3);
    r.goal = s.Text(4) == "maximize" ? Goal::kMaximize : Goal::kMinimize;
    r.spec_text = s.Text(5);
    r.spec_path = s.Text(6);
    r.seed = static_cast<std::uint64_t>(s.Int(7));
    auto state = ParseSweepState(s.Text(8));
    if (!state) return Error::Internal("sweep " + r.id + " has unknown state " + s.Text(8));
    r.state = *state;
    r.created_at = s.Double(9);
    r.updated_at = s.Double(10);
    return r;
  }

  Status RequireSweep(const std::string& sweep_id) {
    auto stmt = db_->Prepare("SELECT 1 FROM sweeps WHERE id = ?1");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, sweep_id);
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    if (!*row) return Error::NotFound("no sweep with id " + sweep_id);
    return OkStatus();
  }

  Result<std::int64_t> RunSeq(const std::string& run_id) {
    auto stmt = db_->Prepare("SELECT seq FROM runs WHERE id = ?1");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, run_id);
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    if (!*row) return Error::NotFound("no run with id " + run_id);
    return stmt->Int(0);
  }

  Result<TrialState> RunState(const std::string& run_id) {
    auto stmt = db_->Prepare("SELECT state FROM runs WHERE id = ?1");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, run_id);
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    if (!*row) return Error::NotFound("no run with id " + run_id);
    auto state = ParseTrialState(stmt->Text(0));
    if (!state) return Error::Internal("run " + run_id + " has unknown state " + stmt->Text(0));
    return *state;
  }

  // The key's id, creating it when new; `fresh` collects ids created in the
  // current transaction (see LogMetrics).
  Result<std::int64_t> KeyId(const std::string& key, std::unordered_map<std::string, std::int64_t>& fresh) {
    if (auto it = key_ids_.find(key); it != key_ids_.end()) return it->second;
    if (auto it = fresh.find(key); it != fresh.end()) return it->second;
    {
      auto stmt = db_->Prepare("SELECT id FROM metric_keys WHERE key = ?1");
      if (!stmt.ok()) return stmt.error();
      stmt->Bind(1, key);
      auto row = stmt->Step();
      if (!row.ok()) return row.error();
      if (*row) return fresh[key] = stmt->Int(0);
    }
    auto stmt = db_->Prepare("INSERT INTO metric_keys (key) VALUES (?1)");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, key);
    if (auto s = stmt->Run(); !s.ok()) return s.error();
    return fresh[key] = db_->LastInsertRowid();
  }

  Status LoadSummary(std::int64_t seq, std::int64_t key_id, SummaryRow& out) {
    auto stmt = db_->Prepare(
        "SELECT last, min, max, last_step, count FROM run_summary WHERE run_seq = ?1 AND key_id = ?2");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, seq).Bind(2, key_id);
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    if (!*row) return OkStatus();
    out.exists = true;
    out.s.last = stmt->Double(0);
    out.has_minmax = !stmt->IsNull(1);
    out.s.min = stmt->Double(1);
    out.s.max = stmt->Double(2);
    out.s.last_step = stmt->Int(3);
    out.s.count = stmt->Int(4);
    return OkStatus();
  }

  struct LoadedRuns {
    std::vector<RunRecord> runs;
    std::int64_t max_stamp = kNoStamp;  // the largest runs.changed_seq loaded
  };

  // The runs `set` selects (arg binds ?1; `since`, for kSweepChangedSince,
  // binds ?2) in number order, with summaries and tags: three queries
  // however many runs there are.
  Result<LoadedRuns> LoadRuns(RunSet set, const std::string& arg, std::int64_t since = kNoStamp) {
    const RunQueries& q = QueriesFor(set);
    // Runs `sql` with the set's bindings, calling `on_row` for each row.
    auto for_each_row = [&](const std::string& sql, auto&& on_row) -> Status {
      auto stmt = db_->Prepare(sql.c_str());
      if (!stmt.ok()) return stmt.error();
      stmt->Bind(1, arg);
      if (set == RunSet::kSweepChangedSince) stmt->Bind(2, since);
      for (;;) {
        auto row = stmt->Step();
        if (!row.ok()) return row.error();
        if (!*row) return OkStatus();
        if (Status st = on_row(*stmt); !st.ok()) return st;
      }
    };
    LoadedRuns loaded;
    std::vector<RunRecord>& runs = loaded.runs;
    std::unordered_map<std::int64_t, std::size_t> index_of_seq;
    Status st = for_each_row(q.runs, [&](const Statement& s) -> Status {
      RunRecord r;
      r.id = s.Text(1);
      r.sweep_id = s.Text(2);
      r.number = s.Int(3);
      if (!s.IsNull(4)) r.grid_index = s.Int(4);
      auto state = ParseTrialState(s.Text(5));
      if (!state) return Error::Internal("run " + r.id + " has unknown state " + s.Text(5));
      r.state = *state;
      auto params = ConfigFromJson(s.Text(6));
      if (!params.ok()) return params.error();
      r.params = std::move(params).value();
      auto argv = ArgvFromJson(s.Text(7));
      if (!argv.ok()) return argv.error();
      r.argv = std::move(argv).value();
      r.created_at = s.Double(8);
      r.started_at = s.Double(9);
      r.ended_at = s.Double(10);
      if (!s.IsNull(11)) r.exit_code = static_cast<int>(s.Int(11));
      if (!s.IsNull(12)) r.signal = static_cast<int>(s.Int(12));
      r.failure_reason = s.Text(13);
      r.host = s.Text(14);
      r.agent_id = s.Text(15);
      r.pid = static_cast<int>(s.Int(16));
      r.run_dir = s.Text(17);
      loaded.max_stamp = std::max(loaded.max_stamp, s.Int(18));
      index_of_seq.emplace(s.Int(0), runs.size());
      runs.push_back(std::move(r));
      return OkStatus();
    });
    if (!st.ok()) return st.error();
    if (runs.empty()) return loaded;
    st = for_each_row(q.summaries, [&](const Statement& s) -> Status {
      MetricSummary m;
      m.last = s.Double(2);
      m.min = s.Double(3);
      m.max = s.Double(4);
      m.last_step = s.Int(5);
      m.count = s.Int(6);
      runs[index_of_seq.at(s.Int(0))].summary.emplace(s.Text(1), m);
      return OkStatus();
    });
    if (!st.ok()) return st.error();
    st = for_each_row(q.tags, [&](const Statement& s) -> Status {
      runs[index_of_seq.at(s.Int(0))].tags.emplace(s.Text(1), s.Text(2));
      return OkStatus();
    });
    if (!st.ok()) return st.error();
    return loaded;
  }

  // LoadRuns for callers that want only the records.
  Result<std::vector<RunRecord>> LoadRunRecords(RunSet set, const std::string& arg) {
    auto loaded = LoadRuns(set, arg);
    if (!loaded.ok()) return loaded.error();
    return std::move(loaded->runs);
  }

  // The claim cache: a sweep's runs as of stamp `high_water` (runs.changed_seq,
  // see schema v3). Valid because every change to what a RunRecord shows
  // restamps the run with a larger value, and stamps are given in commit
  // order (writers are serialized).
  struct ClaimCache {
    std::int64_t high_water = kNoStamp;
    ClaimHistory history;
  };

  // Brings the sweep's claim cache up to date: loads only the runs stamped
  // after its high-water mark and merges them by id. Call inside a write
  // transaction. On error ClaimRun drops the cache.
  Result<const std::vector<RunRecord>*> RefreshClaimCache(const std::string& sweep_id) {
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

  std::unique_ptr<Database> db_;
  IdGenerator ids_;
  std::unordered_map<std::string, ClaimCache> claim_cache_;
  // Metric key -> id; keys are never deleted or renumbered, so entries stay valid.
  std::unordered_map<std::string, std::int64_t> key_ids_;
};

Result<bool> IsExistingDatabase(const std::filesystem::path& path) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (ec) return Error::Io("cannot stat " + path.string() + ": " + ec.message());
  if (!exists) return false;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Error::Io("cannot stat " + path.string() + ": " + ec.message());
  if (size == 0) return false;
  std::ifstream in(path, std::ios::binary);
  std::string header(kSqliteMagic.size(), '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(header.size())) || header != kSqliteMagic) {
    return sqlite::DamagedDatabase(path.string(), "it does not start with the SQLite header");
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  const std::filesystem::path file(path);
  if (file.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec) return Error::Io("cannot create " + file.parent_path().string() + ": " + ec.message());
  }
  auto existing = IsExistingDatabase(file);
  if (!existing.ok()) return existing.error();
  auto db = sqlite::Database::Open(path, *existing ? sqlite::OpenMode::kReadWrite
                                                  : sqlite::OpenMode::kReadWriteCreate);
  if (!db.ok()) return db.error();
  // Readers in WAL mode rarely wait; this covers checkpoints and migration.
  (*db)->SetBusyTimeoutMs(sqlite::kBusyBudgetMs);
  if (*existing) {
    if (auto s = sqlite::CheckExisting(**db); !s.ok()) return s.error();
  }
  if (auto s = sqlite::ConfigureAndMigrate(**db); !s.ok()) return s.error();
  return std::unique_ptr<Store>(new SqliteStore(std::move(db).value()));
}

}  // namespace sweep
