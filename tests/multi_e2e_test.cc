// End-to-end: one sweep served by several `sweep agent` processes through a
// real PostgreSQL server, and (built with SWEEP_MULTI_SLURM) by agents that a
// real single-node Slurm runs. Both skip cleanly when their server is absent.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

#include "core/value.h"
#include "tests/cli_harness.h"
#include "tracking/postgres/pg_test_support.h"
#include "tracking/postgres/postgres_store.h"
#include "tracking/store.h"
#ifdef SWEEP_MULTI_SLURM
#include "agents/slurm/slurm_client.h"
#endif

namespace sweep {
namespace {

using testing::RunCli;
using testing::SpawnCli;
using testing::TempDir;
using testing::WaitUntil;
using testing::WaitCli;

using Clock = std::chrono::steady_clock;

// The pg fixture's URL file, unless SWEEP_TEST_PG_URL(_FILE) says otherwise.
std::optional<std::string> ServerUrl() {
  if (auto url = pg_test::TestServerUrl(); url) return url;
  std::ifstream in(SWEEP_TEST_PG_URL_FILE_DEFAULT);
  std::string line;
  if (std::getline(in, line) && !line.empty()) return line;
  return std::nullopt;
}

// A grid sweep over x = 0..points-1 whose trial is `shell` run by /bin/sh:
// no interpreter start-up, so hundreds of trials stay quick.
std::string ShellGridSpec(int points, const std::string& shell) {
  std::string values;
  for (int i = 0; i < points; ++i) values += (i ? ", " : "") + std::to_string(i);
  return "program: trial.sh\nmethod: grid\nmetric:\n  name: loss\n  goal: minimize\ncommand:\n  - /bin/sh\n  - -c\n  - '" +
         shell + "'\nparameters:\n  x:\n    values: [" + values + "]\n";
}

class MultiAgentPg : public ::testing::Test {
 protected:
  void SetUp() override {
    auto base = ServerUrl();
    if (!base) GTEST_SKIP() << pg_test::NoServerMessage();
    auto url = pg_test::CreateFreshDatabase(*base);
    ASSERT_TRUE(url.ok()) << url.error().message;
    url_ = *url;
  }

  // `sweep create` against the server; returns the sweep id.
  std::string Create(const std::string& spec_text) {
    dir_.Write("spec.yaml", spec_text);
    auto created = RunCli(dir_.path(), {"create", "spec.yaml", "--store", url_});
    EXPECT_EQ(created.exit_code, 0) << created.err;
    std::string id = created.out.substr(0, created.out.find('\n'));
    EXPECT_EQ(id.size(), 8u) << created.out;
    return id;
  }

  std::unique_ptr<Store> Open() {
    auto store = OpenPostgresStore(url_);
    EXPECT_TRUE(store.ok()) << store.error().message;
    return std::move(store).value();
  }

  // Each agent gets its own folder, as on separate machines.
  std::filesystem::path AgentDir(int i) {
    auto p = dir_ / ("agent" + std::to_string(i));
    std::filesystem::create_directories(p);
    return p;
  }

