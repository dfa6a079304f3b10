// The chaos suite (issue 12, "Proof"): the real `sweep` binary under the
// faults a flaky machine deals out, each case a few seconds. Every case
// asserts what "nothing lost" promises (README): every grid point finished
// exactly once, no run left queued or running, no trial process left alive
// (found by a marker in their argv, unique to the case), and nothing a
// finished run recorded lost or changed.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <thread>

#include "agents/marked_processes.h"
#include "tests/cli_harness.h"
#include "tracking/store.h"

namespace sweep {
namespace {

using testing::ReadFile;
using testing::SurvivorsAfter;
using testing::TempDir;
using Clock = std::chrono::steady_clock;

// Generous bounds for a loaded 2-core machine; each case normally takes
// seconds.
constexpr auto kCaseDeadline = std::chrono::seconds(60);
constexpr auto kLeftoverDeadline = std::chrono::milliseconds(10000);
constexpr auto kStorePoll = std::chrono::milliseconds(50);

// A trial that leaves two processes behind unless contained (a background
// child and a `setsid` daemon, both with `marker` in their argv), works a
// little, then reports loss = its grid value.
std::string LeavingTrial(const std::string& marker, double work_seconds) {
  return "import subprocess, sys, time\n"
         "x = int(sys.argv[1].split('=')[1])\n"
         "sleeper = [sys.executable, '-c', 'import time; time.sleep(300)', '" + marker + "']\n"
         "subprocess.Popen(sleeper)\n"
         "subprocess.Popen(sleeper, start_new_session=True)\n"
         "time.sleep(" + std::to_string(work_seconds) + ")\n"
         "print(f'loss={x}', flush=True)\n";
}

std::string GridSpec(const std::string& program, int points) {
  std::string values;
  for (int i = 0; i < points; ++i) values += (i ? ", " : "") + std::to_string(i);
  return "program: " + program + "\nmethod: grid\nmetric: {name: loss}\nparameters:\n  x:\n    values: [" + values +
         "]\n";
}

std::optional<SweepRecord> OnlySweep(Store& store) {
  auto sweeps = store.ListSweeps();
  if (!sweeps.ok() || sweeps->size() != 1) return std::nullopt;
  return sweeps->front();
}

// Waits until the sweep in `db` (a SQLite file or a PostgreSQL URL) has at
// least `finished` finished runs and one running; false at the deadline.
bool WaitForProgress(const std::string& db, std::size_t finished) {
  const auto deadline = Clock::now() + kCaseDeadline;
  while (Clock::now() < deadline) {
    std::this_thread::sleep_for(kStorePoll);
    if (db.rfind("postgresql://", 0) != 0 && !std::filesystem::exists(db)) continue;
    auto store = OpenStore(db);
    if (!store.ok()) continue;
    auto sweep = OnlySweep(**store);
    if (!sweep) continue;
    auto runs = (*store)->ListRuns(sweep->id);
    if (!runs.ok()) continue;
    std::size_t done = 0, running = 0;
    for (const auto& run : *runs) {
      done += run.state == TrialState::kFinished;
      running += run.state == TrialState::kRunning;
    }
    if (done >= finished && running > 0) return true;
  }
  return false;
}

// What the README promises after the sweep ended: each grid point finished
// once with its own result, nothing queued or running, and the runs in
// `before` (finished earlier) exactly as they were.
void ExpectNothingLost(Store& store, int points, const std::vector<RunRecord>& before) {
  auto sweep = OnlySweep(store);
  ASSERT_TRUE(sweep);
  auto runs = store.ListRuns(sweep->id);
  ASSERT_TRUE(runs.ok());
  std::map<std::int64_t, int> finished_by_point;
  std::map<std::string, RunRecord> by_id;
  for (const auto& run : *runs) {
    by_id[run.id] = run;
    EXPECT_TRUE(IsTerminal(run.state)) << "run " << run.id << " left " << TrialStateName(run.state);
    if (run.state != TrialState::kFinished) continue;
    ASSERT_TRUE(run.grid_index);
    ++finished_by_point[*run.grid_index];
    EXPECT_DOUBLE_EQ(run.summary.at("loss").last, static_cast<double>(*run.grid_index));
  }
  EXPECT_EQ(finished_by_point.size(), static_cast<std::size_t>(points));
  for (const auto& [point, n] : finished_by_point) EXPECT_EQ(n, 1) << "grid point " << point;
  for (const auto& old : before) {
    if (old.state != TrialState::kFinished) continue;
    ASSERT_EQ(by_id.count(old.id), 1u) << "finished run " << old.id << " vanished";
    const RunRecord& now = by_id[old.id];
    EXPECT_EQ(now.state, TrialState::kFinished);
    EXPECT_EQ(now.summary.at("loss").count, old.summary.at("loss").count);
    EXPECT_DOUBLE_EQ(now.summary.at("loss").last, old.summary.at("loss").last);
    EXPECT_EQ(now.ended_at, old.ended_at);
  }
}

std::vector<RunRecord> RunsOf(const std::filesystem::path& db) {
  auto store = OpenStore(db.string());
  if (!store.ok()) return {};
  auto sweep = OnlySweep(**store);
  if (!sweep) return {};
  auto runs = (*store)->ListRuns(sweep->id);
  return runs.ok() ? *runs : std::vector<RunRecord>{};
}

// True when the trial `pid` runs in a cgroup of its own (trial_containment.h).
bool InTrialCgroup(int pid) {
  return ReadFile("/proc/" + std::to_string(pid) + "/cgroup").find("/sweep-") != std::string::npos;
}

constexpr int kKillGridPoints = 12;
constexpr int kKillAgents = 4;
constexpr std::size_t kFinishedBeforeKill = 3;

// Which containment the controllers of a case use (trial_containment.h):
// cgroups where this machine allows them, or the subreaper fallback, forced
// through SWEEP_NO_CGROUP in the environment the spawned `sweep` inherits.
enum class Containment { kCgroup, kSubreaper };

class ChaosContainment : public ::testing::TestWithParam<Containment> {
 protected:
  void SetUp() override {
    if (GetParam() == Containment::kSubreaper) ASSERT_EQ(::setenv("SWEEP_NO_CGROUP", "1", 1), 0);
  }
  void TearDown() override { ::unsetenv("SWEEP_NO_CGROUP"); }
};

// The controller is SIGKILLed with trials running: its watchdog kills their
// process trees at once (with cgroups; without, the trials' process groups,
// and `sweep resume` the `setsid` daemons), and `sweep resume` finishes the
// sweep without repeating or losing a point.
TEST_P(ChaosContainment, SigkilledControllerLeavesNoProcessAndResumeLosesNothing) {
  TempDir dir;
  const std::string marker =
      "chaos_" + std::to_string(::getpid()) + "_sigkill_" + std::to_string(static_cast<int>(GetParam()));
  dir.Write(marker + ".py", LeavingTrial(marker, 0.3));
  dir.Write("spec.yaml", GridSpec(marker + ".py", kKillGridPoints));
  const auto db = dir / ".sweep/sweep.db";

  const pid_t controller =
      testing::SpawnCli(dir.path(), {"run", "spec.yaml", "--agents", std::to_string(kKillAgents)}, "controller");
  const bool progressed = WaitForProgress(db.string(), kFinishedBeforeKill);
  std::vector<RunRecord> before = RunsOf(db);
  bool contained = false;
  for (const auto& run : before) {
    if (run.state == TrialState::kRunning && run.pid > 0) contained = contained || InTrialCgroup(run.pid);
  }
  ::kill(controller, SIGKILL);
  testing::WaitCli(controller);
  ASSERT_TRUE(progressed) << ReadFile(dir / "controller.out") << ReadFile(dir / "controller.err");
  if (contained) {
    EXPECT_EQ(SurvivorsAfter(marker, kLeftoverDeadline), std::vector<pid_t>{})
        << "the dead controller's watchdog left trial processes alive";
  }

  auto store = OpenStore(db.string());
  ASSERT_TRUE(store.ok());
  auto sweep = OnlySweep(**store);
  ASSERT_TRUE(sweep);
  store->reset();
  auto resumed = testing::RunCli(dir.path(), {"resume", sweep->id, "--agents", std::to_string(kKillAgents)});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_EQ(SurvivorsAfter(marker, kLeftoverDeadline), std::vector<pid_t>{});
  store = OpenStore(db.string());
  ASSERT_TRUE(store.ok());
  ExpectNothingLost(**store, kKillGridPoints, before);
}

// Disk full: a small tmpfs holds the store where this test may mount one
// (root), else RLIMIT_FSIZE makes every file of the controller stop growing
// at the same size. One trial fills it, through its stdout log and a flood
// of metrics; the controller fails with a clear error, ends the trial as
// "controller error: ..." (not "interrupted by the user"), leaves no run
// running, and once space is back `sweep resume` finishes every point once.
constexpr int kDiskGridPoints = 5;
constexpr int kFloodPoint = 2;
constexpr rlim_t kFileSizeLimit = 4u << 20;
constexpr const char* kTmpfsOptions = "size=8m";

class SmallFilesystem {
 public:
  explicit SmallFilesystem(const std::filesystem::path& where) : where_(where) {
    std::filesystem::create_directories(where_);
    mounted_ = ::geteuid() == 0 && ::mount("tmpfs", where_.c_str(), "tmpfs", 0, kTmpfsOptions) == 0;
  }
  ~SmallFilesystem() {
    if (mounted_) ::umount2(where_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }

 private:
  std::filesystem::path where_;
  bool mounted_ = false;
};

TEST(Chaos, DiskFullIsAControllerErrorAndLosesNothing) {
  TempDir dir;
  const std::string marker = "chaos_" + std::to_string(::getpid()) + "_diskfull";
  // The flood happens once: the rerun after resume reports normally.
  dir.Write(marker + ".py",
            "import os, sys, time\n"
            "x = int(sys.argv[1].split('=')[1])\n"
            "flag = os.path.join('" + dir.path().string() + "', 'flooded')\n"
            "if x == " + std::to_string(kFloodPoint) + " and not os.path.exists(flag):\n"
            "    open(flag, 'w').close()\n"
            "    junk = b'#' * 65536 + b'\\n'\n"
            "    for _ in range(200): os.write(1, junk)\n"
            "    for i in range(400000): print(f'm={i}')\n"
            "    time.sleep(300)\n"
            "print(f'loss={x}', flush=True)\n");
  dir.Write("spec.yaml", GridSpec(marker + ".py", kDiskGridPoints));
  SmallFilesystem small(dir / "small");
  const std::string store_path = (dir / "small" / "sweep.db").string();

  testing::CliResult failed;
  if (small.mounted()) {
    failed = testing::RunCli(dir.path(), {"run", "spec.yaml", "--store", store_path});
  } else {
    rlimit saved{};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
    rlimit limited = saved;
    limited.rlim_cur = kFileSizeLimit;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
    const pid_t pid = testing::SpawnCli(dir.path(), {"run", "spec.yaml", "--store", store_path}, "limited");
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &saved), 0);
    failed.exit_code = testing::WaitCli(pid);
    failed.out = ReadFile(dir / "limited.out");
    failed.err = ReadFile(dir / "limited.err");
  }
  EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
  EXPECT_NE(failed.err.find(store_path), std::string::npos) << "the error names the store: " << failed.err;
  EXPECT_EQ(SurvivorsAfter(marker, kLeftoverDeadline), std::vector<pid_t>{});

