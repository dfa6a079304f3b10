// End-to-end hostile input (issue 7): broken specs, wild trial output and a
// broken store, each through the real `sweep` binary. None may crash or hang
// it, each gets a clear message and exit code, and stored data stays intact.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/cli_harness.h"
#include "tracking/store.h"

namespace sweep {
namespace {

using testing::ReadFile;
using testing::RunCli;
using testing::TempDir;
using Clock = std::chrono::steady_clock;

// The bytes and modification time of every file under `dir`: a store that
// was "not touched" compares equal before and after.
std::map<std::string, std::pair<std::string, std::int64_t>> Snapshot(const std::filesystem::path& dir) {
  std::map<std::string, std::pair<std::string, std::int64_t>> files;
  if (!std::filesystem::exists(dir)) return files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    struct stat st {};
    stat(e.path().c_str(), &st);
    files[e.path().string()] = {ReadFile(e.path()),
                                static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
  }
  return files;
}

constexpr int kExitBadInput = 2;
constexpr int kExitFailure = 1;

struct BadSpec {
  std::string name;
  std::string text;
  std::string expected;  // a word the message must contain
};

std::vector<BadSpec> BadSpecs() {
  const std::string head = "program: p.py\nmethod: grid\n";
  std::string huge = "program: p.py\nmethod: grid\nparameters:\n  x:\n    values: [";
  // A 10 MB spec: a long list, with an error at its very end.
  constexpr std::size_t kHugeSpecBytes = 10 * 1024 * 1024;
  while (huge.size() < kHugeSpecBytes) huge += "1000000, ";
  huge += "1]\n  y:\n    min: 5\n    max: 1\n";
  return {
      {"malformed_yaml", head + "parameters:\n  x: {values: [1, 2\n", ""},
      {"wrong_type", head + "parameters:\n  x:\n    min: abc\n    max: 2\n", "min"},
      {"unknown_key", head + "parameters:\n  x:\n    valuez: [1]\n", "valuez"},
      {"min_not_below_max", head + "parameters:\n  x:\n    min: 3\n    max: 3\n", "less than"},
      {"empty_values", head + "parameters:\n  x:\n    values: []\n", "values"},
      {"nan_bound", "program: p.py\nmethod: random\nparameters:\n  x:\n    min: .nan\n    max: 1.0\n", ""},
      {"huge_number", "program: p.py\nmethod: random\nparameters:\n  x:\n    min: 0\n    max: 1e400\n", ""},
      {"non_utf8", head + "parameters:\n  x:\n    values: [\"\xff\xfe\xc3\x28\"]\n", ""},
      // A spec without `program` is valid, as in W&B (wandb.agent runs it in-process):
      // SpecParser.ProgramLessSpecIsAccepted and tests/wandb_compat cover it.
      {"ten_megabytes", huge, "less than"},
  };
}

TEST(HostileSpec, EachGetsFileLineColumnExitTwoAndTheStoreIsUntouched) {
  TempDir dir;
  dir.Write("good.yaml", "program: p.py\nmethod: grid\nparameters:\n  x:\n    values: [1]\n");
  ASSERT_EQ(RunCli(dir.path(), {"create", "good.yaml"}).exit_code, 0);
  const auto before = Snapshot(dir / ".sweep");
  ASSERT_FALSE(before.empty());
  TempDir fresh;  // no store at all: a bad spec must not create one

  for (const auto& bad : BadSpecs()) {
    SCOPED_TRACE(bad.name);
    const std::string file = bad.name + ".yaml";
    dir.Write(file, bad.text);
    fresh.Write(file, bad.text);
    const std::regex position(std::regex_replace(file, std::regex("\\."), "\\.") + ":[0-9]+:[0-9]+");
    for (const std::string command : {"run", "create", "validate"}) {
      const auto started = Clock::now();
      auto result = RunCli(dir.path(), {command, file});
      EXPECT_EQ(result.exit_code, kExitBadInput) << command << "\n" << result.out << result.err;
      EXPECT_TRUE(std::regex_search(result.err, position)) << command << ": " << result.err.substr(0, 2000);
      if (!bad.expected.empty()) {
        EXPECT_NE(result.err.find(bad.expected), std::string::npos) << result.err.substr(0, 2000);
      }
      EXPECT_LT(result.err.size(), 4096u) << "one clear message, not a dump";
      EXPECT_LT(std::chrono::duration<double>(Clock::now() - started).count(), 30.0);
    }
    EXPECT_EQ(RunCli(fresh.path(), {"run", file}).exit_code, kExitBadInput);
    EXPECT_FALSE(std::filesystem::exists(fresh / ".sweep"));
  }
  EXPECT_TRUE(Snapshot(dir / ".sweep") == before) << "a rejected spec modified the store";
}

// A trial that writes `python` as its program body, then reports loss=1
// unless the body itself reports it.
struct WildOutput {
  std::string name;
  std::string python;
  TrialState expected_state;
  std::string expected_reason;
};

TEST(HostileTrialOutput, NeverCrashesOrHangsAndNaNFailsTheRun) {
  const std::vector<WildOutput> cases = {
      {"garbage", "w(b'%$#@!loss==x=\\x00\\n=== ==1 \\n' * 1000)\nw(b'loss=1\\n')", TrialState::kFinished, ""},
      {"binary", "w(bytes(range(256)) * 4096)\nw(b'\\nloss=1\\n')", TrialState::kFinished, ""},
      {"ten_mb_line", "w(b'a' * (10 * 1024 * 1024) + b'\\n')\nw(b'loss=1\\n')", TrialState::kFinished, ""},
      {"ten_mb_metric_line", "w(b'loss=1 ' + b'x' * (10 * 1024 * 1024) + b'\\n')\nw(b'loss=1\\n')",
       TrialState::kFinished, ""},
      {"million_lines", "w(b'not a metric\\n' * 1000000)\nw(b'loss=1\\n')", TrialState::kFinished, ""},
      // Not a metric line as a whole (issue 18's rule): logged, and the next line reports.
      {"invalid_utf8", "w(b'loss=1 name=\\xff\\xfe\\xc3\\x28 \\xed\\xa0\\x80=2\\n')\nw(b'loss=1\\n')",
       TrialState::kFinished, ""},
      {"nan", "w(b'loss=nan\\n')", TrialState::kFailed, "NaN"},
      {"inf", "w(b'loss=inf\\n')", TrialState::kFailed, "infinite"},
  };
  TempDir dir;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    dir.Write(c.name + ".py", "import os\ndef w(b):\n    os.write(1, b)\n" + c.python + "\n");
    dir.Write(c.name + ".yaml",
              "name: " + c.name + "\nprogram: " + c.name + ".py\nmethod: grid\nmetric: {name: loss}\nparameters:\n  x:\n    value: 1\n");
    const auto started = Clock::now();
    auto result = RunCli(dir.path(), {"run", c.name + ".yaml"});
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    EXPECT_LT(seconds, 60.0);
    EXPECT_EQ(result.exit_code, c.expected_state == TrialState::kFinished ? 0 : kExitFailure)
        << result.out << result.err.substr(0, 2000);
    auto store = OpenStore((dir / ".sweep/sweep.db").string());
    ASSERT_TRUE(store.ok());
    auto sweep = (*store)->GetSweep(c.name);
    ASSERT_TRUE(sweep.ok()) << sweep.error().message;
    auto runs = (*store)->ListRuns(sweep->id);
    ASSERT_TRUE(runs.ok());
    ASSERT_EQ(runs->size(), 1u);
    EXPECT_EQ((*runs)[0].state, c.expected_state) << (*runs)[0].failure_reason;
    EXPECT_NE((*runs)[0].failure_reason.find(c.expected_reason), std::string::npos) << (*runs)[0].failure_reason;
  }
}

// Runs `sweep <args>` in `cwd` with the file size limit `fsize_bytes`
// (`ulimit -f`), SIGXFSZ left at its default so the binary must handle it.
testing::CliResult RunWithFileSizeLimit(const std::filesystem::path& cwd, const std::vector<std::string>& args,
                                        rlim_t fsize_bytes) {
  const auto out = cwd / ".limited_stdout";
  const auto err = cwd / ".limited_stderr";
  std::vector<std::string> full = {testing::SweepBinary()};
  full.insert(full.end(), args.begin(), args.end());
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(cwd.c_str()) != 0) _exit(126);
    int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    signal(SIGXFSZ, SIG_DFL);
    rlimit limit{fsize_bytes, fsize_bytes};
    setrlimit(RLIMIT_FSIZE, &limit);
    std::vector<char*> argv;
    for (auto& a : full) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  testing::CliResult result;
  result.exit_code = testing::WaitCli(pid);
  result.out = ReadFile(out);
  result.err = ReadFile(err);
  return result;
}

