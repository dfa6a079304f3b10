// LocalRunner against real programs (/bin/sh and python3).
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "agents/marked_processes.h"
#include "agents/recording_events.h"
#include "agents/trial_runner.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Generous bound for a test trial on a loaded 2-core machine.
constexpr auto kTrialDeadline = std::chrono::seconds(60);
// How often wait loops re-check a process.
constexpr milliseconds kPollStep{20};

class LocalRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sweep-local-runner-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  LaunchRequest Request(const std::string& run_id, std::vector<std::string> argv) {
    LaunchRequest r;
    r.run_id = run_id;
    r.argv = std::move(argv);
    r.log_dir = dir_ / run_id;
    return r;
  }


  // Polls until every trial has been reported or the deadline passes.
  void RunAll(TrialRunner& runner) {
    auto deadline = Clock::now() + kTrialDeadline;
    while (runner.active() > 0 && Clock::now() < deadline) runner.Poll(milliseconds(100));
    ASSERT_EQ(runner.active(), 0u) << "trials still running at the deadline";
  }

  std::string ReadFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  fs::path dir_;
};

// True once `pid` no longer exists or is a zombie nobody reaped (a container's
// PID 1 may not reap orphans).
bool IsGone(pid_t pid) {
  if (::kill(pid, 0) != 0) return true;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  return close == std::string::npos || (close + 2 < text.size() && text[close + 2] == 'Z');
}

bool WaitGone(pid_t pid, std::chrono::seconds limit) {
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (IsGone(pid)) return true;
    std::this_thread::sleep_for(kPollStep);
  }
  return IsGone(pid);
}

TEST_F(LocalRunnerTest, MetricsFromStdoutAndChannel) {
  RecordingEvents events;
  auto runner = MakeLocalRunner(events, RunnerOptions{});
  const char* script = R"(
import os, json, sys
print("loss=0.5 acc=0.75")  # a whole line of pairs: metrics
print('{"val": 2.5, "step": 9}', flush=True)
f = os.fdopen(int(os.environ["SWEEP_METRICS_FD"]), "w")
f.write(json.dumps({"t": "log", "step": 3, "time": 12.5, "data": {"chan": 1.5}}) + "\n")
f.write("not json\n")
f.write(json.dumps({"t": "summary", "data": {"best": 1}}) + "\n")
f.write(json.dumps({"t": "finish"}))
f.close()
sys.stdout.write("tail=7")
)";
  ASSERT_TRUE(runner->Launch(Request("ok", {"python3", "-c", script})).ok());
  RunAll(*runner);
  ASSERT_TRUE(events.exits.count("ok"));
  const TrialExit& exit = events.exits["ok"];
  EXPECT_EQ(exit.exit_code, 0);
  EXPECT_FALSE(exit.signal);
  EXPECT_TRUE(exit.launch_error.empty());
  EXPECT_EQ(exit.bad_channel_lines, 1u);
  EXPECT_GT(events.pids["ok"], 0);
  EXPECT_EQ(events.log.front(), "start ok");
  EXPECT_EQ(events.log.back(), "exit ok");

  std::map<std::string, MetricPoint> by_key;
  for (const MetricPoint& p : events.points["ok"]) by_key[p.key] = p;
  ASSERT_EQ(by_key.size(), 5u);
  EXPECT_DOUBLE_EQ(by_key["loss"].value, 0.5);
  EXPECT_DOUBLE_EQ(by_key["acc"].value, 0.75);
  EXPECT_EQ(by_key["val"].step, 9);
  EXPECT_EQ(by_key["chan"].step, 3);
  EXPECT_DOUBLE_EQ(by_key["chan"].time, 12.5);
  EXPECT_DOUBLE_EQ(by_key["tail"].value, 7);  // unterminated last line
  EXPECT_GT(by_key["loss"].time, 1e9);        // stamped with the wall clock

  ASSERT_EQ(events.messages["ok"].size(), 2u);
  EXPECT_EQ(events.messages["ok"][0].type, "summary");
  EXPECT_EQ(events.messages["ok"][1].type, "finish");

  std::string log = ReadFile(dir_ / "ok" / "stdout.log");
  EXPECT_NE(log.find("loss=0.5 acc=0.75"), std::string::npos);
  EXPECT_EQ(log.find("summary"), std::string::npos) << "channel text leaked into stdout.log";
}