  TempDir dir_;
  std::string url_;
};

#ifndef SWEEP_MULTI_SLURM
TEST_F(MultiAgentPg, FourAgentProcessesRunEveryGridPointExactlyOnce) {
  constexpr int kPoints = 200;
  constexpr int kAgents = 4;
  const std::string id = Create(ShellGridSpec(kPoints, "echo loss=1"));
  std::vector<pid_t> agents;
  for (int i = 0; i < kAgents; ++i) {
    agents.push_back(SpawnCli(AgentDir(i), {"agent", id, "--store", url_, "--sample-interval", "60"}));
  }
  for (pid_t pid : agents) EXPECT_EQ(WaitCli(pid), 0);

  auto store = Open();
  auto runs = store->ListRuns(id);
  ASSERT_TRUE(runs.ok()) << runs.error().message;
  ASSERT_EQ(runs->size(), static_cast<std::size_t>(kPoints));
  std::set<std::int64_t> points;
  std::set<std::string> agent_ids;
  for (const auto& run : *runs) {
    EXPECT_EQ(run.state, TrialState::kFinished) << run.id << " " << run.failure_reason;
    ASSERT_TRUE(run.grid_index.has_value());
    EXPECT_TRUE(points.insert(*run.grid_index).second) << "grid point " << *run.grid_index << " ran twice";
    agent_ids.insert(run.agent_id);
  }
  EXPECT_EQ(points.size(), static_cast<std::size_t>(kPoints));
  // Not a scheduling guarantee, but with 200 trials an agent that never
  // claimed anything would mean the claims were not shared.
  EXPECT_GT(agent_ids.size(), 1u);
  auto sweep = store->GetSweep(id);
  ASSERT_TRUE(sweep.ok());
  EXPECT_EQ(sweep->state, SweepState::kFinished);

  auto listed = RunCli(dir_.path(), {"runs", id, "--store", url_});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find(runs->front().id), std::string::npos) << listed.out;
}

TEST_F(MultiAgentPg, ResumeAfterKillingAnAgentRerunsItsPoints) {
  constexpr int kPoints = 3;
  // Trials block until the test creates `go` beside the spec: the first
  // agent dies with its trial running, the resumed one finds the file.
  const std::string go = (dir_ / "go").string();
  const std::string id =
      Create(ShellGridSpec(kPoints, "i=0; while [ ! -e " + go + " ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; echo loss=1"));
  pid_t agent = SpawnCli(AgentDir(0), {"agent", id, "--store", url_});
  auto store = Open();
  std::optional<RunRecord> running;
  for (auto deadline = Clock::now() + std::chrono::seconds(60); Clock::now() < deadline && !running;) {
    auto live = store->ListRunsByState(id, TrialState::kRunning);
    ASSERT_TRUE(live.ok()) << live.error().message;
    if (!live->empty() && live->front().pid > 0) running = live->front();
    else std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(running) << "no trial started";
  ASSERT_EQ(kill(agent, SIGKILL), 0);
  EXPECT_EQ(WaitCli(agent), 128 + SIGKILL);
  kill(-running->pid, SIGKILL);  // the orphaned trial (its own process group)
  kill(running->pid, SIGKILL);
  std::ofstream(go).put('\n');

  auto resumed = RunCli(AgentDir(1), {"resume", id, "--store", url_});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_NE(resumed.out.find("marked crashed"), std::string::npos) << resumed.out;

  auto runs = store->ListRuns(id);
  ASSERT_TRUE(runs.ok());
  std::map<std::int64_t, int> finished_by_point;
  int crashed = 0;
  for (const auto& run : *runs) {
    if (run.state == TrialState::kCrashed) {
      ++crashed;
      EXPECT_EQ(run.id, running->id);
    }
    if (run.state == TrialState::kFinished) ++finished_by_point[*run.grid_index];
  }
  EXPECT_EQ(crashed, 1);
  ASSERT_EQ(finished_by_point.size(), static_cast<std::size_t>(kPoints));
  for (const auto& [point, n] : finished_by_point) EXPECT_EQ(n, 1) << "grid point " << point;
}

TEST_F(MultiAgentPg, CancelStopsAgentsBetweenClaims) {
  const std::string id = Create(ShellGridSpec(50, "sleep 0.2; echo loss=1"));
  pid_t agent = SpawnCli(AgentDir(0), {"agent", id, "--store", url_});
  auto store = Open();
  const bool claimed = WaitUntil(
      [&] {
        auto runs = store->ListRuns(id);
        return runs.ok() && runs->size() >= 2;
      },
      std::chrono::seconds(60));
  if (!claimed) kill(agent, SIGKILL);  // not left running past the test
  ASSERT_TRUE(claimed) << "the agent should have claimed 2 runs before the cancel";
  auto cancelled = RunCli(dir_.path(), {"cancel", id, "--store", url_});
  EXPECT_EQ(cancelled.exit_code, 0) << cancelled.err;
  EXPECT_NE(WaitCli(agent), 0);  // ended by the cancel, not by running out of points
  auto runs = store->ListRuns(id);
  ASSERT_TRUE(runs.ok());
  EXPECT_LT(runs->size(), 50u);
  auto sweep = store->GetSweep(id);
  ASSERT_TRUE(sweep.ok());
  EXPECT_EQ(sweep->state, SweepState::kStopped);

  auto status = RunCli(dir_.path(), {"status", id, "--store", url_});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("stopped"), std::string::npos) << status.out;
}

TEST_F(MultiAgentPg, TerminatingOneAgentLeavesTheSweepToTheOthers) {
  constexpr int kPoints = 10;
  const std::string id = Create(ShellGridSpec(kPoints, "sleep 0.3; echo loss=1"));
  pid_t leaving = SpawnCli(AgentDir(0), {"agent", id, "--store", url_});
  pid_t staying = SpawnCli(AgentDir(1), {"agent", id, "--store", url_});
  auto store = Open();
  const bool claimed = WaitUntil(
      [&] {
        auto runs = store->ListRuns(id);
        return runs.ok() && runs->size() >= 3;
      },
      std::chrono::seconds(60));
  if (!claimed) kill(leaving, SIGKILL), kill(staying, SIGKILL);  // not left running past the test
  ASSERT_TRUE(claimed) << "the agents should have claimed 3 runs before one is terminated";
  // What Slurm sends at a job's time limit.
  ASSERT_EQ(kill(leaving, SIGTERM), 0);
  EXPECT_NE(WaitCli(leaving), 0);
  EXPECT_EQ(WaitCli(staying), 0);
  auto sweep = store->GetSweep(id);
  ASSERT_TRUE(sweep.ok());
  EXPECT_EQ(sweep->state, SweepState::kFinished);
  auto runs = store->ListRuns(id);
  ASSERT_TRUE(runs.ok());
  std::set<std::int64_t> points;
  for (const auto& run : *runs) points.insert(run.grid_index.value_or(-1));
  EXPECT_EQ(points.size(), static_cast<std::size_t>(kPoints));
}

TEST_F(MultiAgentPg, SlurmRefusesARelativeSqliteStore) {
  dir_.Write("spec.yaml", ShellGridSpec(2, "echo loss=1"));
  auto created = RunCli(dir_.path(), {"create", "spec.yaml"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string id = created.out.substr(0, 8);
  auto refused = RunCli(dir_.path(), {"slurm", id, "--agents", "2", "--dry-run"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("postgresql://"), std::string::npos) << refused.err;

  // The SQLite sweep is not in the server's store.
  auto elsewhere = RunCli(dir_.path(), {"slurm", id, "--dry-run", "--store", url_});
  EXPECT_EQ(elsewhere.exit_code, 2) << elsewhere.out << elsewhere.err;
  const std::string created_pg = Create(ShellGridSpec(2, "echo loss=1"));
  auto script = RunCli(dir_.path(), {"slurm", created_pg, "--agents", "3", "--dry-run", "--time", "1:00:00",
                                     "--sbatch-arg=--mem=1G", "--store", url_});
  ASSERT_EQ(script.exit_code, 0) << script.err;
  EXPECT_NE(script.out.find("--array=0-2"), std::string::npos) << script.out;
  EXPECT_NE(script.out.find("--mem=1G"), std::string::npos) << script.out;
  EXPECT_NE(script.out.find(" agent " + created_pg), std::string::npos) << script.out;
}
#endif  // !SWEEP_MULTI_SLURM

#ifdef SWEEP_MULTI_SLURM
// The cluster the slurm_cluster fixture started, exported for sbatch & co.
bool UseTestCluster() {
  if (const char* env = std::getenv("SLURM_CONF"); env != nullptr && *env != '\0') return true;
  std::string conf;
  std::getline(std::ifstream(SWEEP_SLURM_CONF_FILE), conf);
  if (conf.empty()) return false;
  ::setenv("SLURM_CONF", conf.c_str(), 1);
  return true;
}

class SlurmSweep : public MultiAgentPg {
 protected:
  void SetUp() override {
    if (!UseTestCluster()) GTEST_SKIP() << "no Slurm cluster (the slurm_cluster fixture did not start one)";
    MultiAgentPg::SetUp();
  }

  bool WaitForNoActiveTask(const std::string& job, std::chrono::seconds limit) {
    for (auto deadline = Clock::now() + limit; Clock::now() < deadline;) {
      auto tasks = QueryJobs(job);
      if (tasks.ok()) {
        bool active = false;
        for (const auto& t : *tasks) active = active || IsActive(t.phase);
        if (!active && !tasks->empty()) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return false;
  }
};

TEST_F(SlurmSweep, JobArrayOfAgentsRunsTheSweepIntoTheSharedStore) {
  constexpr int kPoints = 12;
  const std::string id = Create(ShellGridSpec(kPoints, "echo loss=1"));
  auto submitted = RunCli(dir_.path(), {"slurm", id, "--agents", "2", "--store", url_});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::string job = submitted.out.substr(0, submitted.out.find('\n'));
  ASSERT_FALSE(job.empty());

  auto status = RunCli(dir_.path(), {"status", id, "--store", url_});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("slurm job " + job), std::string::npos) << status.out;

  ASSERT_TRUE(WaitForNoActiveTask(job, std::chrono::seconds(180))) << "the job array did not end";
  auto store = Open();
  auto runs = store->ListRuns(id);
  ASSERT_TRUE(runs.ok());
  std::set<std::int64_t> points;
  for (const auto& run : *runs) {
    EXPECT_EQ(run.state, TrialState::kFinished) << run.failure_reason;
    points.insert(run.grid_index.value_or(-1));
  }
  EXPECT_EQ(points.size(), static_cast<std::size_t>(kPoints));
  EXPECT_EQ(runs->size(), static_cast<std::size_t>(kPoints));
  auto sweep = store->GetSweep(id);
  ASSERT_TRUE(sweep.ok());
  EXPECT_EQ(sweep->state, SweepState::kFinished);
  auto after = RunCli(dir_.path(), {"status", id, "--store", url_});
  EXPECT_NE(after.out.find("completed"), std::string::npos) << after.out;
}

TEST_F(SlurmSweep, CancelCancelsTheSweepsJobs) {
  const std::string id = Create(ShellGridSpec(4, "sleep 60; echo loss=1"));
  auto submitted = RunCli(dir_.path(), {"slurm", id, "--agents", "2", "--store", url_});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::string job = submitted.out.substr(0, submitted.out.find('\n'));
  auto store = Open();
  // Cancel once a trial runs, so the jobs are really busy.
  const bool busy = WaitUntil(
      [&] {
        auto live = store->ListRunsByState(id, TrialState::kRunning);
        return live.ok() && !live->empty();
      },
      std::chrono::seconds(90), std::chrono::milliseconds(200));
  EXPECT_TRUE(busy) << "no trial ran within 90 s";  // cancel anyway: the jobs must not outlive the test
  auto cancelled = RunCli(dir_.path(), {"cancel", id, "--store", url_});
  EXPECT_EQ(cancelled.exit_code, 0) << cancelled.out << cancelled.err;
  EXPECT_NE(cancelled.out.find(job), std::string::npos) << cancelled.out;
  ASSERT_TRUE(WaitForNoActiveTask(job, std::chrono::seconds(60)));
  auto tasks = QueryJobs(job);
  ASSERT_TRUE(tasks.ok());
  for (const auto& t : *tasks) EXPECT_EQ(t.phase, SlurmJobPhase::kCancelled) << t.job_id << " " << t.state;
  auto sweep = store->GetSweep(id);
  ASSERT_TRUE(sweep.ok());
  EXPECT_EQ(sweep->state, SweepState::kStopped);
}
#endif

}  // namespace
}  // namespace sweep
