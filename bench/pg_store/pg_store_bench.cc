// Benchmark of the PostgreSQL store as a many-agent sweep uses it:
//   1. claims/s: kAgents processes claiming runs of one sweep at once;
//   2. metric points/s: the same processes logging batches into their runs;
//   3. ListRuns of a kBigSweepRuns-run sweep and ranking its top kTop by a
//      summary metric (the `sweep status` / `compare` path), then the same
//      top kTop ranked by the database (Store::ListTopRuns, `sweep runs --sort`).
// Usage: eval "$(tests/pg/start_postgres.sh)"; build/bench/pg_store/pg_store_bench
// Each invocation works in a fresh database on that server.
#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "tracking/postgres/postgres_store.h"

namespace {

using namespace sweep;
using Clock = std::chrono::steady_clock;

constexpr int kAgents = 16;                // the brief's "16 concurrent agents"
constexpr int kClaimsPerAgent = 100;       // 1,600 runs of one sweep, claimed at once
constexpr int kBatchesPerAgent = 50;       // a trial logging every few seconds
constexpr int kPointsPerBatch = 200;       // a few keys x a few dozen steps per flush
constexpr int kBigSweepRuns = 100'000;
constexpr int kTop = 20;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

bool Sql(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  bool ok = PQstatus(c) == CONNECTION_OK;
  if (ok) {
    PGresult* r = PQexec(c, sql.c_str());
    ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok) std::fprintf(stderr, "%s: %s", sql.substr(0, 60).c_str(), PQresultErrorMessage(r));
    PQclear(r);
  } else {
    std::fprintf(stderr, "connect: %s", PQerrorMessage(c));
  }
  PQfinish(c);
  return ok;
}

// Forks kAgents children that start together; returns the seconds until the
// last one exits, or a negative number if any failed.
double RunAgents(const std::function<bool(int)>& agent) {
  int gate[2];
  if (pipe(gate) != 0) return -1;
  std::vector<pid_t> kids;
  for (int i = 0; i < kAgents; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      close(gate[1]);
      char c;
      (void)!read(gate[0], &c, 1);
      _exit(agent(i) ? 0 : 1);
    }
    kids.push_back(pid);
  }
  close(gate[0]);
  auto start = Clock::now();
  close(gate[1]);
  bool ok = true;
  for (pid_t pid : kids) {
    int status = 0;
    waitpid(pid, &status, 0);
    ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  double s = Seconds(start);
  return ok ? s : -1;
}

}  // namespace