TEST_F(LocalRunnerTest, ExitCodeStderrLogAndTail) {
  RecordingEvents events;
  RunnerOptions options;
  options.stderr_tail_lines = 2;
  auto runner = MakeLocalRunner(events, options);
  ASSERT_TRUE(runner->Launch(Request("e", {"/bin/sh", "-c", "echo e1 >&2; echo e2 >&2; echo e3 >&2; exit 3"})).ok());
  RunAll(*runner);
  EXPECT_EQ(events.exits["e"].exit_code, 3);
  EXPECT_EQ(events.exits["e"].stderr_tail, "e2\ne3");
  EXPECT_EQ(ReadFile(dir_ / "e" / "stderr.log"), "e1\ne2\ne3\n");
  EXPECT_TRUE(events.points["e"].empty()) << "stderr is not parsed for metrics";
}

TEST_F(LocalRunnerTest, ASilentStreamLeavesNoLogFile) {
  RecordingEvents events;
  auto runner = MakeLocalRunner(events, RunnerOptions{});
  ASSERT_TRUE(runner->Launch(Request("quiet", {"/bin/sh", "-c", "echo out"})).ok());
  RunAll(*runner);
  EXPECT_EQ(events.exits["quiet"].exit_code, 0);
  EXPECT_EQ(ReadFile(dir_ / "quiet" / kStdoutLogName), "out\n");
  // Each file is an inode allocation, the largest cost of a short trial's launch.
  EXPECT_FALSE(fs::exists(dir_ / "quiet" / kStderrLogName));
}

TEST_F(LocalRunnerTest, KilledBySignal) {
  RecordingEvents events;
  auto runner = MakeLocalRunner(events, RunnerOptions{});
  ASSERT_TRUE(runner->Launch(Request("k", {"sh", "-c", "kill -9 $$"})).ok());
  RunAll(*runner);
  EXPECT_EQ(events.exits["k"].signal, SIGKILL);
  EXPECT_FALSE(events.exits["k"].exit_code);
}

TEST_F(LocalRunnerTest, LaunchErrorsAreReportedNotThrown) {
  RecordingEvents events;
  auto runner = MakeLocalRunner(events, RunnerOptions{});
  fs::path not_executable = dir_ / "plain.txt";
  std::ofstream(not_executable) << "echo hi\n";
  ASSERT_TRUE(runner->Launch(Request("missing", {"sweep-no-such-program-xyz"})).ok());
  ASSERT_TRUE(runner->Launch(Request("noexec", {not_executable.string()})).ok());
  ASSERT_TRUE(runner->Launch(Request("nofile", {(dir_ / "absent").string()})).ok());
  EXPECT_EQ(runner->active(), 3u);
  RunAll(*runner);
  for (const char* id : {"missing", "noexec", "nofile"}) {
    ASSERT_TRUE(events.exits.count(id)) << id;
    EXPECT_FALSE(events.exits[id].launch_error.empty()) << id;
    EXPECT_FALSE(events.pids.count(id)) << id;
  }
}

TEST_F(LocalRunnerTest, InvalidRequestIsAnError) {
  RecordingEvents events;
  auto runner = MakeLocalRunner(events, RunnerOptions{});
  LaunchRequest r = Request("bad", {"/bin/true"});
  r.log_dir = "relative";
  Status s = runner->Launch(r);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(runner->active(), 0u);
}

TEST_F(LocalRunnerTest, TimeoutEscalatesToSigkillForTermIgnoringProgram) {
  RecordingEvents events;
  RunnerOptions options;
  options.kill_grace = milliseconds(300);
  auto runner = MakeLocalRunner(events, options);
  LaunchRequest r = Request("t", {"python3", "-c",
                                  "import signal, time\n"
                                  "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                                  "print('ready', flush=True)\n"
                                  "time.sleep(60)\n"});
  r.timeout = milliseconds(1500);
  auto start = Clock::now();
  ASSERT_TRUE(runner->Launch(r).ok());
  RunAll(*runner);
  auto elapsed = Clock::now() - start;
  EXPECT_TRUE(events.exits["t"].timed_out);
  EXPECT_FALSE(events.exits["t"].terminated);
  EXPECT_EQ(events.exits["t"].signal, SIGKILL);
  EXPECT_GE(elapsed, milliseconds(1800));
  EXPECT_NE(ReadFile(dir_ / "t" / "stdout.log").find("ready"), std::string::npos);
}

