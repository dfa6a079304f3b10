// Several processes, each with its own connection, against one PostgreSQL
// database: grid claims never duplicate or lose a point, and concurrent
// first-time openers migrate the schema exactly once.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tracking/postgres/pg_test_support.h"
#include "tracking/postgres/postgres_store.h"

namespace sweep {
namespace {

constexpr int kProcesses = 8;
constexpr std::int64_t kGridPoints = 1000;
// Smaller where every run also gets started, logged, tagged and ended.
constexpr std::int64_t kBusyGridPoints = 120;
// In the busy test every kCrashEvery-th run crashes, freeing its point again.
constexpr std::int64_t kCrashEvery = 3;
// How long children wait for each other to finish before they give up.
constexpr auto kQuiesceTimeout = std::chrono::seconds(60);
constexpr auto kQuiescePoll = std::chrono::milliseconds(20);

// Runs `child` in kProcesses forked processes that start together (they
// block on a pipe until all exist) and returns each one's error text (empty
// = success). Children report through a pipe and leave with _exit, so no
// parent state (gtest, libpq connections) is torn down twice.
std::vector<std::string> RunInChildren(const std::function<std::string(int)>& child) {
  int gate[2];
  if (pipe(gate) != 0) return {"pipe failed"};
  std::vector<std::pair<pid_t, int>> kids;
  for (int i = 0; i < kProcesses; ++i) {
    int report[2];
    if (pipe(report) != 0) return {"pipe failed"};
    pid_t pid = fork();
    if (pid == 0) {
      close(gate[1]);
      close(report[0]);
      char c;
      (void)!read(gate[0], &c, 1);  // returns at EOF, when the parent opens the gate
      std::string err = child(i);
      if (!err.empty()) (void)!write(report[1], err.data(), err.size());
      _exit(err.empty() ? 0 : 1);
    }
    close(report[1]);
    kids.emplace_back(pid, report[0]);
  }
  close(gate[0]);
  close(gate[1]);  // go
  std::vector<std::string> errors;
  for (auto [pid, fd] : kids) {
    std::string err;
    char buf[512];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) err.append(buf, n);
    close(fd);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && err.empty())) err = "child died, status " + std::to_string(status);
    errors.push_back(err);
  }
  return errors;
}

// Proposes the lowest grid point in [0, points) not held by a run; a crashed
// run never ran its point, so it does not hold it.
ProposeFn LowestFreePoint(std::int64_t points) {
  return [points](const std::vector<RunRecord>& existing) -> Result<std::optional<NewRun>> {
    std::vector<bool> taken(static_cast<std::size_t>(points), false);
    for (const RunRecord& r : existing) {
      if (r.grid_index && r.state != TrialState::kCrashed) taken[static_cast<std::size_t>(*r.grid_index)] = true;
    }
    for (std::int64_t g = 0; g < points; ++g) {
      if (!taken[static_cast<std::size_t>(g)]) return std::optional(NewRun{{{"g", Value(g)}}, g});
    }
    return std::optional<NewRun>();
  };
}

// Creates a grid sweep through a store that is closed again before the test
// forks: children must not inherit a live connection. "" on failure.
std::string CreateGridSweep(const std::string& url, const std::string& name) {
  auto store = OpenPostgresStore(url);
  EXPECT_TRUE(store.ok()) << store.error().message;
  if (!store.ok()) return "";
  SweepRecord s;
  s.name = name;
  s.method = "grid";
  auto made = (*store)->CreateSweep(s);
  EXPECT_TRUE(made.ok()) << made.error().message;
  return made.ok() ? made->id : "";
}

