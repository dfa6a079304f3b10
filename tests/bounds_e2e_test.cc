// End-to-end: untrusted input past the limits (issue 12), through the real
// `sweep` binary. A hostile channel line fails only its run; bombs in specs
// and in `sweep record` input are refused with a clear error, in bounded
// memory, and never crash the process.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "tests/cli_harness.h"
#include "tracking/store.h"

namespace sweep {
namespace {

using testing::OnlySweepRuns;
using testing::OpenTestStore;
using testing::Program;
using testing::ReadFile;
using testing::RunCli;
using testing::TempDir;
using Clock = std::chrono::steady_clock;

constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;

// Runs `command` with /bin/sh in `dir`, stdout and stderr to `<dir>/<log>.out`
// and `.err`; the exit code (128+signal when a signal ended it).
int Shell(const TempDir& dir, const std::string& command, const std::string& log) {
  const std::string full = "cd '" + dir.path().string() + "' && { " + command + " ; } > " + log + ".out 2> " + log +
                           ".err";
  const int status = std::system(full.c_str());
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

std::string Sweep() { return "'" + testing::SweepBinary() + "'"; }

double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Trials x=1..4 each write one 50,000-deep message (finish, summary, config,
// artifact; tests/programs/deep_channel.py); x=5 behaves.
TEST(HostileChannel, DeeplyNestedLinesFailOnlyTheirRunsAndResumeDoesNotRerunThem) {
  TempDir dir;
  dir.Write("spec.yaml", "program: " + Program("deep_channel.py") +
                             "\nmethod: grid\nmetric: {name: loss}\nparameters:\n  x:\n    values: [1, 2, 3, 4, 5]\n");
  auto result = RunCli(dir.path(), {"run", "spec.yaml", "--agents", "3"});
  EXPECT_EQ(result.exit_code, 0) << "the sweep itself completes, with failed runs\n" << result.out << result.err;
  auto store = OpenTestStore(dir);
  ASSERT_NE(store, nullptr);
  auto runs = OnlySweepRuns(*store);
  ASSERT_EQ(runs.size(), 5u);
  for (const auto& run : runs) {
    const std::int64_t x = run.params.at(0).second.as_int();
    SCOPED_TRACE("x=" + std::to_string(x));
    if (x == 5) {
      EXPECT_EQ(run.state, TrialState::kFinished) << run.failure_reason;
    } else {
      EXPECT_EQ(run.state, TrialState::kFailed);
      EXPECT_NE(run.failure_reason.find("metric channel"), std::string::npos) << run.failure_reason;
      EXPECT_NE(run.failure_reason.find("nested deeper than"), std::string::npos) << run.failure_reason;
    }
  }

  const auto started = Clock::now();
  auto resumed = RunCli(dir.path(), {"resume", runs[0].sweep_id});
  EXPECT_LT(resumed.exit_code, 128) << "not killed by a signal\n" << resumed.err;
  EXPECT_LT(SecondsSince(started), 60.0);
  EXPECT_EQ(OnlySweepRuns(*store).size(), 5u) << "the failed runs are not rerun";
}

// The two spec bombs of issue 12, as they were reported.
// ~10 KB: a 10,000-character anchor, then five levels of ten-alias lists
// (1 GB once expanded; 3.3 GB of memory and "ok" before the fix).
std::string ScalarBombSpec() {
  std::string text = "method: grid\nprogram: p.py\nparameters:\n  x:\n    value: &a0 \"" + std::string(10000, 'x') +
                     "\"\n";
  for (int level = 1; level <= 5; ++level) {
    text += "  x" + std::to_string(level) + ":\n    value: &a" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", " : "") + ("*a" + std::to_string(level - 1));
    text += "]\n";
  }
  return text;
}

// ~400 bytes: nine levels of nine aliases (a billion strings; 20 s and
// 5.6 GB before the fix).
std::string NodeBombSpec() {
  std::string text = "method: grid\nprogram: p.py\nparameters:\n  x:\n    value: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n";
  std::string prev = "a";
  for (char c = 'b'; c <= 'i'; ++c) {
    text += "  " + std::string(1, c) + ":\n    value: &" + std::string(1, c) + " [";
    for (int i = 0; i < 9; ++i) text += (i ? "," : "") + ("*" + prev);
    text += "]\n";
    prev = std::string(1, c);
  }
  return text;
}

// Address space for a command under test (`ulimit -v`, KiB): room for the
// binary and its libraries (it runs in under 200 MiB), far less than either
// bomb once expanded or the huge record line held whole.
constexpr int kMemoryLimitKib = 512 * 1024;

std::string Limited(const std::string& command) {
  return "ulimit -v " + std::to_string(kMemoryLimitKib) + " && " + command;
}

TEST(SpecBombs, RefusedWithAPositionExitTwoInBoundedMemory) {
  TempDir dir;
  dir.Write("scalars.yaml", ScalarBombSpec());
  dir.Write("nodes.yaml", NodeBombSpec());
  EXPECT_LT(std::filesystem::file_size(dir / "nodes.yaml"), 500u);
  for (const std::string name : {"scalars", "nodes"}) {
    for (const std::string command : {"validate", "create", "run"}) {
      SCOPED_TRACE(name + " " + command);
      const auto started = Clock::now();
      const int code = Shell(dir, Limited(Sweep() + " " + command + " " + name + ".yaml"), "bomb");
      const std::string err = ReadFile(dir / "bomb.err");
      EXPECT_EQ(code, kExitBadInput) << err;
      EXPECT_NE(err.find(name + ".yaml:"), std::string::npos) << err;
      EXPECT_NE(err.find("counting each alias as a copy of what it names"), std::string::npos) << err;
      EXPECT_LT(SecondsSince(started), 30.0);
    }
  }
  EXPECT_FALSE(std::filesystem::exists(dir / ".sweep/sweep.db")) << "nothing was stored";
}

TEST(SpecBombs, AStoredBombIsAnErrorWhenReadBack) {
  // A store written before the limits existed may hold one; reading it back
  // (report, agent, resume) is bounded the same way.
  TempDir dir;
  {
    auto store = OpenTestStore(dir);
    ASSERT_NE(store, nullptr);
    SweepRecord record;
    record.name = "old";
    record.method = "grid";
    record.spec_text = NodeBombSpec();
    record.spec_path = (dir / "old.yaml").string();
    ASSERT_TRUE(store->CreateSweep(record).ok());
  }
  const int code = Shell(dir, Limited(Sweep() + " report old"), "report");
  const std::string err = ReadFile(dir / "report.err");
  EXPECT_EQ(code, kExitFailure) << err;
  EXPECT_NE(err.find("no longer parses"), std::string::npos) << err;
  EXPECT_NE(err.find("counting each alias as a copy of what it names"), std::string::npos) << err;
}

// `sweep record` with `input` on stdin; its exit code.
int Record(const TempDir& dir, const std::string& input_command, const std::string& config_json,
           const std::string& log) {
  return Shell(dir, input_command + " | (" + Limited(Sweep() + " record --name r --config-json '" + config_json + "'") +
                        ")",
               log);
}

TEST(RecordLimits, AHugeLineIsNotHeldWholeAndFailsTheRun) {
  TempDir dir;
  // 400 MB without a newline, then a finish: far past the address space left
  // once the binary is loaded, if the line were held whole.
  const std::string input = "{ printf '{\"t\":\"log\",\"step\":0,\"data\":{\"loss\":1}}\\n'; "
                            "head -c 400000000 /dev/zero | tr '\\0' x; "
                            "printf '\\n{\"t\":\"finish\",\"exit_code\":0}\\n'; }";
  const int code = Record(dir, input, "{}", "huge");
  EXPECT_EQ(code, 0) << ReadFile(dir / "huge.err");
  auto store = OpenTestStore(dir);
  auto runs = OnlySweepRuns(*store);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state, TrialState::kFailed);
  EXPECT_NE(runs[0].failure_reason.find("a line longer than the limit"), std::string::npos) << runs[0].failure_reason;
  EXPECT_EQ(runs[0].summary.at("loss").count, 1) << "what came before is kept";
}

TEST(RecordLimits, ConfigJsonErrorsAreClear) {
  TempDir dir;
  const std::string deep = std::string(50000, '[') + std::string(50000, ']');
  const struct {
    std::string json, expected;
  } cases[] = {
      {R"({"a.b":1,"a":{"b":2}})", "configuration key 'a.b' is given twice"},
      {R"({"k":"x\u0000y"})", "contains a NUL character"},
      {"{\"a\":" + deep + "}", "nested deeper than"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.expected);
    const int code = Record(dir, "printf ''", c.json, "config");
    const std::string err = ReadFile(dir / "config.err");
    EXPECT_EQ(code, kExitBadInput) << err;
    EXPECT_NE(err.find(c.expected), std::string::npos) << err;
    EXPECT_EQ(err.find("UNIQUE"), std::string::npos) << err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / ".sweep/sweep.db")) << "nothing was stored";
}

}  // namespace
}  // namespace sweep