TEST_F(LocalRunnerTest, AHugeTimeoutNeverFiresEarly) {
  RecordingEvents events;
  auto runner = MakeLocalRunner(events, RunnerOptions{});
  LaunchRequest r = Request("h", {"python3", "-c", "import time; time.sleep(0.3); print('done', flush=True)"});
  // Issue 12: 1e10 s (as a spec's timeout) overflowed the deadline and killed the trial at once.
  r.timeout = milliseconds(std::int64_t{10'000'000'000} * 1000);
  ASSERT_TRUE(runner->Launch(r).ok());
  RunAll(*runner);
  EXPECT_FALSE(events.exits["h"].timed_out);
  EXPECT_EQ(events.exits["h"].exit_code, 0);
  r.run_id = "max";
  r.timeout = milliseconds::max();
  ASSERT_TRUE(runner->Launch(r).ok());
  RunAll(*runner);
  EXPECT_FALSE(events.exits["max"].timed_out);
  EXPECT_EQ(events.exits["max"].exit_code, 0);
}

TEST_F(LocalRunnerTest, ADeeplyNestedChannelLineIsALimitError) {
  RecordingEvents events;
  auto runner = MakeLocalRunner(events, RunnerOptions{});
  const char* script = R"(
import os
fd = int(os.environ["SWEEP_METRICS_FD"])
os.write(fd, b'{"t":"finish","x":' + b'[' * 50000 + b']' * 50000 + b'}\n')
os.write(fd, b'{"t":"summary","data":{"ok":1}}\n')
)";
  ASSERT_TRUE(runner->Launch(Request("deep", {"python3", "-c", script})).ok());
  RunAll(*runner);
  const TrialExit& exit = events.exits["deep"];
  EXPECT_EQ(exit.exit_code, 0);
  EXPECT_EQ(exit.bad_channel_lines, 1u);
  EXPECT_NE(exit.channel_error.find("nested deeper than"), std::string::npos) << exit.channel_error;
  ASSERT_EQ(events.messages["deep"].size(), 1u) << "the lines after it still count";
  EXPECT_EQ(events.messages["deep"][0].type, "summary");
}

TEST_F(LocalRunnerTest, TerminateKillsTheWholeProcessGroup) {
  RecordingEvents events;
  auto runner = MakeLocalRunner(events, RunnerOptions{});
  ASSERT_TRUE(runner->Launch(Request("g", {"sh", "-c", "sleep 300 & echo child=$!; wait"})).ok());
  auto deadline = Clock::now() + kTrialDeadline;
  while (events.points["g"].empty() && Clock::now() < deadline) runner->Poll(milliseconds(100));
  ASSERT_EQ(events.points["g"].size(), 1u);
  auto grandchild = static_cast<pid_t>(events.points["g"][0].value);
  ASSERT_FALSE(IsGone(grandchild));
  runner->Terminate("g");
  RunAll(*runner);
  EXPECT_TRUE(events.exits["g"].terminated);
  EXPECT_EQ(events.exits["g"].signal, SIGTERM);
  EXPECT_TRUE(WaitGone(grandchild, std::chrono::seconds(5)));
}

TEST_F(LocalRunnerTest, GrandchildHoldingThePipeDoesNotHangTheExit) {
  RecordingEvents events;
  auto runner = MakeLocalRunner(events, RunnerOptions{});
  // The background sleep keeps stdout open after sh exits.
  ASSERT_TRUE(runner->Launch(Request("h", {"sh", "-c", "sleep 30 & echo done=1"})).ok());
  RunAll(*runner);
  EXPECT_EQ(events.exits["h"].exit_code, 0);
  EXPECT_EQ(events.points["h"].size(), 1u);
  ::kill(-events.pids["h"], SIGKILL);  // clean up the sleep
}

TEST_F(LocalRunnerTest, EightConcurrentTrialsLoseNoLineAndNoPoint) {
  constexpr int kTrials = 8;
  constexpr int kLines = 100000;
  constexpr int kChannelLines = 20000;
  RecordingEvents events;
  auto runner = MakeLocalRunner(events, RunnerOptions{});
  std::string script =
      "import os, sys\n"
      "w = sys.stdout.write\n"
      "for i in range(" + std::to_string(kLines) + "): w('loss=%d\\n' % i)\n"
      "f = os.fdopen(int(os.environ['SWEEP_METRICS_FD']), 'w')\n"
      "for i in range(" + std::to_string(kChannelLines) + "):\n"
      "    f.write('{\"t\":\"log\",\"data\":{\"c\":%d}}\\n' % i)\n";
  for (int i = 0; i < kTrials; ++i) {
    ASSERT_TRUE(runner->Launch(Request("c" + std::to_string(i), {"python3", "-c", script})).ok());
  }
  EXPECT_EQ(runner->active(), static_cast<std::size_t>(kTrials));
  RunAll(*runner);
  for (int i = 0; i < kTrials; ++i) {
    std::string id = "c" + std::to_string(i);
    EXPECT_EQ(events.exits[id].exit_code, 0) << id;
    std::vector<double> loss, chan;
    for (const MetricPoint& p : events.points[id]) (p.key == "loss" ? loss : chan).push_back(p.value);
    ASSERT_EQ(loss.size(), static_cast<std::size_t>(kLines)) << id;
    ASSERT_EQ(chan.size(), static_cast<std::size_t>(kChannelLines)) << id;
    for (int k = 0; k < kLines; ++k) ASSERT_EQ(loss[k], k) << id;
    for (int k = 0; k < kChannelLines; ++k) ASSERT_EQ(chan[k], k) << id;
    std::string log = ReadFile(dir_ / id / "stdout.log");
    EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), kLines) << id;
  }
}

