#include "sweep/reaper.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "sweep/clock.h"
#include "sweep/controller.h"
#include "tests/test_support.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;

constexpr const char* kThisHost = "thishost";

// The pid of a child that has exited and been reaped: no process has it
// (pids are not reused this quickly).
int DeadPid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

class ReaperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenTestStore(dir_);
    ASSERT_NE(store_, nullptr);
    SweepRecord sweep;
    sweep.name = "reap";
    sweep.method = "random";
    auto created = store_->CreateSweep(sweep);
    ASSERT_TRUE(created.ok());
    sweep_id_ = created->id;
  }
  // A running run claimed by `agent_id`, with a heartbeat at `beat`.
  std::string Running(const std::string& agent_id, double beat) {
    auto claimed = store_->ClaimRun(
        sweep_id_, [](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> { return std::optional<NewRun>(NewRun{}); },
        ClaimContext{"h", agent_id, TrialState::kQueued});
    EXPECT_TRUE(claimed.ok() && claimed->has_value());
    const std::string id = (*claimed)->id;
    EXPECT_TRUE(store_->MarkRunStarted(id, {"train"}, 1, (dir_ / id).string(), beat).ok());
    EXPECT_TRUE(store_->Heartbeat({id}, beat).ok());
    return id;
  }

  TrialState StateOf(const std::string& id) { return store_->GetRun(id)->state; }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::string sweep_id_;
};

TEST_F(ReaperTest, DeadLocalAgentIsReapedAtOnceAndALiveOneIsLeft) {
  const double now = NowSeconds();
  const std::string dead = Running(std::string(kThisHost) + ":" + std::to_string(DeadPid()), now);
  const std::string live = Running(std::string(kThisHost) + ":" + std::to_string(::getpid()), now);
  auto reaped = ReapDeadRuns(*store_, sweep_id_, kThisHost, now);
  ASSERT_TRUE(reaped.ok()) << reaped.error().message;
  EXPECT_EQ(*reaped, std::vector<std::string>{dead});
  EXPECT_EQ(StateOf(dead), TrialState::kCrashed);
  EXPECT_NE(store_->GetRun(dead)->failure_reason.find("died"), std::string::npos);
  EXPECT_EQ(StateOf(live), TrialState::kRunning);
}

TEST_F(ReaperTest, ForeignHostIsLeftUntilItsHeartbeatIsStale) {
  const double now = NowSeconds();
  // Same pid as a dead local one, but another host's pid says nothing here.
  const std::string foreign = Running("otherhost:" + std::to_string(DeadPid()), now);
  auto fresh = ReapDeadRuns(*store_, sweep_id_, kThisHost, now + 1);
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(fresh->empty());
  EXPECT_EQ(StateOf(foreign), TrialState::kRunning);

  const double later = now + static_cast<double>(kHeartbeatStaleAfter.count()) + 1;
  auto stale = ReapDeadRuns(*store_, sweep_id_, kThisHost, later);
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(*stale, std::vector<std::string>{foreign});
  EXPECT_EQ(StateOf(foreign), TrialState::kCrashed);
}

TEST_F(ReaperTest, ExternalAgentsAreNeverReaped) {
  const double now = NowSeconds();
  // `sweep ask` claims as "external:<host>:<pid>" and exits at once: its
  // dead pid must not matter.
  const std::string asked =
      Running(std::string(kExternalAgentPrefix) + kThisHost + ":" + std::to_string(DeadPid()), now);
  constexpr double kLongAfter = 1e6;
  auto reaped = ReapDeadRuns(*store_, sweep_id_, kThisHost, now + kLongAfter);
  ASSERT_TRUE(reaped.ok());
  EXPECT_TRUE(reaped->empty());
  EXPECT_EQ(StateOf(asked), TrialState::kRunning);
}

TEST_F(ReaperTest, ExternalAgentIdIsNotMistakenForAHostNamedExternal) {
  const double now = NowSeconds();
  const std::string asked = Running(std::string(kExternalAgentPrefix) + std::to_string(DeadPid()), now);
  auto reaped = ReapDeadRuns(*store_, sweep_id_, "external", now);
  ASSERT_TRUE(reaped.ok());
  EXPECT_TRUE(reaped->empty());
  EXPECT_EQ(StateOf(asked), TrialState::kRunning);
}

// Starts `sh -c 'sleep 60 & ...; wait'` as a process-group leader whose
// environment carries SWEEP_RUN_ID=<run_id>; returns {leader, sleeping child}.
std::pair<pid_t, int> StartTrialWithChild(const fs::path& dir, const std::string& run_id) {
  const fs::path pid_file = dir / ("child-" + run_id);
  const pid_t leader = ::fork();
  if (leader == 0) {
    ::setpgid(0, 0);
    const std::string env = "SWEEP_RUN_ID=" + run_id;
    const std::string script = "sleep 60 & echo $! > '" + pid_file.string() + "'; wait";
    char* const envp[] = {const_cast<char*>(env.c_str()), nullptr};
    char* const argv[] = {const_cast<char*>("/bin/sh"), const_cast<char*>("-c"), const_cast<char*>(script.c_str()),
                          nullptr};
    ::execve("/bin/sh", argv, envp);
    ::_exit(127);
  }
  int child = 0;
  for (int i = 0; i < 500 && child == 0; ++i) {
    std::ifstream in(pid_file);
    if (!(in >> child)) child = 0;
    if (child == 0) ::usleep(10000);
  }
  return {leader, child};
}

bool Alive(int pid) {
  // A zombie still answers kill(0); read its state to tell.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

// A dead agent's trial left a child behind in its process group (the leader
// died with the controller; the child did not): the reaper kills it, and only
// processes that carry the run's SWEEP_RUN_ID.
TEST_F(ReaperTest, OrphansOfADeadAgentsRunAreKilledAndOthersLeftAlone) {
  const std::string dead_agent = std::string(kThisHost) + ":" + std::to_string(DeadPid());
  const std::string run_id = Running(dead_agent, NowSeconds());
  auto [leader, orphan] = StartTrialWithChild(dir_.path(), run_id);
  auto [other_leader, bystander] = StartTrialWithChild(dir_.path(), "someone-else");
  ASSERT_GT(orphan, 0);
  ASSERT_GT(bystander, 0);
  // The leader dies as a dead controller's PDEATHSIG would make it.
  ::kill(leader, SIGKILL);
  ::waitpid(leader, nullptr, 0);
  ASSERT_TRUE(Alive(orphan));
  // The run recorded the leader's pid (its process group); point a second,
  // unrelated run at the bystander's group to check the environment marker.
  ASSERT_TRUE(store_->MarkRunStarted(run_id, {"train"}, leader, (dir_ / run_id).string(), NowSeconds()).ok());
  const std::string unrelated = Running(dead_agent, NowSeconds());
  ASSERT_TRUE(store_->MarkRunStarted(unrelated, {"train"}, other_leader, (dir_ / unrelated).string(), NowSeconds()).ok());

  auto reaped = ReapDeadRuns(*store_, sweep_id_, kThisHost, NowSeconds());
  ASSERT_TRUE(reaped.ok());
  EXPECT_EQ(reaped->size(), 2u);
  for (int i = 0; i < 100 && Alive(orphan); ++i) ::usleep(10000);
  EXPECT_FALSE(Alive(orphan)) << "the dead run's leftover process must be killed";
  EXPECT_TRUE(Alive(bystander)) << "a process without the run's SWEEP_RUN_ID must be left alone";
  ::kill(-other_leader, SIGKILL);
  ::waitpid(other_leader, nullptr, 0);
}

}  // namespace
}  // namespace sweep
