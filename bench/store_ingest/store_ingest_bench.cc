// store_ingest_bench [dir]: times 1,000,000 metric points for one run through
// Store::LogMetrics versus plain batched SQLite inserts of the same rows into
// a minimal table (no index, same pragmas) — the physical limit — and then
// GetMetrics of those points and ListRuns of a 10,000-run sweep.
// Each figure is the median of kRepeats fresh databases.
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "bench/common/plain_sqlite_insert.h"
#include "tracking/store.h"

namespace {

namespace fs = std::filesystem;
using sweep::MetricPoint;

constexpr std::int64_t kPoints = 1'000'000;
constexpr std::size_t kBatch = 8192;      // a trial flushing every few hundred ms at high rates
constexpr int kRepeats = 5;                // median of 5 damps disk and scheduler noise
constexpr int kListRuns = 10'000;
constexpr int kKeys = 4;                   // loss/acc/lr/grad_norm: a typical training log

double Seconds(const std::function<void()>& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "store_ingest_bench: %s\n", what.c_str());
  std::exit(1);
}

std::vector<MetricPoint> MakePoints() {
  static const char* kKeyNames[kKeys] = {"loss", "acc", "lr", "grad_norm"};
  std::vector<MetricPoint> pts;
  pts.reserve(kPoints);
  for (std::int64_t i = 0; i < kPoints; ++i) {
    // Keys interleave as a trainer logs them: every step reports each key.
    pts.push_back(MetricPoint{kKeyNames[i % kKeys], i / kKeys, 1.0 / static_cast<double>(i + 1),
                              1.7e9 + static_cast<double>(i) * 1e-3});
  }
  return pts;
}

void Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) Die(err ? err : sql);
}

std::unique_ptr<sweep::Store> Open(const fs::path& path) {
  auto store = sweep::OpenStore(path.string());
  if (!store.ok()) Die(store.error().message);
  return std::move(store).value();
}

std::string NewRun(sweep::Store& store, const std::string& sweep_id) {
  auto run = store.ClaimRun(
      sweep_id,
      [](const std::vector<sweep::RunRecord>&) -> sweep::Result<std::optional<sweep::NewRun>> {
        return std::optional<sweep::NewRun>(sweep::NewRun{{{"lr", sweep::Value(0.01)}}, std::nullopt});
      },
      {});
  if (!run.ok() || !run->has_value()) Die("claim");
  return (*run)->id;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path root = argc > 1 ? fs::path(argv[1]) : fs::temp_directory_path() / ("store-ingest-" + std::to_string(::getpid()));
  fs::remove_all(root);
  const std::vector<MetricPoint> pts = MakePoints();

  std::vector<double> plain, logged, read;
  for (int r = 0; r < kRepeats; ++r) {
    const fs::path dir = root / std::to_string(r);
    fs::create_directories(dir);
    plain.push_back(sweep::bench::PlainSqliteInsertSeconds(
        dir / "plain.db", static_cast<std::int64_t>(pts.size()), kBatch, [&](std::int64_t i) {
          const MetricPoint& p = pts[static_cast<std::size_t>(i)];
          return sweep::bench::PlainRow{i % kKeys, p.step, p.time, p.value};
        }));

    auto store = Open(dir / "sweep.db");
    sweep::SweepRecord s;
    s.name = "ingest";
    const std::string sweep_id = store->CreateSweep(s)->id;
    const std::string run_id = NewRun(*store, sweep_id);
    std::vector<MetricPoint> batch;
    logged.push_back(Seconds([&] {
      for (std::size_t start = 0; start < pts.size(); start += kBatch) {
        batch.assign(pts.begin() + static_cast<std::ptrdiff_t>(start),
                     pts.begin() + static_cast<std::ptrdiff_t>(std::min(pts.size(), start + kBatch)));
        if (auto st = store->LogMetrics(run_id, batch); !st.ok()) Die(st.error().message);
      }
    }));
    std::size_t got = 0;
    read.push_back(Seconds([&] {
      auto m = store->GetMetrics(run_id, "");
      if (!m.ok()) Die(m.error().message);
      got = m->size();
    }));
    if (got != pts.size()) Die("GetMetrics returned " + std::to_string(got) + " points");
    fs::remove_all(dir);
  }

  // ListRuns over a 10,000-run sweep. Runs are bulk-inserted with SQL first:
  // claiming them one by one is O(n^2) by contract (each claim sees every run).
  std::vector<double> list;
  {
    const fs::path dir = root / "list";
    fs::create_directories(dir);
    auto store = Open(dir / "sweep.db");
    sweep::SweepRecord s;
    s.name = "big";
    const std::string sweep_id = store->CreateSweep(s)->id;
    sqlite3* db = nullptr;
    sqlite3_open((dir / "sweep.db").c_str(), &db);
    Exec(db, "BEGIN");
    sqlite3_stmt* ins = nullptr;
    sqlite3_prepare_v2(db,
                       "INSERT INTO runs (id, sweep_id, number, state, params, created_at) "
                       "VALUES (printf('r%07d', ?1), ?2, ?1, 'finished', '{\"lr\":0.01,\"layers\":[1,2]}', 0)",
                       -1, &ins, nullptr);
    for (int i = 1; i <= kListRuns; ++i) {
      sqlite3_bind_int(ins, 1, i);
      sqlite3_bind_text(ins, 2, sweep_id.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(ins) != SQLITE_DONE) Die(sqlite3_errmsg(db));
      sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    Exec(db, "COMMIT");
    sqlite3_close(db);
    // Summaries and tags through the API, so ListRuns has them to join.
    for (int i = 1; i <= kListRuns; ++i) {
      char id[16];
      std::snprintf(id, sizeof id, "r%07d", i);
      if (auto st = store->LogMetrics(id, {{"loss", 0, 1.0 / i, 0}, {"acc", 0, 0.5, 0}}); !st.ok()) Die(st.error().message);
      if (auto st = store->SetTags(id, {{"host", "bench"}}); !st.ok()) Die(st.error().message);
    }
    for (int r = 0; r < kRepeats; ++r) {
      list.push_back(Seconds([&] {
        auto runs = store->ListRuns(sweep_id);
        if (!runs.ok() || runs->size() != static_cast<std::size_t>(kListRuns)) Die("ListRuns");
      }));
    }
  }
  fs::remove_all(root);

  const double p = Median(plain), l = Median(logged);
  std::printf("%-34s %12s %12s\n", "operation (median of 5)", "seconds", "rows/s");
  std::printf("%-34s %12.3f %12.0f\n", "plain SQLite batched insert", p, kPoints / p);
  std::printf("%-34s %12.3f %12.0f\n", "Store::LogMetrics (batch 8192)", l, kPoints / l);
  std::printf("%-34s %12.2f\n", "LogMetrics / plain throughput", p / l);
  std::printf("%-34s %12.3f %12.0f\n", "GetMetrics, 1M points", Median(read), kPoints / Median(read));
  std::printf("%-34s %12.3f %12.0f\n", "ListRuns, 10,000 runs", Median(list), kListRuns / Median(list));
  return 0;
}