TEST_F(LocalRunnerTest, TenMegabyteLineIsLoggedButNotParsed) {
  constexpr std::size_t kHugeLine = 10 * 1024 * 1024;
  RecordingEvents events;
  auto runner = MakeLocalRunner(events, RunnerOptions{});
  std::string script = "import sys\nsys.stdout.write('big=1 ' + 'x' * " + std::to_string(kHugeLine) +
                       " + '\\n')\nprint('after=2')\n";
  ASSERT_TRUE(runner->Launch(Request("big", {"python3", "-c", script})).ok());
  RunAll(*runner);
  EXPECT_EQ(events.exits["big"].exit_code, 0);
  EXPECT_EQ(events.exits["big"].oversized_stdout_lines, 1u);
  ASSERT_EQ(events.points["big"].size(), 1u);
  EXPECT_EQ(events.points["big"][0].key, "after");
  EXPECT_GT(fs::file_size(dir_ / "big" / "stdout.log"), kHugeLine);
}

TEST_F(LocalRunnerTest, EnvironmentAndWorkingDirectory) {
  ASSERT_EQ(::setenv("SWEEP_TEST_FROM_CONTROLLER", "parent", 1), 0);
  ASSERT_EQ(::setenv("SWEEP_TEST_OVERRIDDEN", "old", 1), 0);
  RecordingEvents events;
  auto runner = MakeLocalRunner(events, RunnerOptions{});
  LaunchRequest r = Request("env", {"sh", "-c",
                                    "echo \"$SWEEP_TEST_FROM_CONTROLLER $SWEEP_TEST_OVERRIDDEN $SWEEP_TEST_OWN\"; pwd"});
  r.env = {{"SWEEP_TEST_OVERRIDDEN", "new"}, {"SWEEP_TEST_OWN", "own"}};
  r.working_dir = dir_;
  ASSERT_TRUE(runner->Launch(r).ok());
  RunAll(*runner);
  EXPECT_EQ(ReadFile(dir_ / "env" / "stdout.log"), "parent new own\n" + fs::canonical(dir_).string() + "\n");
}

TEST_F(LocalRunnerTest, TrialInheritsOnlyStdioAndTheChannel) {
  RecordingEvents events;
  auto runner = MakeLocalRunner(events, RunnerOptions{});
  ASSERT_TRUE(runner->Launch(Request("fds2", {"sh", "-c", "echo $SWEEP_METRICS_FD; ls /proc/$$/fd"})).ok());
  RunAll(*runner);
  std::istringstream lines(ReadFile(dir_ / "fds2" / "stdout.log"));
  std::string channel_fd, fd;
  std::getline(lines, channel_fd);
  std::set<std::string> fds;
  while (std::getline(lines, fd)) fds.insert(fd);
  // sh may hold one descriptor of its own (the script source); nothing else.
  EXPECT_TRUE(fds.count(channel_fd)) << channel_fd;
  for (const char* f : {"0", "1", "2"}) EXPECT_TRUE(fds.count(f));
  EXPECT_LE(fds.size(), 5u) << ReadFile(dir_ / "fds2" / "stdout.log");
}

