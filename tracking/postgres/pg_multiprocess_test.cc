// Several processes, each with its own connection, against one PostgreSQL
// database: grid claims never duplicate or lose a point, and concurrent
// first-time openers migrate the schema exactly once.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "tracking/postgres/pg_test_support.h"
#include "tracking/postgres/postgres_store.h"

namespace sweep {
namespace {

constexpr int kProcesses = 8;
constexpr std::int64_t kGridPoints = 1000;

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

TEST(PostgresMultiProcess, GridClaimsCoverEveryPointExactlyOnce) {
  auto server = pg_test::TestServerUrl();
  if (!server) GTEST_SKIP() << pg_test::NoServerMessage();
  auto url = pg_test::CreateFreshDatabase(*server);
  ASSERT_TRUE(url.ok()) << url.error().message;
  std::string sweep_id;
  {
    auto store = OpenPostgresStore(*url);
    ASSERT_TRUE(store.ok()) << store.error().message;
    SweepRecord s;
    s.name = "grid-1000";
    s.method = "grid";
    sweep_id = (*store)->CreateSweep(s)->id;
  }  // closed before fork: children must not inherit a live connection

  auto errors = RunInChildren([&](int index) -> std::string {
    auto store = OpenPostgresStore(*url);
    if (!store.ok()) return "open: " + store.error().message;
    ClaimContext ctx{"host", "agent-" + std::to_string(index), TrialState::kQueued};
    // Lowest grid index not yet taken by a live run.
    ProposeFn lowest_free = [](const std::vector<RunRecord>& existing) -> Result<std::optional<NewRun>> {
      std::vector<bool> taken(kGridPoints, false);
      for (const RunRecord& r : existing) {
        if (r.grid_index && r.state != TrialState::kCrashed) taken[*r.grid_index] = true;
      }
      for (std::int64_t g = 0; g < kGridPoints; ++g) {
        if (!taken[g]) return std::optional(NewRun{{{"g", Value(g)}}, g});
      }
      return std::optional<NewRun>();
    };
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
            "1,2");
  EXPECT_EQ(*pg_test::QueryScalar(*url, "SELECT count(*) FROM sweeps"), std::to_string(kProcesses));
}

}  // namespace
}  // namespace sweep