TEST(PostgresMultiProcess, GridClaimsCoverEveryPointExactlyOnce) {
  auto server = pg_test::TestServerUrl();
  if (!server) GTEST_SKIP() << pg_test::NoServerMessage();
  auto url = pg_test::CreateFreshDatabase(*server);
  ASSERT_TRUE(url.ok()) << url.error().message;
  const std::string sweep_id = CreateGridSweep(*url, "grid-1000");
  ASSERT_FALSE(sweep_id.empty());

  auto errors = RunInChildren([&](int index) -> std::string {
    auto store = OpenPostgresStore(*url);
    if (!store.ok()) return "open: " + store.error().message;
    ClaimContext ctx{"host", "agent-" + std::to_string(index), TrialState::kQueued};
    const ProposeFn lowest_free = LowestFreePoint(kGridPoints);
    for (;;) {
      auto claimed = (*store)->ClaimRun(sweep_id, lowest_free, ctx);
      if (!claimed.ok()) return "claim: " + claimed.error().message;
      if (!claimed->has_value()) return "";
    }
  });
  for (int i = 0; i < kProcesses; ++i) EXPECT_EQ(errors[i], "") << "child " << i;

  auto store = OpenPostgresStore(*url);
  ASSERT_TRUE(store.ok());
  auto runs = (*store)->ListRuns(sweep_id);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), static_cast<size_t>(kGridPoints));
  std::set<std::int64_t> points;
  std::set<std::string> agents;
  for (size_t i = 0; i < runs->size(); ++i) {
    const RunRecord& r = (*runs)[i];
    EXPECT_EQ(r.number, static_cast<std::int64_t>(i) + 1);  // dense numbering
    ASSERT_TRUE(r.grid_index.has_value());
    points.insert(*r.grid_index);
    EXPECT_TRUE(r.params.at(0).second == Value(*r.grid_index));
    agents.insert(r.agent_id);
  }
  EXPECT_EQ(points.size(), static_cast<size_t>(kGridPoints));
  EXPECT_EQ(*points.begin(), 0);
  EXPECT_EQ(*points.rbegin(), kGridPoints - 1);
  EXPECT_GT(agents.size(), 1u) << "claims were not actually concurrent";
}

// What a claim's history must agree on with ListRuns, as one line per run.
std::vector<std::string> Digest(const std::vector<RunRecord>& runs) {
  std::vector<std::string> out;
  for (const RunRecord& r : runs) {
    std::string line = r.id + " #" + std::to_string(r.number) + " " + std::string(TrialStateName(r.state)) + " exit " +
                       (r.exit_code ? std::to_string(*r.exit_code) : "-") + " '" + r.failure_reason + "' pid " +
                       std::to_string(r.pid);
    for (const auto& [key, m] : r.summary) line += " " + key + "x" + std::to_string(m.count);
    for (const auto& [key, value] : r.tags) line += " " + key + "=" + value;
    out.push_back(std::move(line));
  }
  return out;
}