TEST_F(LocalRunnerTest, InterruptIsReportedAndDefaultRestored) {
  {
    RecordingEvents events;
    auto runner = MakeLocalRunner(events, RunnerOptions{});
    ::raise(SIGINT);
    runner->Poll(milliseconds(1000));
    EXPECT_EQ(events.interrupts, (std::vector<int>{SIGINT}));
  }
  struct sigaction action {};
  ASSERT_EQ(::sigaction(SIGINT, nullptr, &action), 0);
  EXPECT_EQ(action.sa_handler, SIG_DFL);
}

TEST_F(LocalRunnerTest, TrialDiesWithASigkilledController) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t helper = ::fork();
  ASSERT_GE(helper, 0);
  if (helper == 0) {
    ::close(fds[0]);
    RecordingEvents events;
    auto runner = MakeLocalRunner(events, RunnerOptions{});
    LaunchRequest r = Request("orphan", {"sleep", "300"});
    if (!runner->Launch(r).ok()) ::_exit(1);
    while (events.pids.empty()) runner->Poll(milliseconds(100));
    int pid = events.pids["orphan"];
    if (::write(fds[1], &pid, sizeof pid) != sizeof pid) ::_exit(1);
    for (;;) ::pause();
  }
  ::close(fds[1]);
  int trial_pid = 0;
  ASSERT_EQ(::read(fds[0], &trial_pid, sizeof trial_pid), static_cast<ssize_t>(sizeof trial_pid));
  ::close(fds[0]);
  ASSERT_FALSE(IsGone(trial_pid));
  ::kill(helper, SIGKILL);
  ::waitpid(helper, nullptr, 0);
  EXPECT_TRUE(WaitGone(trial_pid, std::chrono::seconds(5)));
}


// A trial's whole process tree ends with it (trial_containment.h), with
// cgroups where this machine allows them and with the subreaper fallback
// (forced by SWEEP_NO_CGROUP). Leftovers are found by a marker in their argv.
enum class Containment { kCgroup, kSubreaper };

class ContainmentTest : public LocalRunnerTest, public ::testing::WithParamInterface<Containment> {
 protected:
  void SetUp() override {
    LocalRunnerTest::SetUp();
    if (GetParam() == Containment::kSubreaper) {
      ASSERT_EQ(::setenv("SWEEP_NO_CGROUP", "1", 1), 0);
    } else {
      ASSERT_EQ(::unsetenv("SWEEP_NO_CGROUP"), 0);
    }
    marker_ = "sweep_containment_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : marker_) {
      if (c == '/') c = '_';
    }
  }
  void TearDown() override {
    ::unsetenv("SWEEP_NO_CGROUP");
    for (pid_t pid : testing::ProcessesWith(marker_)) ::kill(pid, SIGKILL);  // only after a failure
    LocalRunnerTest::TearDown();
  }

  // Skips a cgroup case on a machine where the runner fell back.
  bool InTrialCgroup(pid_t pid) {
    return ReadFile("/proc/" + std::to_string(pid) + "/cgroup").find("/sweep-") != std::string::npos;
  }

  // A request whose processes see the marker (SpawnLeftoversCommand).
  LaunchRequest Marked(const std::string& run_id, const std::string& script) {
    LaunchRequest request = Request(run_id, {"sh", "-c", script});
    request.env[testing::kLeftoverMarkerEnv] = marker_;
    return request;
  }

  std::string marker_;
};

constexpr std::size_t kLeftovers = 3;  // SpawnLeftoversCommand's processes
constexpr auto kLeftoverDeadline = std::chrono::seconds(10);

TEST_P(ContainmentTest, LeftoversEndWithANormalExitWithoutTheDrainWait) {
  RecordingEvents events;
  auto runner = MakeLocalRunner(events, RunnerOptions{});
  const std::string script = testing::SpawnLeftoversCommand() + "echo done=1";
  const auto started = Clock::now();
  ASSERT_TRUE(runner->Launch(Marked("n", script)).ok());
  RunAll(*runner);
  const auto elapsed = Clock::now() - started;
  EXPECT_EQ(events.exits["n"].exit_code, 0);
  EXPECT_GE(events.points["n"].size(), 1u);
  // The leftovers held stdout open; killing them ends it, so the exit is not
  // held for the 5 s drain limit.
  EXPECT_LT(elapsed, std::chrono::milliseconds(4000));
  EXPECT_EQ(testing::SurvivorsAfter(marker_, kLeftoverDeadline), std::vector<pid_t>{});
}