  std::vector<RunRecord> before;
  {
    auto store = OpenStore(store_path);
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto sweep = OnlySweep(**store);
    ASSERT_TRUE(sweep);
    auto runs = (*store)->ListRuns(sweep->id);
    ASSERT_TRUE(runs.ok());
    before = *runs;
  }
  bool flood_run_seen = false;
  for (const auto& run : before) {
    EXPECT_TRUE(IsTerminal(run.state)) << "run " << run.id << " left " << TrialStateName(run.state);
    if (run.state == TrialState::kFinished) continue;
    EXPECT_EQ(run.state, TrialState::kCrashed) << run.failure_reason;
    EXPECT_EQ(run.failure_reason.rfind("controller error: ", 0), 0u) << run.failure_reason;
    flood_run_seen = flood_run_seen || run.grid_index == kFloodPoint;
  }
  EXPECT_TRUE(flood_run_seen) << "the run that filled the disk was recorded as ended by the controller's error";

  // Space comes back: the flooded log goes, and the limit is not inherited.
  std::error_code ignored;
  std::filesystem::remove_all(dir / "small" / "runs", ignored);
  auto store = OpenStore(store_path);
  ASSERT_TRUE(store.ok());
  const std::string sweep_id = OnlySweep(**store)->id;
  store->reset();
  auto resumed = testing::RunCli(dir.path(), {"resume", sweep_id, "--store", store_path});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  store = OpenStore(store_path);
  ASSERT_TRUE(store.ok());
  ExpectNothingLost(**store, kDiskGridPoints, before);
}

// An agent paused (SIGSTOP; a laptop lid, a node cut off from the store)
// past the heartbeat timeout is reaped by the next agent, which runs its
// grid point again. Resumed, the paused agent sees its run was taken over:
// it kills the stale trial's whole tree, writes nothing onto the crashed run
// (no metric, no end) or the rerun, carries on claiming and exits 0.
constexpr int kPauseGridPoints = 4;
constexpr const char* kPauseHeartbeatTimeout = "2";
// Past the timeout above, so the second agent takes the paused one for dead.
constexpr auto kPauseBeyondTimeout = std::chrono::seconds(3);

// While `hold` exists the trial leaves two processes behind (as
// LeavingTrial), keeps reporting m=i and never ends on its own; then it
// reports loss = its grid value.
std::string HeldTrial(const std::string& marker, const std::string& hold) {
  return "import os, subprocess, sys, time\n"
         "x = int(sys.argv[1].split('=')[1])\n"
         "if os.path.exists('" + hold + "'):\n"
         "    sleeper = [sys.executable, '-c', 'import time; time.sleep(300)', '" + marker + "']\n"
         "    subprocess.Popen(sleeper)\n"
         "    subprocess.Popen(sleeper, start_new_session=True)\n"
         "    for i in range(3000):\n"
         "        print(f'm={i}', flush=True)\n"
         "        time.sleep(0.05)\n"
         "print(f'loss={x}', flush=True)\n";
}

bool WaitForHeldTrialReporting(const std::filesystem::path& db) {
  const auto deadline = Clock::now() + kCaseDeadline;
  while (Clock::now() < deadline) {
    std::this_thread::sleep_for(kStorePoll);
    for (const auto& run : RunsOf(db)) {
      auto m = run.summary.find("m");
      if (run.state == TrialState::kRunning && m != run.summary.end() && m->second.count > 0) return true;
    }
  }
  return false;
}

// A created sweep of kPauseGridPoints HeldTrial points in `dir`, its hold
// file in place; the marker names the case.
struct HeldSweep {
  std::string marker, hold, sweep_id;
  std::filesystem::path db;
};

void CreateHeldSweep(const TempDir& dir, const std::string& case_name, HeldSweep& out) {
  out.marker = "chaos_" + std::to_string(::getpid()) + "_" + case_name;
  out.hold = (dir / "hold").string();
  dir.Write(out.marker + ".py", HeldTrial(out.marker, out.hold));
  dir.Write("hold", "");
  dir.Write("spec.yaml", GridSpec(out.marker + ".py", kPauseGridPoints));
  out.db = dir / ".sweep/sweep.db";
  auto created = testing::RunCli(dir.path(), {"create", "spec.yaml"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  out.sweep_id = created.out.substr(0, created.out.find('\n'));
}

TEST(Chaos, PausedAgentPastHeartbeatTimeoutGivesUpItsRunAndCarriesOn) {
  TempDir dir;
  HeldSweep held;
  ASSERT_NO_FATAL_FAILURE(CreateHeldSweep(dir, "sigstop", held));
  const auto& [marker, hold, sweep_id, db] = held;

  const pid_t paused = testing::SpawnCli(
      dir.path(), {"agent", sweep_id, "--heartbeat-timeout", kPauseHeartbeatTimeout}, "paused");
  const bool reporting = WaitForHeldTrialReporting(db);
  ::kill(paused, SIGSTOP);
  if (!reporting) {
    ::kill(paused, SIGKILL);
    testing::WaitCli(paused);
    FAIL() << ReadFile(dir / "paused.out") << ReadFile(dir / "paused.err");
  }
  std::filesystem::remove(hold);
  std::this_thread::sleep_for(kPauseBeyondTimeout);

  auto other = testing::RunCli(dir.path(), {"agent", sweep_id, "--heartbeat-timeout", kPauseHeartbeatTimeout});
  EXPECT_EQ(other.exit_code, 0) << other.out << other.err;
  const std::vector<RunRecord> before = RunsOf(db);
  std::optional<RunRecord> reaped;
  for (const auto& run : before) {
    if (run.state == TrialState::kCrashed) reaped = run;
  }
  ASSERT_TRUE(reaped) << other.out << other.err;

  ::kill(paused, SIGCONT);
  const int paused_exit = testing::WaitCli(paused);
  const std::string paused_log = ReadFile(dir / "paused.out") + ReadFile(dir / "paused.err");
  EXPECT_EQ(paused_exit, 0) << paused_log;
  EXPECT_NE(paused_log.find("marked ended by another agent"), std::string::npos) << paused_log;
  EXPECT_EQ(SurvivorsAfter(marker, kLeftoverDeadline), std::vector<pid_t>{});

  auto store = OpenStore(db.string());
  ASSERT_TRUE(store.ok());
  ExpectNothingLost(**store, kPauseGridPoints, before);
  auto after = (*store)->GetRun(reaped->id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->state, TrialState::kCrashed);
  EXPECT_EQ(after->failure_reason, reaped->failure_reason);
  EXPECT_EQ(after->ended_at, reaped->ended_at);
  EXPECT_EQ(after->summary.at("m").count, reaped->summary.at("m").count)
      << "the paused agent recorded the stale trial's metrics onto the crashed run";
  EXPECT_EQ(RunsOf(db).size(), before.size()) << "the paused agent claimed a run the sweep did not need";
}

// An agent SIGKILLed in the middle of a trial (OOM killer, `kill -9`): its
// watchdog ends the trial's tree where cgroups contain it; the run is left
// `running` with a heartbeat that stops, and the next agent past the
// heartbeat timeout records it crashed and runs its point again.
TEST(Chaos, SigkilledAgentsRunIsReapedAndItsPointRunAgain) {
  TempDir dir;
  HeldSweep held;
  ASSERT_NO_FATAL_FAILURE(CreateHeldSweep(dir, "agentkill", held));
  const auto& [marker, hold, sweep_id, db] = held;

  const pid_t killed = testing::SpawnCli(
      dir.path(), {"agent", sweep_id, "--heartbeat-timeout", kPauseHeartbeatTimeout}, "killed");
  const bool reporting = WaitForHeldTrialReporting(db);
  bool contained = false;
  for (const auto& run : RunsOf(db)) {
    if (run.state == TrialState::kRunning && run.pid > 0) contained = InTrialCgroup(run.pid);
  }
  ::kill(killed, SIGKILL);
  testing::WaitCli(killed);
  ASSERT_TRUE(reporting) << ReadFile(dir / "killed.out") << ReadFile(dir / "killed.err");
  if (contained) {
    EXPECT_EQ(SurvivorsAfter(marker, kLeftoverDeadline), std::vector<pid_t>{})
        << "the dead agent's watchdog left trial processes alive";
  }
  std::filesystem::remove(hold);
  const std::vector<RunRecord> before = RunsOf(db);
  std::this_thread::sleep_for(kPauseBeyondTimeout);

  auto other = testing::RunCli(dir.path(), {"agent", sweep_id, "--heartbeat-timeout", kPauseHeartbeatTimeout});
  EXPECT_EQ(other.exit_code, 0) << other.out << other.err;
  auto store = OpenStore(db.string());
  ASSERT_TRUE(store.ok());
  ExpectNothingLost(**store, kPauseGridPoints, before);
  std::size_t crashed = 0;
  for (const auto& run : RunsOf(db)) crashed += run.state == TrialState::kCrashed;
  EXPECT_EQ(crashed, 1u) << "the killed agent's run, and only it, is recorded crashed";
}

// The store's filesystem goes read-only after a crash (the kernel does so
// on I/O errors): every review command still reads it, a write says the
// store is read-only (exit 1) and changes nothing, and once it is writable
// again `sweep resume` finishes the sweep without losing a point.
constexpr int kReadOnlyGridPoints = 6;
constexpr int kReadOnlyAgents = 2;

TEST(Chaos, ReadOnlyStoreAfterACrashIsReadableRefusesWritesAndLosesNothing) {
  TempDir dir;
  const std::string marker = "chaos_" + std::to_string(::getpid()) + "_readonly";
  dir.Write(marker + ".py", LeavingTrial(marker, 0.3));
  dir.Write("spec.yaml", GridSpec(marker + ".py", kReadOnlyGridPoints));
  const auto db = dir / ".sweep/sweep.db";
  const pid_t controller = testing::SpawnCli(
      dir.path(), {"run", "spec.yaml", "--agents", std::to_string(kReadOnlyAgents)}, "controller");
  const bool progressed = WaitForProgress(db.string(), 2);
  ::kill(controller, SIGKILL);
  testing::WaitCli(controller);
  ASSERT_TRUE(progressed) << ReadFile(dir / "controller.out") << ReadFile(dir / "controller.err");
  const std::vector<RunRecord> before = RunsOf(db);
  ASSERT_FALSE(before.empty());
  std::string sweep_id;
  {
    auto store = OpenStore(db.string());
    ASSERT_TRUE(store.ok());
    sweep_id = OnlySweep(**store)->id;
  }
  {
    testing::ReadOnlyFolder read_only(dir / ".sweep");
    if (!read_only.read_only()) GTEST_SKIP() << "cannot make a folder read-only here";
    for (const std::vector<std::string>& args : {std::vector<std::string>{"sweeps"},
                                                 std::vector<std::string>{"runs", sweep_id},
                                                 std::vector<std::string>{"best", sweep_id},
                                                 std::vector<std::string>{"show", before.front().id}}) {
      SCOPED_TRACE(args[0]);
      auto read = testing::RunCli(dir.path(), args);
      EXPECT_EQ(read.exit_code, 0) << read.out << read.err;
      EXPECT_FALSE(read.out.empty());
    }
    for (const std::vector<std::string>& args : {std::vector<std::string>{"resume", sweep_id},
                                                 std::vector<std::string>{"tag", before.front().id, "kept"}}) {
      SCOPED_TRACE(args[0]);
      auto write = testing::RunCli(dir.path(), args);
      EXPECT_EQ(write.exit_code, 1) << write.out << write.err;
      EXPECT_NE(write.err.find("read-only"), std::string::npos) << write.err;
      EXPECT_EQ(write.err.find("damaged"), std::string::npos) << write.err;
    }
  }
  auto resumed = testing::RunCli(dir.path(), {"resume", sweep_id, "--agents", std::to_string(kReadOnlyAgents)});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_EQ(SurvivorsAfter(marker, kLeftoverDeadline), std::vector<pid_t>{});
  auto store = OpenStore(db.string());
  ASSERT_TRUE(store.ok());
  ExpectNothingLost(**store, kReadOnlyGridPoints, before);
}

// PostgreSQL goes away under 4 agents: the server restarts (pg_ctl restart),
// then drops every session (pg_terminate_backend) repeatedly, hitting claims
// and metric batches. Agents reconnect with backoff and carry on: every grid
// point finishes once, none is left queued or running, every agent exits 0.
constexpr int kPgGridPoints = 16;
constexpr int kPgAgents = 4;
constexpr int kPgSessionDrops = 5;
constexpr auto kPgDropInterval = std::chrono::milliseconds(400);

// A throwaway server of tests/pg/start_postgres.sh, stopped on destruction.
class ThrowawayPostgres {
 public:
  ThrowawayPostgres() {
    const std::string script = std::string(SWEEP_SOURCE_DIR_FOR_CHAOS) + "/tests/pg/start_postgres.sh";
    std::FILE* out = ::popen(script.c_str(), "r");
    if (out == nullptr) return;
    char line[1024];
    while (std::fgets(line, sizeof line, out) != nullptr) {
      std::string text(line);
      while (!text.empty() && text.back() == '\n') text.pop_back();
      const std::string url_prefix = "export SWEEP_TEST_PG_URL=", dir_prefix = "export SWEEP_TEST_PG_DIR=";
      if (text.rfind(url_prefix, 0) == 0) url_ = text.substr(url_prefix.size());
      if (text.rfind(dir_prefix, 0) == 0) dir_ = text.substr(dir_prefix.size());
    }
    ::pclose(out);
  }
  ~ThrowawayPostgres() {
    if (!dir_.empty()) Shell(std::string(SWEEP_SOURCE_DIR_FOR_CHAOS) + "/tests/pg/stop_postgres.sh " + dir_);
  }
  const std::string& url() const { return url_; }
  // Restarts the server on the same port and folder (fast shutdown: open
  // sessions are ended, as in a failover or an upgrade).
  bool Restart() const {
    const std::string as_user = ::geteuid() == 0 ? "runuser -u postgres -- " : "";
    return Shell(as_user + "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pg_ctl -D " + dir_ +
                 "/data -m fast -w -t 60 restart -l " + dir_ + "/server.log >/dev/null");
  }
  // Ends every other session of the test database.
  bool DropSessions() const {
    return Shell("psql -q '" + url_ +
                 "' -c 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                 "AND pid <> pg_backend_pid()' >/dev/null");
  }

 private:
  static bool Shell(const std::string& command) { return std::system(command.c_str()) == 0; }
  std::string url_, dir_;
};

TEST(Chaos, PostgresRestartAndDroppedSessionsLoseNothing) {
  ThrowawayPostgres server;
  if (server.url().empty()) GTEST_SKIP() << "no PostgreSQL server binaries here";
  TempDir dir;
  const std::string marker = "chaos_" + std::to_string(::getpid()) + "_pg";
  dir.Write(marker + ".py",
            "import sys, time\n"
            "x = int(sys.argv[1].split('=')[1])\n"
            "for i in range(20):\n"
            "    print(f'm={i}', flush=True)\n"
            "    time.sleep(0.02)\n"
            "print(f'loss={x}', flush=True)\n");
  dir.Write("spec.yaml", GridSpec(marker + ".py", kPgGridPoints));
  auto created = testing::RunCli(dir.path(), {"create", "spec.yaml", "--store", server.url()});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string sweep_id = created.out.substr(0, created.out.find('\n'));

  std::vector<pid_t> agents;
  for (int i = 0; i < kPgAgents; ++i) {
    agents.push_back(testing::SpawnCli(dir.path(), {"agent", sweep_id, "--store", server.url()},
                                       "agent" + std::to_string(i)));
  }
  const bool progressed = WaitForProgress(server.url(), 2);
  const bool restarted = progressed && server.Restart();
  for (int i = 0; i < kPgSessionDrops && restarted; ++i) {
    std::this_thread::sleep_for(kPgDropInterval);
    (void)server.DropSessions();
  }
  std::string logs;
  for (int i = 0; i < kPgAgents; ++i) {
    const int exit_code = testing::WaitCli(agents[i]);
    const std::string log = ReadFile(dir / ("agent" + std::to_string(i) + ".out")) +
                            ReadFile(dir / ("agent" + std::to_string(i) + ".err"));
    EXPECT_EQ(exit_code, 0) << log;
    logs += log;
  }
  ASSERT_TRUE(progressed) << logs;
  ASSERT_TRUE(restarted) << "pg_ctl restart failed";
  auto store = OpenStore(server.url());
  ASSERT_TRUE(store.ok()) << store.error().message;
  ExpectNothingLost(**store, kPgGridPoints, {});
}

INSTANTIATE_TEST_SUITE_P(Modes, ChaosContainment, ::testing::Values(Containment::kCgroup, Containment::kSubreaper),
                         [](const ::testing::TestParamInfo<Containment>& info) {
                           return info.param == Containment::kCgroup ? "Cgroup" : "Subreaper";
                         });

}  // namespace
}  // namespace sweep
