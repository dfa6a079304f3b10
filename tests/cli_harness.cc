#include "tests/cli_harness.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

extern char** environ;

namespace sweep::testing {
namespace {

// Truncate for RunCli, which reads one command's output; append for
// SpawnCli, where a restarted process continues its predecessor's log.
enum class Output { kTruncate, kAppend };

pid_t Spawn(const std::filesystem::path& cwd, const std::vector<std::string>& args,
            const std::map<std::string, std::string>& env, const std::filesystem::path& out,
            const std::filesystem::path& err, Output mode) {
  const int flags = O_WRONLY | O_CREAT | (mode == Output::kAppend ? O_APPEND : O_TRUNC);
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(cwd.c_str()) != 0) _exit(126);
    int out_fd = open(out.c_str(), flags, 0644);
    int err_fd = open(err.c_str(), flags, 0644);
    int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<std::string> full = {SweepBinary()};
    full.insert(full.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : full) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

std::string SweepBinary() {
  if (const char* dir = std::getenv("SWEEP_BINARY_DIR"); dir != nullptr) return std::string(dir) + "/bin/sweep";
  return std::string(SWEEP_BUILD_DIR) + "/bin/sweep";
}

CliResult RunCli(const std::filesystem::path& cwd, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env) {
  // Captured output lives outside `cwd`, which may be the source tree.
  static int calls = 0;
  const auto capture = std::filesystem::temp_directory_path() /
                       ("sweep-cli-" + std::to_string(getpid()) + "-" + std::to_string(calls++));
  const auto out = capture.string() + ".out";
  const auto err = capture.string() + ".err";
  pid_t pid = Spawn(cwd, args, env, out, err, Output::kTruncate);
  CliResult result;
  result.exit_code = WaitCli(pid);
  result.out = ReadFile(out);
  result.err = ReadFile(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return result;
}

pid_t SpawnCli(const std::filesystem::path& cwd, const std::vector<std::string>& args, const std::string& log) {
  return Spawn(cwd, args, {}, cwd / (log + ".out"), cwd / (log + ".err"), Output::kAppend);
}

int WaitCli(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

SweepCliRun RunAndRead(const TempDir& dir, const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env) {
  SweepCliRun result;
  result.cli = RunCli(dir.path(), args, env);
  result.store = OpenTestStore(dir);
  if (result.store != nullptr) result.runs = OnlySweepRuns(*result.store);
  return result;
}

SweepCliRun RunSpec(const TempDir& dir, const std::string& spec, const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env) {
  dir.Write("spec.yaml", spec);
  std::vector<std::string> full{"run", "spec.yaml"};
  full.insert(full.end(), args.begin(), args.end());
  return RunAndRead(dir, full, env);
}

}  // namespace sweep::testing