TEST_P(ContainmentTest, TerminateAndTimeoutTakeTheLeftoversWithThem) {
  RecordingEvents events;
  RunnerOptions options;
  options.kill_grace = milliseconds(200);
  auto runner = MakeLocalRunner(events, options);
  const std::string script = testing::SpawnLeftoversCommand() + "sleep 300";
  ASSERT_TRUE(runner->Launch(Marked("t", script)).ok());
  LaunchRequest timed = Marked("d", script);
  timed.timeout = milliseconds(1500);
  ASSERT_TRUE(runner->Launch(timed).ok());
  const auto deadline = Clock::now() + kTrialDeadline;
  while (events.points["t"].size() + events.points["d"].size() < 2 * kLeftovers && Clock::now() < deadline) {
    runner->Poll(milliseconds(50));
  }
  ASSERT_EQ(events.points["t"].size() + events.points["d"].size(), 2 * kLeftovers);
  if (GetParam() == Containment::kCgroup && !InTrialCgroup(events.pids["t"])) GTEST_SKIP() << "no usable cgroup v2";
  runner->Terminate("t");
  RunAll(*runner);
  EXPECT_TRUE(events.exits["t"].terminated);
  EXPECT_TRUE(events.exits["d"].timed_out);
  EXPECT_EQ(testing::SurvivorsAfter(marker_, kLeftoverDeadline), std::vector<pid_t>{});
}

TEST_P(ContainmentTest, DestroyingTheRunnerTakesTheLeftoversWithIt) {
  RecordingEvents events;
  auto runner = MakeLocalRunner(events, RunnerOptions{});
  ASSERT_TRUE(runner->Launch(Marked("r", testing::SpawnLeftoversCommand() + "sleep 300")).ok());
  const auto deadline = Clock::now() + kTrialDeadline;
  while (events.points["r"].size() < kLeftovers && Clock::now() < deadline) runner->Poll(milliseconds(50));
  ASSERT_EQ(events.points["r"].size(), kLeftovers) << ReadFile(dir_ / "r" / "stdout.log") << ReadFile(dir_ / "r" / "stderr.log");
  runner.reset();
  EXPECT_EQ(testing::SurvivorsAfter(marker_, kLeftoverDeadline), std::vector<pid_t>{});
}

// The controller's own death: its watchdog kills the trial's cgroup (or,
// without cgroups, the trial's process group; daemons that left the group
// are out of reach there, see trial_containment.h).
TEST_P(ContainmentTest, SigkilledControllerTakesTheLeftoversWithIt) {
  const bool cgroup = GetParam() == Containment::kCgroup;
  const std::string script =
      (cgroup ? testing::SpawnLeftoversCommand() : testing::MarkedSleeperCommand() + " & ") + "sleep 300";
  const std::size_t expected = cgroup ? kLeftovers : 1;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t helper = ::fork();
  ASSERT_GE(helper, 0);
  if (helper == 0) {
    ::close(fds[0]);
    RecordingEvents events;
    auto runner = MakeLocalRunner(events, RunnerOptions{});
    if (!runner->Launch(Marked("c", script)).ok()) ::_exit(1);
    while (events.points["c"].size() < expected) runner->Poll(milliseconds(100));
    int pid = events.pids["c"];
    if (::write(fds[1], &pid, sizeof pid) != sizeof pid) ::_exit(1);
    for (;;) runner->Poll(milliseconds(100));
  }
  ::close(fds[1]);
  int trial_pid = 0;
  ASSERT_EQ(::read(fds[0], &trial_pid, sizeof trial_pid), static_cast<ssize_t>(sizeof trial_pid));
  ::close(fds[0]);
  const bool contained = InTrialCgroup(trial_pid);
  ::kill(helper, SIGKILL);
  ::waitpid(helper, nullptr, 0);
  if (cgroup && !contained) GTEST_SKIP() << "no usable cgroup v2";
  EXPECT_TRUE(WaitGone(trial_pid, std::chrono::seconds(10)));
  EXPECT_EQ(testing::SurvivorsAfter(marker_, kLeftoverDeadline), std::vector<pid_t>{});
}

INSTANTIATE_TEST_SUITE_P(Modes, ContainmentTest, ::testing::Values(Containment::kCgroup, Containment::kSubreaper),
                         [](const ::testing::TestParamInfo<Containment>& info) {
                           return info.param == Containment::kCgroup ? "Cgroup" : "Subreaper";
                         });
}  // namespace
}  // namespace sweep
