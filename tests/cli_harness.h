// Runs the real `sweep` binary for end-to-end tests and reads what it stored.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/test_support.h"
#include "tracking/store.h"

namespace sweep::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Path of the built `sweep` binary (from SWEEP_BINARY_DIR set by CTest).
std::string SweepBinary();

// Runs `sweep <args...>` in `cwd` and waits for it.
CliResult RunCli(const std::filesystem::path& cwd, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env = {});

// Starts `sweep <args...>` in `cwd` without waiting; stdout/stderr are
// appended to `<cwd>/<log>.out` and `<log>.err` (give processes that run at
// once in one folder distinct logs). Returns the pid.
pid_t SpawnCli(const std::filesystem::path& cwd, const std::vector<std::string>& args,
               const std::string& log = ".cli");
// Waits for a spawned CLI; returns its exit code (128+signal if killed).
int WaitCli(pid_t pid);

// What a sweep command left in `dir`: how it exited, the store and its only
// sweep's runs (empty, with the test failed, when there is no such sweep).
struct SweepCliRun {
  CliResult cli;
  std::unique_ptr<Store> store;
  std::vector<RunRecord> runs;
};
// Runs `sweep <args...>` in `dir` and reads back what it stored.
SweepCliRun RunAndRead(const TempDir& dir, const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {});
// Writes `spec` to spec.yaml in `dir`, then RunAndRead of `sweep run
// spec.yaml <args...>`.
SweepCliRun RunSpec(const TempDir& dir, const std::string& spec, const std::vector<std::string>& args = {},
                    const std::map<std::string, std::string>& env = {});

}  // namespace sweep::testing