int main() {
  const char* server = std::getenv("SWEEP_TEST_PG_URL");
  if (!server || !*server) {
    std::fprintf(stderr,
                 "SWEEP_TEST_PG_URL is not set. Start a throwaway server first:\n"
                 "  eval \"$(tests/pg/start_postgres.sh)\"\n"
                 "  build/bench/pg_store/pg_store_bench\n"
                 "  tests/pg/stop_postgres.sh \"$SWEEP_TEST_PG_DIR\"\n");
    return 2;
  }
  const std::string base = server;
  const std::string db = "bench_" + std::to_string(getpid());
  if (!Sql(base, "CREATE DATABASE " + db)) return 1;
  const std::string url = base.substr(0, base.rfind('/') + 1) + db;

  std::string sweep_id, big_id;
  {
    auto store = OpenPostgresStore(url);
    if (!store.ok()) {
      std::fprintf(stderr, "%s\n", store.error().message.c_str());
      return 1;
    }
    SweepRecord s;
    s.name = "bench-claims";
    s.method = "random";
    sweep_id = (*store)->CreateSweep(s)->id;
    s.name = "bench-big";
    big_id = (*store)->CreateSweep(s)->id;
  }  // no connection may cross fork()

  // 1 + 2: every agent claims its runs, then logs metrics into its first run.
  std::vector<double> phase(2 * kAgents, 0);
  int timing[2];
  if (pipe(timing) != 0) return 1;
  double total = RunAgents([&](int agent) {
    auto store = OpenPostgresStore(url);
    if (!store.ok()) return false;
    std::mt19937_64 rng(agent);
    std::uniform_real_distribution<double> lr(1e-5, 1e-1);
    ProposeFn random = [&](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> {
      return std::optional(NewRun{{{"lr", Value(lr(rng))}, {"layers", Value(std::int64_t{4})}}, std::nullopt});
    };
    ClaimContext ctx{"bench", "agent-" + std::to_string(agent), TrialState::kQueued};
    std::string first_run;
    auto t0 = Clock::now();
    for (int i = 0; i < kClaimsPerAgent; ++i) {
      auto r = (*store)->ClaimRun(sweep_id, random, ctx);
      if (!r.ok() || !r->has_value()) {
        std::fprintf(stderr, "claim: %s\n", r.ok() ? "nothing proposed" : r.error().message.c_str());
        return false;
      }
      if (first_run.empty()) first_run = (**r).id;
    }
    double claim_s = Seconds(t0);
    t0 = Clock::now();
    std::vector<MetricPoint> batch(kPointsPerBatch);
    const char* keys[] = {"loss", "acc", "lr"};
    for (int b = 0; b < kBatchesPerAgent; ++b) {
      for (int p = 0; p < kPointsPerBatch; ++p) {
        batch[p] = {keys[p % 3], b * kPointsPerBatch + p, lr(rng), 1.7e9 + b};
      }
      if (Status s = (*store)->LogMetrics(first_run, batch); !s.ok()) {
        std::fprintf(stderr, "log: %s\n", s.error().message.c_str());
        return false;
      }
    }
    double log_s = Seconds(t0);
    double both[2] = {claim_s, log_s};
    return write(timing[1], both, sizeof both) == sizeof both;
  });
  close(timing[1]);
  if (total < 0) {
    std::fprintf(stderr, "an agent failed\n");
    return 1;
  }
  double claim_max = 0, log_max = 0, both[2];
  while (read(timing[0], both, sizeof both) == sizeof both) {
    claim_max = std::max(claim_max, both[0]);
    log_max = std::max(log_max, both[1]);
  }
  const double claims = double(kAgents) * kClaimsPerAgent;
  const double points = double(kAgents) * kBatchesPerAgent * kPointsPerBatch;
  std::printf("agents: %d processes, one connection each\n", kAgents);
  std::printf("claims:  %.0f runs in %.2f s -> %.0f claims/s (each rereads what changed since its last)\n", claims, claim_max,
              claims / claim_max);
  std::printf("metrics: %.0f points in %.2f s -> %.0f points/s (batches of %d)\n", points, log_max, points / log_max,
              kPointsPerBatch);

  // 3: a big sweep, bulk-loaded with SQL (claiming 100k runs one by one would
  // measure ClaimRun, not listing), then listed and ranked through the Store.
  auto t0 = Clock::now();
  if (!Sql(url, "INSERT INTO runs (id, sweep_id, number, grid_index, state, params, argv, created_at) "
                "SELECT lpad(to_hex(n), 8, 'x'), '" + big_id + "', n, n, 'finished', "
                "'{\"lr\":' || (n * 1e-6)::text || ',\"layers\":4}', '[\"python\",\"train.py\"]', 1.7e9 + n "
                "FROM generate_series(1, " + std::to_string(kBigSweepRuns) + ") AS n") ||
      !Sql(url, "INSERT INTO run_summary (run_id, key, last, last_step, min, max, count) "
                "SELECT r.id, k, random(), 100, random(), 1 + random(), 100 FROM runs r, "
                "(VALUES ('loss'), ('acc')) AS keys(k) WHERE r.sweep_id = '" + big_id + "'") ||
      !Sql(url, "INSERT INTO tags (run_id, key, value) SELECT id, 'git', 'abc123' FROM runs "
                "WHERE sweep_id = '" + big_id + "'") ||
      !Sql(url, "ANALYZE")) {
    return 1;
  }
  std::printf("loaded %d runs (2 summaries, 1 tag each) in %.2f s\n", kBigSweepRuns, Seconds(t0));
  auto store = OpenPostgresStore(url);
  if (!store.ok()) return 1;
  t0 = Clock::now();
  auto runs = (*store)->ListRuns(big_id);
  double list_s = Seconds(t0);
  if (!runs.ok() || runs->size() != static_cast<size_t>(kBigSweepRuns)) {
    std::fprintf(stderr, "ListRuns: %s\n", runs.ok() ? "wrong count" : runs.error().message.c_str());
    return 1;
  }
  t0 = Clock::now();
  std::vector<const RunRecord*> order;
  order.reserve(runs->size());
  for (const RunRecord& r : *runs) {
    if (r.summary.count("loss")) order.push_back(&r);
  }
  std::partial_sort(order.begin(), order.begin() + kTop, order.end(), [](const RunRecord* a, const RunRecord* b) {
    return a->summary.at("loss").min < b->summary.at("loss").min;
  });
  double rank_s = Seconds(t0);
  std::printf("ListRuns: %d runs in %.3f s; top %d by min loss in %.4f s (best %s, %.6f)\n", kBigSweepRuns, list_s,
              kTop, rank_s, order[0]->id.c_str(), order[0]->summary.at("loss").min);
  t0 = Clock::now();
  auto top = (*store)->ListTopRuns(big_id, "loss", SummaryStat::kMin, Goal::kMinimize, kTop);
  double top_s = Seconds(t0);
  if (!top.ok() || top->size() != static_cast<size_t>(kTop) || (*top)[0].id != order[0]->id) {
    std::fprintf(stderr, "ListTopRuns: %s\n", top.ok() ? "wrong ranking" : top.error().message.c_str());
    return 1;
  }
  std::printf("ListTopRuns: top %d of %d runs by min loss in %.4f s (best %s)\n", kTop, kBigSweepRuns, top_s,
              (*top)[0].id.c_str());
  store->reset();
  Sql(base, "DROP DATABASE " + db);
  return 0;
}