// Agents claim, start, log, tag and end runs at once, each keeping its claim
// cache warm across the others' writes. Once all are done, every agent's next
// claim must see exactly what ListRuns shows: no change another process made
// between two of its claims may be missing from its cache.
TEST(PostgresMultiProcess, WarmClaimCachesSeeEveryOtherAgentsWrites) {
  auto server = pg_test::TestServerUrl();
  if (!server) GTEST_SKIP() << pg_test::NoServerMessage();
  auto url = pg_test::CreateFreshDatabase(*server);
  ASSERT_TRUE(url.ok()) << url.error().message;
  const std::string sweep_id = CreateGridSweep(*url, "busy-grid");
  ASSERT_FALSE(sweep_id.empty());

  auto errors = RunInChildren([&](int index) -> std::string {
    auto opened = OpenPostgresStore(*url);
    if (!opened.ok()) return "open: " + opened.error().message;
    Store& store = **opened;
    const ClaimContext ctx{"host", "agent-" + std::to_string(index), TrialState::kQueued};
    const ProposeFn lowest_free = LowestFreePoint(kBusyGridPoints);
    for (;;) {
      auto claimed = store.ClaimRun(sweep_id, lowest_free, ctx);
      if (!claimed.ok()) return "claim: " + claimed.error().message;
      if (!claimed->has_value()) break;
      const RunRecord& run = **claimed;
      Status st = store.MarkRunStarted(run.id, {"train", std::to_string(index)}, index + 1, "/runs/" + run.id, 1);
      RunOutcome outcome;
      if (st.ok() && run.number % kCrashEvery == 0) {
        outcome.state = TrialState::kCrashed;
        outcome.failure_reason = "crashed by agent " + std::to_string(index);
      } else if (st.ok()) {
        st = store.LogMetrics(run.id, {{"loss", 0, 1.0 / static_cast<double>(run.number), 1}});
        if (st.ok()) st = store.SetTags(run.id, {{"agent", std::to_string(index)}});
        outcome.exit_code = index;
      }
      if (st.ok()) st = store.FinishRun(run.id, outcome);
      if (!st.ok()) return "run " + run.id + ": " + st.error().message;
    }
    // Wait until every agent is done: every run ended, every point finished.
    const auto deadline = std::chrono::steady_clock::now() + kQuiesceTimeout;
    for (;;) {
      auto runs = store.ListRuns(sweep_id);
      if (!runs.ok()) return "list: " + runs.error().message;
      std::int64_t live = 0, finished = 0;
      for (const RunRecord& r : *runs) {
        live += IsTerminal(r.state) ? 0 : 1;
        finished += r.state == TrialState::kFinished ? 1 : 0;
      }
      if (live == 0 && finished == kBusyGridPoints) break;
      if (std::chrono::steady_clock::now() > deadline) return "the other agents did not finish in time";
      std::this_thread::sleep_for(kQuiescePoll);
    }
    std::vector<RunRecord> seen;
    auto last = store.ClaimRun(
        sweep_id,
        [&](const std::vector<RunRecord>& existing) -> Result<std::optional<NewRun>> {
          seen = existing;
          return std::optional<NewRun>();
        },
        ctx);
    if (!last.ok()) return "last claim: " + last.error().message;
    auto listed = store.ListRuns(sweep_id);
    if (!listed.ok()) return "list: " + listed.error().message;
    const std::vector<std::string> want = Digest(*listed), got = Digest(seen);
    if (got == want) return "";
    std::string diff = "claim history differs from ListRuns (" + std::to_string(got.size()) + " vs " +
                       std::to_string(want.size()) + " runs)";
    for (std::size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
      if (got[i] != want[i]) diff += "\n  claim: " + got[i] + "\n  list:  " + want[i];
    }
    return diff;
  });
  for (int i = 0; i < kProcesses; ++i) EXPECT_EQ(errors[i], "") << "child " << i;
}

TEST(PostgresMultiProcess, ConcurrentFirstOpenMigratesOnce) {
  auto server = pg_test::TestServerUrl();
  if (!server) GTEST_SKIP() << pg_test::NoServerMessage();
  auto url = pg_test::CreateFreshDatabase(*server);
  ASSERT_TRUE(url.ok()) << url.error().message;
  auto errors = RunInChildren([&](int index) -> std::string {
    auto store = OpenPostgresStore(*url);
    if (!store.ok()) return "open: " + store.error().message;
    SweepRecord s;
    s.name = "from-" + std::to_string(index);
    auto made = (*store)->CreateSweep(s);
    return made.ok() ? "" : "create: " + made.error().message;
  });
  for (int i = 0; i < kProcesses; ++i) EXPECT_EQ(errors[i], "") << "child " << i;
  // Each migration recorded once: no opener re-ran one another had applied.
  EXPECT_EQ(*pg_test::QueryScalar(*url, "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_version"),
            "1,2,3,4,5");
  EXPECT_EQ(*pg_test::QueryScalar(*url, "SELECT count(*) FROM sweeps"), std::to_string(kProcesses));
}

}  // namespace
}  // namespace sweep
