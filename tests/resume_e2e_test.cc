// End-to-end "nothing lost" (issue 7): the real `sweep` binary is SIGKILLed
// at random moments and resumed until its grid sweep finishes, and many
// agent processes share one SQLite store. The assertions read the store.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "agents/marked_processes.h"
#include "tests/cli_harness.h"
#include "tracking/store.h"

namespace sweep {
namespace {

using testing::ProcessesWith;
using testing::ReadFile;
using testing::SurvivorsAfter;
using testing::TempDir;
using Clock = std::chrono::steady_clock;

std::optional<SweepRecord> OnlySweep(const std::filesystem::path& db) {
  if (!std::filesystem::exists(db)) return std::nullopt;
  auto store = OpenStore(db.string());
  if (!store.ok()) return std::nullopt;
  auto sweeps = (*store)->ListSweeps();
  if (!sweeps.ok() || sweeps->empty()) return std::nullopt;
  return sweeps->front();
}

// Grid points of the resume test: enough that 20+ kills land mid-sweep.
constexpr int kResumeGridPoints = 200;
constexpr int kResumeAgents = 4;
constexpr int kMinKills = 20;
// Kill delays after each (re)start: long enough for the controller to claim
// and finish some trials, short enough that the sweep outlives 20 kills.
constexpr int kMinKillDelayMs = 60;
constexpr int kMaxKillDelayMs = 350;
constexpr std::uint32_t kKillSeed = 20261129;  // fixed: a failure reproduces
// Time a dead controller's trials get to die of PDEATHSIG.
constexpr std::chrono::milliseconds kOrphanGrace{2000};

TEST(ResumeEndToEnd, RandomSigkillsAndResumesLoseAndRepeatNoGridPoint) {
  TempDir dir;
  // A unique file name marks this test's trial processes in /proc.
  const std::string marker = "trial_" + std::to_string(getpid()) + "_resume.py";
  dir.Write(marker,
            "import random, sys, time\n"
            "x = int(sys.argv[1].split('=')[1])\n"
            "time.sleep(random.uniform(0.01, 0.05))\n"
            "print(f'loss={x}', flush=True)\n");
  std::string values;
  for (int i = 0; i < kResumeGridPoints; ++i) values += (i ? ", " : "") + std::to_string(i);
  dir.Write("spec.yaml", "program: " + marker + "\nmethod: grid\nmetric: {name: loss}\nparameters:\n  x:\n    values: [" +
                             values + "]\n");
  const auto db = dir / ".sweep/sweep.db";

  std::mt19937 rng(kKillSeed);
  std::uniform_int_distribution<int> delay_ms(kMinKillDelayMs, kMaxKillDelayMs);
  int kills = 0, starts = 0;
  int final_code = -1;
  const auto started = Clock::now();
  // Every start is killed or ends the loop; the bound only guards the loop.
  constexpr int kMaxStarts = kMinKills + 1;
  while (starts < kMaxStarts) {
    auto sweep = OnlySweep(db);
    std::vector<std::string> args;
    if (!sweep) args = {"run", "spec.yaml", "--agents", std::to_string(kResumeAgents)};
    else args = {"resume", sweep->id, "--agents", std::to_string(kResumeAgents)};
    pid_t pid = testing::SpawnCli(dir.path(), args, "controller");
    ++starts;
    if (kills < kMinKills) {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        testing::WaitCli(pid);
        ++kills;
        auto orphans = SurvivorsAfter(marker, kOrphanGrace);
        ASSERT_TRUE(orphans.empty()) << orphans.size() << " trial(s) outlived the killed controller, e.g. pid "
                                     << orphans.front();
        continue;
      }
      final_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    } else {
      final_code = testing::WaitCli(pid);
    }
    break;  // it ended by itself: the sweep is done, or it failed (asserted below)
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  ASSERT_EQ(final_code, 0) << "after " << kills << " kills\n"
                           << ReadFile(dir / "controller.out") << ReadFile(dir / "controller.err");
  EXPECT_GE(kills, kMinKills) << "the sweep finished too soon for the kill schedule";
  EXPECT_TRUE(ProcessesWith(marker).empty());

  auto store = OpenStore(db.string());
  ASSERT_TRUE(store.ok());
  auto sweep = OnlySweep(db);
  ASSERT_TRUE(sweep);
  EXPECT_EQ(sweep->state, SweepState::kFinished);
  auto runs = (*store)->ListRuns(sweep->id);
  ASSERT_TRUE(runs.ok());
  std::map<std::int64_t, int> finished_by_point;
  int crashed = 0;
  for (const auto& run : *runs) {
    ASSERT_TRUE(run.grid_index.has_value());
    EXPECT_TRUE(IsTerminal(run.state)) << "run " << run.id << " left " << TrialStateName(run.state);
    if (run.state == TrialState::kCrashed) {
      ++crashed;
      EXPECT_FALSE(run.failure_reason.empty()) << "crashed run " << run.id << " has no reason";
      continue;
    }
    EXPECT_EQ(run.state, TrialState::kFinished) << run.id << ": " << run.failure_reason;
    ++finished_by_point[*run.grid_index];
    EXPECT_DOUBLE_EQ(run.summary.at("loss").last, static_cast<double>(*run.grid_index))
        << "the run's result belongs to its own grid point";
  }
  EXPECT_EQ(finished_by_point.size(), static_cast<std::size_t>(kResumeGridPoints));
  for (const auto& [point, n] : finished_by_point) EXPECT_EQ(n, 1) << "grid point " << point;
  std::printf("[resume] %d kills, %d starts, %zu runs (%d crashed), %.1f s\n", kills, starts, runs->size(), crashed,
              seconds);
}

// Agents sharing one store. 1000 points as in the issue; each trial is one
// fork/exec of /bin/echo, so this stays well under a minute on 2 cores.
constexpr int kSharedGridPoints = 1000;
constexpr int kSharedAgents = 8;

TEST(ResumeEndToEnd, EightAgentsOnOneStoreRunEveryGridPointOnce) {
  TempDir dir;
  std::string values;
  for (int i = 0; i < kSharedGridPoints; ++i) values += (i ? ", " : "") + std::to_string(i);
  dir.Write("spec.yaml",
            "program: echo\nmethod: grid\nmetric: {name: loss}\ncommand:\n  - /bin/echo\n  - loss=1\n"
            "parameters:\n  x:\n    values: [" + values + "]\n");
  auto created = testing::RunCli(dir.path(), {"create", "spec.yaml"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string sweep_id = created.out.substr(0, created.out.find('\n'));

  const auto started = Clock::now();
  std::vector<pid_t> agents;
  for (int i = 0; i < kSharedAgents; ++i)
    agents.push_back(testing::SpawnCli(dir.path(), {"agent", sweep_id}, "agent" + std::to_string(i)));
  for (int i = 0; i < kSharedAgents; ++i) {
    const int code = testing::WaitCli(agents[i]);
    const std::string log = "agent" + std::to_string(i);
    const std::string output = ReadFile(dir / (log + ".out")) + ReadFile(dir / (log + ".err"));
    EXPECT_EQ(code, 0) << log << ": " << output;
    EXPECT_EQ(output.find("locked"), std::string::npos) << log << ": " << output;
    EXPECT_EQ(output.find("busy"), std::string::npos) << log << ": " << output;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();

  auto store = OpenStore((dir / ".sweep/sweep.db").string());
  ASSERT_TRUE(store.ok());
  auto runs = (*store)->ListRuns(sweep_id);
  ASSERT_TRUE(runs.ok());
  EXPECT_EQ(runs->size(), static_cast<std::size_t>(kSharedGridPoints));
  std::map<std::int64_t, int> by_point;
  std::map<std::string, int> by_agent;
  for (const auto& run : *runs) {
    EXPECT_EQ(run.state, TrialState::kFinished) << run.id << ": " << run.failure_reason;
    ASSERT_TRUE(run.grid_index.has_value());
    ++by_point[*run.grid_index];
    ++by_agent[run.agent_id];
  }
  EXPECT_EQ(by_point.size(), static_cast<std::size_t>(kSharedGridPoints));
  for (const auto& [point, n] : by_point) EXPECT_EQ(n, 1) << "grid point " << point;
  EXPECT_GT(by_agent.size(), 1u) << "the agents shared the work";
  std::printf("[agents] %d agents, %zu runs, %zu agents claimed runs, %.1f s\n", kSharedAgents, runs->size(),
              by_agent.size(), seconds);
}

}  // namespace
}  // namespace sweep
