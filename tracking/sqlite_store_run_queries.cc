// SqliteStore: reading runs back, with their summaries and tags, and the
// row decoding that LoadRuns (the one place runs are read) shares with
// nothing else.
#include <algorithm>
#include <exception>
#include <string>
#include <unordered_map>
#include <utility>

#include "core/value_json.h"
#include "tracking/sqlite_store_impl.h"

namespace sweep::sqlite {
namespace {

Result<Config> ConfigFromJson(const std::string& text) {
  auto v = ParseJson(text);
  if (!v.ok()) return v.error();
  if (!v->is_map()) return Error::Internal("stored params are not a JSON object: " + text);
  Config config;
  for (const auto& [name, value] : v->as_map()) config.emplace_back(name, value);
  return config;
}

// argv and labels: a JSON list of strings.
Result<std::vector<std::string>> StringListFromJson(const std::string& text) {
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

// The three statements that load a run set: the runs (number order, with
// their changed_seq as column 18, then the v4 columns), their summaries and their tags. Every
// query shape is written once here and combined with each RunSet's filter.
struct RunQueries {
  std::string runs, summaries, tags;
};

const RunQueries& QueriesFor(RunSet set) {
  auto make = [](const std::string& where) {
    return RunQueries{
        "SELECT r.seq, r.id, r.sweep_id, r.number, r.grid_index, r.state, r.params, r.argv, r.created_at, "
        "r.started_at, r.ended_at, r.exit_code, r.signal, r.failure_reason, r.host, r.agent_id, r.pid, r.run_dir, "
        "r.changed_seq, r.name, r.labels, r.notes, r.stop_requested FROM runs r WHERE " + where + " ORDER BY r.number",
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

}  // namespace

Result<RunRecord> SqliteStore::GetRun(const std::string& id_or_prefix) {
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

Result<std::vector<RunRecord>> SqliteStore::ListRuns(const std::string& sweep_id) {
  return Read([&]() -> Result<std::vector<RunRecord>> {
    if (auto s = RequireSweep(sweep_id); !s.ok()) return s.error();
    return LoadRunRecords(RunSet::kSweep, sweep_id);
  });
}

Result<std::vector<RunRecord>> SqliteStore::ListTopRuns(const std::string& sweep_id, const std::string& key,
                                                        SummaryStat stat, Goal goal, int limit) {
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

Result<std::vector<RunRecord>> SqliteStore::ListRunsByState(const std::string& sweep_id, TrialState state) {
  auto all = ListRuns(sweep_id);
  if (!all.ok()) return all.error();
  std::vector<RunRecord> out;
  for (auto& run : *all) {
    if (run.state == state) out.push_back(std::move(run));
  }
  return out;
}

Result<RunChanges> SqliteStore::ListRunsChangedSince(const std::string& sweep_id, const std::string& mark) {
  std::int64_t since = kNoStamp;
  if (!mark.empty()) {
    // A mark is the decimal stamp this method returned; anything else is a caller's bug.
    std::size_t used = 0;
    try {
      since = std::stoll(mark, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != mark.size()) return Error::InvalidInput("not a change mark: '" + mark + "'");
  }
  return Read([&]() -> Result<RunChanges> {
    if (Status known = RequireSweep(sweep_id); !known.ok()) return known.error();
    auto loaded = LoadRuns(RunSet::kSweepChangedSince, sweep_id, since);
    if (!loaded.ok()) return loaded.error();
    auto count = db_->Prepare("SELECT count(*) FROM runs WHERE sweep_id = ?1");
    if (!count.ok()) return count.error();
    count->Bind(1, sweep_id);
    auto row = count->Step();
    if (!row.ok()) return row.error();
    return RunChanges{std::move(loaded->runs), std::to_string(std::max(since, loaded->max_stamp)),
                      static_cast<std::size_t>(count->Int(0))};
  });
}

Result<SqliteStore::LoadedRuns> SqliteStore::LoadRuns(RunSet set, const std::string& arg, std::int64_t since) {
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
    auto argv = StringListFromJson(s.Text(7));
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
    r.name = s.Text(19);
    auto labels = StringListFromJson(s.Text(20));  // the same shape: a JSON list of strings
    if (!labels.ok()) return labels.error();
    r.labels = std::move(labels).value();
    r.notes = s.Text(21);
    r.stop_requested = s.Int(22) != 0;
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

Result<std::vector<RunRecord>> SqliteStore::LoadRunRecords(RunSet set, const std::string& arg) {
  auto loaded = LoadRuns(set, arg);
  if (!loaded.ok()) return loaded.error();
  return std::move(loaded->runs);
}

}  // namespace sweep::sqlite