std::string GridSpec(const std::string& values) {
  return "program: ok.py\nmethod: grid\nmetric: {name: loss}\nparameters:\n  x:\n    values: [" + values + "]\n";
}

// Reads every run of every sweep back; the count of finished runs.
int FinishedRunsReadable(const std::filesystem::path& db) {
  auto store = OpenStore(db.string());
  EXPECT_TRUE(store.ok()) << store.error().message;
  if (!store.ok()) return -1;
  auto sweeps = (*store)->ListSweeps();
  EXPECT_TRUE(sweeps.ok());
  int finished = 0;
  for (const auto& s : *sweeps) {
    auto runs = (*store)->ListRuns(s.id);
    EXPECT_TRUE(runs.ok());
    for (const auto& r : *runs) finished += r.state == TrialState::kFinished;
  }
  return finished;
}

TEST(StoreProblems, UnwritableLocationIsAClearErrorExitOne) {
  TempDir dir;
  dir.Write("ok.py", "print('loss=1')\n");
  dir.Write("spec.yaml", GridSpec("1"));
  dir.Write("not_a_dir", "a file where the store's folder should be");
  // Root ignores permission bits, so these are places nobody can write.
  for (const std::string& store : {(dir / "not_a_dir/sweep.db").string(), std::string("/proc/sweep-test/sweep.db")}) {
    SCOPED_TRACE(store);
    auto result = RunCli(dir.path(), {"run", "spec.yaml", "--store", store});
    EXPECT_EQ(result.exit_code, kExitFailure) << result.out << result.err;
    EXPECT_NE(result.err.find("sweep: error:"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find(store.substr(0, store.rfind('/'))), std::string::npos) << "names the place: " << result.err;
  }
}

TEST(StoreProblems, FullDiskIsAClearErrorAndEarlierRunsStayReadable) {
  TempDir dir;
  dir.Write("ok.py", "print('loss=1')\n");
  dir.Write("small.yaml", GridSpec("1, 2, 3"));
  ASSERT_EQ(RunCli(dir.path(), {"run", "small.yaml"}).exit_code, 0);
  const auto db = dir / ".sweep/sweep.db";
  ASSERT_EQ(FinishedRunsReadable(db), 3);

  // Room for little more than what is stored: the next sweep's writes fail.
  std::string values;
  for (int i = 0; i < 2000; ++i) values += (i ? ", " : "") + std::to_string(i);
  dir.Write("big.yaml", GridSpec(values));
  const rlim_t limit = std::filesystem::file_size(db) + 4096;
  const auto started = Clock::now();
  auto result = RunWithFileSizeLimit(dir.path(), {"run", "big.yaml", "--agents", "4"}, limit);
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - started).count(), 120.0);
  EXPECT_EQ(result.exit_code, kExitFailure) << "not killed by SIGXFSZ (153), a clear error\n"
                                            << result.out.substr(0, 2000) << result.err;
  EXPECT_NE(result.err.find("sweep: error:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("file size limit"), std::string::npos) << "says why: " << result.err;
  EXPECT_GE(FinishedRunsReadable(db), 3) << "what was stored before stays readable";
}

// SQLite's file header: the 16-byte magic string, then page size, format
// versions and the rest, 100 bytes in all.
constexpr std::size_t kSqliteMagicBytes = 16;
constexpr std::size_t kSqliteHeaderBytes = 100;

// Runs a small sweep in `dir`, then scribbles over bytes [from, to) of its
// store, .sweep/sweep.db.
void RunThenDamageStore(const TempDir& dir, std::size_t from, std::size_t to) {
  dir.Write("ok.py", "print('loss=1')\n");
  dir.Write("spec.yaml", GridSpec("1, 2"));
  ASSERT_EQ(RunCli(dir.path(), {"run", "spec.yaml"}).exit_code, 0);
  const auto db = dir / ".sweep/sweep.db";
  std::string bytes = ReadFile(db);
  ASSERT_GT(bytes.size(), to);
  for (std::size_t i = from; i < to; ++i) bytes[i] = static_cast<char>(0xA5);
  std::ofstream(db, std::ios::binary | std::ios::trunc) << bytes;
}

// A damaged header is a failure of the store, not bad input: the command the
// user typed was fine, so it exits 1 (README "Exit codes"), says which file,
// and leaves every byte of the store as it was.
TEST(StoreProblems, DamagedHeaderIsAFailureExitOneAndTheStoreIsLeftAlone) {
  struct Damage {
    std::string name;
    std::size_t from, to;  // the bytes overwritten
  };
  // Over the magic the file is no longer recognizable as SQLite; past it
  // SQLite itself rejects the header.
  for (const Damage& damage : {Damage{"magic", 0, kSqliteMagicBytes},
                               Damage{"rest of the header", kSqliteMagicBytes, kSqliteHeaderBytes}}) {
    SCOPED_TRACE(damage.name);
    TempDir dir;
    ASSERT_NO_FATAL_FAILURE(RunThenDamageStore(dir, damage.from, damage.to));
    const auto before = Snapshot(dir / ".sweep");

    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"runs", "abc"}, std::vector<std::string>{"sweeps"},
          std::vector<std::string>{"run", "spec.yaml"}}) {
      SCOPED_TRACE(args[0]);
      auto result = RunCli(dir.path(), args);
      EXPECT_EQ(result.exit_code, kExitFailure) << result.out << result.err;
      EXPECT_NE(result.err.find("sweep: error: .sweep/sweep.db is damaged or not a database"), std::string::npos)
          << "names the file and says what is wrong: " << result.err;
    }
    EXPECT_TRUE(Snapshot(dir / ".sweep") == before) << "a damaged store is left as it was";
  }
}

TEST(StoreProblems, DamagedPagesAreAnErrorExitOneNotACrash) {
  TempDir dir;
  // A valid header over scribbled table pages (SQLite's default page size).
  constexpr std::size_t kPage = 4096, kDamagedPages = 3;
  ASSERT_NO_FATAL_FAILURE(RunThenDamageStore(dir, kPage, kPage * (kDamagedPages + 1)));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"sweeps"}, std::vector<std::string>{"run", "spec.yaml"}}) {
    SCOPED_TRACE(args[0]);
    auto result = RunCli(dir.path(), args);
    EXPECT_EQ(result.exit_code, kExitFailure) << result.out << result.err;
    EXPECT_NE(result.err.find("malformed"), std::string::npos) << result.err;
  }
}

}  // namespace
}  // namespace sweep
