// End-to-end: what `sweep run` prints while trials run (issue 18), on a
// pseudo-terminal and through a pipe, `--events jsonl`, `--quiet`,
// `sweep logs [-f]`, failure reasons in `sweep runs`, and trial text escaped
// on the way to the terminal (issue 12.12).
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "core/value_json.h"
#include "tests/cli_harness.h"

namespace sweep {
namespace {

using testing::RunCli;
using testing::TempDir;
using Clock = std::chrono::steady_clock;

// Generous: the suite runs on a loaded 2-core machine.
constexpr auto kPatience = std::chrono::seconds(60);

// Trials that report the metric three times, a little apart, so the live view
// has running trials with a step and a value to show.
constexpr const char* kSteppingTrial =
    "import sys, time\n"
    "x = float(sys.argv[1].split('=')[1])\n"
    "for step in range(3):\n"
    "    print(f'loss={x + step}', flush=True)\n"
    "    time.sleep(0.4)\n";

std::string SteppingSpec() {
  return "program: trial.py\nmethod: grid\nmetric: {name: loss}\nparameters:\n  x:\n    values: [1, 2, 3]\n";
}

// No control byte but newline (and tab): what a CI log may receive.
void ExpectNoControlCodes(const std::string& text) {
  for (unsigned char c : text) {
    ASSERT_FALSE((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) << "byte " << int(c) << " in:\n" << text;
  }
}

// Runs `sweep args...` in `cwd` on a pseudo-terminal `columns` wide; returns
// everything it wrote there and its exit code.
std::pair<std::string, int> RunOnTerminal(const std::filesystem::path& cwd, const std::vector<std::string>& args,
                                          int columns) {
  winsize size{};
  size.ws_row = 40;
  size.ws_col = static_cast<unsigned short>(columns);
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, &size);
  if (pid == 0) {
    if (chdir(cwd.c_str()) != 0) _exit(127);
    setenv("TERM", "xterm-256color", 1);
    std::vector<std::string> full{testing::SweepBinary()};
    full.insert(full.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : full) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  std::string output;
  const auto deadline = Clock::now() + kPatience;
  char buf[4096];
  while (Clock::now() < deadline) {
    pollfd pfd{master, POLLIN, 0};
    if (poll(&pfd, 1, 200) <= 0) continue;
    const ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the child closed the terminal
    output.append(buf, static_cast<std::size_t>(n));
  }
  close(master);
  int status = 0;
  waitpid(pid, &status, 0);
  return {output, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

TEST(ConsoleEndToEnd, OnATerminalTheStatusBlockIsRedrawnInPlace) {
  TempDir dir;
  dir.Write("trial.py", kSteppingTrial);
  dir.Write("spec.yaml", SteppingSpec());
  constexpr int kColumns = 70;
  auto [out, code] = RunOnTerminal(dir.path(), {"run", "spec.yaml", "--agents", "2"}, kColumns);
  EXPECT_EQ(code, 0) << out;
  // Redraws: back up over the block and clear below it.
  EXPECT_NE(out.find("A\r\x1b[J"), std::string::npos) << out;
  // A running trial with its latest step and value of the sweep metric.
  EXPECT_NE(out.find("  x=1  "), std::string::npos) << out;
  EXPECT_NE(out.find("step 0  loss="), std::string::npos) << out;
  // Progress of a grid, the ended lines and the final summary.
  EXPECT_NE(out.find("grid 3 of 3]"), std::string::npos) << out;
  EXPECT_NE(out.find("(best)"), std::string::npos) << out;
  EXPECT_NE(out.find("search space exhausted after 3 runs (3 finished) in "), std::string::npos) << out;
  // No line of the status block is wider than the terminal (after the last clear on it).
  std::size_t start = 0;
  while (start < out.size()) {
    std::size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    std::string line = out.substr(start, end - start);
    const auto clear = line.rfind("\x1b[J");
    if (clear != std::string::npos) line = line.substr(clear + 3);
    if (line.find("] ") != std::string::npos || line.rfind("sweep ", 0) == 0) line.clear();  // scrolling lines
    std::size_t columns = 0;
    for (unsigned char c : line) columns += (c & 0xC0) != 0x80 && c >= 0x20 ? 1 : 0;
    EXPECT_LT(columns, static_cast<std::size_t>(kColumns)) << line;
    start = end + 1;
  }
}

TEST(ConsoleEndToEnd, ThroughAPipePlainLinesAndAPeriodicStatus) {
  TempDir dir;
  dir.Write("trial.py", kSteppingTrial);
  auto result = testing::RunSpec(dir, SteppingSpec(), {"--status-interval", "0.2"});
  EXPECT_EQ(result.cli.exit_code, 0) << result.cli.err;
  const std::string& out = result.cli.out;
  ExpectNoControlCodes(out);
  EXPECT_NE(out.find("started  " + result.runs.at(0).id + "  x=1\n"), std::string::npos) << out;
  EXPECT_NE(out.find(", 1 running, "), std::string::npos) << "a periodic status line:\n" << out;
  EXPECT_NE(out.find("ETA "), std::string::npos) << out;
  EXPECT_NE(out.find("[grid 3 of 3] "), std::string::npos) << out;
}

TEST(ConsoleEndToEnd, EventsJsonlOnStdoutAndTheRestOnStderr) {
  TempDir dir;
  dir.Write("trial.py", kSteppingTrial);
  auto result = testing::RunSpec(dir, SteppingSpec(), {"--events", "jsonl"});
  EXPECT_EQ(result.cli.exit_code, 0) << result.cli.err;
  std::map<std::string, int> events;
  std::size_t start = 0;
  const std::string& out = result.cli.out;
  while (start < out.size()) {
    const std::size_t end = out.find('\n', start);
    ASSERT_NE(end, std::string::npos);
    auto doc = ParseJson(out.substr(start, end - start));
    ASSERT_TRUE(doc.ok() && doc->is_map()) << out.substr(start, end - start);
    std::string event;
    for (const auto& [k, v] : doc->as_map())
      if (k == "event") event = v.as_string();
    ++events[event];
    start = end + 1;
  }
  EXPECT_EQ(events["run_started"], 3);
  EXPECT_EQ(events["metric"], 9);
  EXPECT_EQ(events["run_ended"], 3);
  EXPECT_EQ(events["sweep_ended"], 1);
  EXPECT_NE(out.substr(out.rfind("{\"event\"")).find("\"finished\":3"), std::string::npos) << out;
  EXPECT_NE(result.cli.err.find("search space exhausted"), std::string::npos) << result.cli.err;
}

TEST(ConsoleEndToEnd, QuietPrintsOnlyTheSummary) {
  TempDir dir;
  dir.Write("trial.py", kSteppingTrial);
  auto result = testing::RunSpec(dir, SteppingSpec(), {"--quiet"});
  EXPECT_EQ(result.cli.exit_code, 0) << result.cli.err;
  EXPECT_EQ(result.cli.out.find("started"), std::string::npos) << result.cli.out;
  EXPECT_EQ(result.cli.out.find("[grid"), std::string::npos) << result.cli.out;
  EXPECT_EQ(result.cli.out.rfind("sweep ", 0), 0u) << result.cli.out;
  EXPECT_NE(result.cli.out.find("search space exhausted"), std::string::npos) << result.cli.out;
}

TEST(ConsoleEndToEnd, HostileTrialOutputIsEscapedEverywhere) {
  TempDir dir;
  // OSC 52 (clipboard), a screen clear, fake colours and a raw C1 CSI on stderr.
  dir.Write("trial.py",
            "import sys\n"
            "sys.stderr.buffer.write(b'\\x1b]52;c;cHduZWQ=\\x07\\x1b[2J\\x1b[31mFAKE\\x9b1m\\n')\n"
            "sys.exit(1)\n");
  auto result = testing::RunSpec(
      dir, "program: trial.py\nmethod: grid\nmetric: {name: loss}\nparameters:\n  \"p\\e[2J\":\n    values: [1]\n");
  EXPECT_EQ(result.cli.exit_code, 1);
  ExpectNoControlCodes(result.cli.out);
  ExpectNoControlCodes(result.cli.err);
  EXPECT_NE(result.cli.out.find("(exited with code 1: \\x1b]52;c;cHduZWQ=\\x07\\x1b[2J\\x1b[31mFAKE\\x9b1m)"),
            std::string::npos)
      << result.cli.out;
  ASSERT_EQ(result.runs.size(), 1u);
  for (const std::vector<std::string>& args : {std::vector<std::string>{"runs", result.runs[0].sweep_id},
                                               {"runs", result.runs[0].sweep_id, "--columns", "id,reason"},
                                               {"show", result.runs[0].id}}) {
    auto shown = RunCli(dir.path(), args);
    EXPECT_EQ(shown.exit_code, 0) << shown.err;
    ExpectNoControlCodes(shown.out);
    EXPECT_NE(shown.out.find("\\x1b]52;c;"), std::string::npos) << shown.out;
    if (args.size() == 2) EXPECT_NE(shown.out.find("p\\x1b[2J"), std::string::npos) << shown.out;
  }
}

TEST(ConsoleEndToEnd, FailureReasonIsTheLastStderrLineAndShowKeepsTheTail) {
  TempDir dir;
  dir.Write("trial.py",
            "import sys\n"
            "print('Traceback (most recent call last):', file=sys.stderr)\n"
            "print('  File \"train.py\", line 1', file=sys.stderr)\n"
            "print(\"ModuleNotFoundError: No module named 'torch'\", file=sys.stderr)\n"
            "print('', file=sys.stderr)\n"
            "sys.exit(1)\n");
  auto result = testing::RunSpec(dir, "program: trial.py\nmethod: grid\nmetric: {name: loss}\nparameters:\n  x:\n    values: [1]\n");
  const std::string headline = "exited with code 1: ModuleNotFoundError: No module named 'torch'";
  EXPECT_NE(result.cli.out.find("(" + headline + ")"), std::string::npos) << result.cli.out;
  auto runs = RunCli(dir.path(), {"runs", result.runs.at(0).sweep_id, "--columns", "id,state,reason"});
  EXPECT_NE(runs.out.find("reason"), std::string::npos) << runs.out;
  EXPECT_NE(runs.out.find(headline), std::string::npos) << runs.out;
  auto show = RunCli(dir.path(), {"show", result.runs.at(0).id});
  EXPECT_NE(show.out.find("Traceback (most recent call last):\n  File \"train.py\", line 1\n"), std::string::npos)
      << show.out;
}

// Waits until the store holds a run in `state`; returns it.
std::optional<RunRecord> WaitForRun(const TempDir& dir, TrialState state) {
  const auto deadline = Clock::now() + kPatience;
  while (Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!std::filesystem::exists(dir / ".sweep/sweep.db")) continue;
    auto store = OpenStore((dir / ".sweep/sweep.db").string());
    if (!store.ok()) continue;
    auto sweeps = (*store)->ListSweeps();
    if (!sweeps.ok() || sweeps->empty()) continue;
    auto runs = (*store)->ListRuns(sweeps->front().id);
    if (!runs.ok()) continue;
    for (const auto& run : *runs)
      if (run.state == state) return run;
  }
  return std::nullopt;
}

TEST(ConsoleEndToEnd, LogsFollowALiveRunUntilItEnds) {
  TempDir dir;
  // The trial prints, then waits for the test to say go, then prints again.
  dir.Write("trial.py",
            "import os, time\n"
            "print('first line', flush=True)\n"
            "while not os.path.exists('go'):\n"
            "    time.sleep(0.05)\n"
            "print('last line', flush=True)\n"
            "print('loss=1', flush=True)\n");
  dir.Write("spec.yaml", "program: trial.py\nmethod: grid\nmetric: {name: loss}\nparameters:\n  x:\n    values: [1]\n");
  const pid_t sweep_pid = testing::SpawnCli(dir.path(), {"run", "spec.yaml"}, "run");
  auto run = WaitForRun(dir, TrialState::kRunning);
  ASSERT_TRUE(run.has_value());
  // Without -f: what is there now, and back at once.
  auto now = RunCli(dir.path(), {"logs", run->id});
  EXPECT_EQ(now.exit_code, 0) << now.err;
  EXPECT_EQ(now.out.find("last line"), std::string::npos) << now.out;
  const pid_t follow_pid = testing::SpawnCli(dir.path(), {"logs", run->id, "-f"}, "follow");
  // Let -f reach the end of what is there, then let the trial go on.
  const auto deadline = Clock::now() + kPatience;
  while (Clock::now() < deadline && testing::ReadFile(dir / "follow.out").find("first line") == std::string::npos) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  dir.Write("go", "");
  EXPECT_EQ(testing::WaitCli(follow_pid), 0) << testing::ReadFile(dir / "follow.err");
  EXPECT_EQ(testing::WaitCli(sweep_pid), 0) << testing::ReadFile(dir / "run.err");
  EXPECT_EQ(testing::ReadFile(dir / "follow.out"), "first line\nlast line\nloss=1\n");
  auto err = RunCli(dir.path(), {"logs", run->id, "--stderr"});
  EXPECT_EQ(err.exit_code, 0);
  EXPECT_EQ(err.out, "");
}

TEST(ConsoleEndToEnd, InterruptedSummarySaysHowToContinue) {
  TempDir dir;
  dir.Write("trial.py", "import time\nprint('loss=1', flush=True)\ntime.sleep(60)\n");
  dir.Write("spec.yaml", "program: trial.py\nmethod: grid\nmetric: {name: loss}\nparameters:\n  x:\n    values: [1, 2]\n");
  const pid_t pid = testing::SpawnCli(dir.path(), {"run", "spec.yaml"}, "run");
  auto run = WaitForRun(dir, TrialState::kRunning);
  ASSERT_TRUE(run.has_value());
  kill(pid, SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  kill(pid, SIGINT);
  EXPECT_EQ(testing::WaitCli(pid), 1);
  const std::string out = testing::ReadFile(dir / "run.out");
  EXPECT_NE(out.find("continue with: sweep resume " + run->sweep_id), std::string::npos) << out;
  EXPECT_NE(out.find("interrupted after 1 run (1 killed) in "), std::string::npos) << out;
}

TEST(ConsoleEndToEnd, MissingProgramIsReportedBeforeAnyTrial) {
  TempDir dir;
  auto result = RunCli(dir.path(), {"run", (dir.Write("spec.yaml", "program: nope.py\nmethod: grid\nparameters:\n  x:\n    values: [1]\n")).string()});
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_NE(result.err.find("program 'nope.py' does not exist"), std::string::npos) << result.err;
  auto store = OpenStore((dir / ".sweep/sweep.db").string());
  if (store.ok()) {
    auto sweeps = (*store)->ListSweeps();
    for (const auto& sweep : *sweeps) EXPECT_TRUE((*store)->ListRuns(sweep.id)->empty());
  }
}

TEST(ConsoleEndToEnd, UnknownNamesAreErrorsWithDidYouMean) {
  TempDir dir;
  dir.Write("trial.py", "print('loss=1 acc=0.5', flush=True)\n");
  auto result = testing::RunSpec(
      dir, "program: trial.py\nmethod: grid\nmetric: {name: loss}\nparameters:\n  x:\n    values: [2, 1]\n");
  ASSERT_EQ(result.cli.exit_code, 0) << result.cli.err;
  const std::string id = result.runs.at(0).sweep_id;
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"runs", id, "--sort", "-metric.los"}, "--sort: no run has the metric 'los'; did you mean 'metric.loss'?"},
      {{"runs", id, "--filter", "metric.acc > 0 and metric.accc < 1"}, "did you mean 'metric.acc'?"},
      {{"runs", id, "--filter", "param.y = 1"}, "--filter: no run has the parameter 'y'"},
      {{"runs", id, "--columns", "id,reasn"}, "did you mean 'reason'?"},
      {{"runs", id, "--group-by", "param.xx"}, "did you mean 'param.x'?"},
      {{"runs", id, "--group-by", "state"}, "is not a parameter"},
      {{"rnus", id}, "unknown command 'rnus'; did you mean 'runs'?"},
      {{"runs", id, "--jsno"}, "unknown flag '--jsno' for `sweep runs`; did you mean '--json'?"},
  };
  for (const auto& c : cases) {
    auto r = RunCli(dir.path(), c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args.back() << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "") << "no partial output";
  }
  auto grouped = RunCli(dir.path(), {"runs", id, "--group-by", "param.x"});
  EXPECT_EQ(grouped.exit_code, 0) << grouped.err;
  // Groups in order of their values (the grid ran x=2 first).
  EXPECT_LT(grouped.out.find("\n1 "), grouped.out.find("\n2 ")) << grouped.out;
  // One column per parameter, the other metrics as columns (a pipe: no width limit to meet).
  auto table = RunCli(dir.path(), {"runs", id});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  const std::string header = table.out.substr(0, table.out.find('\n'));
  EXPECT_EQ(header.rfind("ID        #  STATE     loss  x  DURATION  EXIT  acc  REASON", 0), 0u) << table.out;
  EXPECT_EQ(header.find("PARAMS"), std::string::npos) << table.out;
  // diff leaves out env.command, which differs for every pair of runs, unless asked.
  auto diff = RunCli(dir.path(), {"diff", result.runs.at(0).id, result.runs.at(1).id});
  EXPECT_EQ(diff.exit_code, 0) << diff.err;
  EXPECT_EQ(diff.out.find("env.command"), std::string::npos) << diff.out;
  auto diff_all = RunCli(dir.path(), {"diff", result.runs.at(0).id, result.runs.at(1).id, "--all"});
  EXPECT_NE(diff_all.out.find("env.command"), std::string::npos) << diff_all.out;
  auto sweeps = RunCli(dir.path(), {"sweeps"});
  EXPECT_NE(sweeps.out.find("CRASHED  KILLED  STOPPED"), std::string::npos) << sweeps.out;
}

TEST(ConsoleEndToEnd, SeedsAreShownAsTheUnsignedNumberSeedTakes) {
  TempDir dir;
  dir.Write("trial.py", "print('loss=1', flush=True)\n");
  dir.Write("spec.yaml", "program: trial.py\nmethod: random\nmetric: {name: loss}\nrun_cap: 1\nparameters:\n  x:\n    min: 0.0\n    max: 1.0\n");
  auto result = testing::RunAndRead(dir, {"run", "spec.yaml", "--seed", "18446744073709551615"});
  ASSERT_EQ(result.cli.exit_code, 0) << result.cli.err;
  auto show = RunCli(dir.path(), {"show", result.runs.at(0).id});
  EXPECT_NE(show.out.find("sweep.seed"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("18446744073709551615"), std::string::npos) << show.out;
}

}  // namespace
}  // namespace sweep
