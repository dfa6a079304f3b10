// Runs the real `sweep` binary for end-to-end tests and reads what it stored.
#pragma once

#include <memory>

#include "tracking/store.h"

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace sweep::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Path of the built `sweep` binary (from SWEEP_BINARY_DIR set by CTest).
std::string SweepBinary();
// The repository root (SWEEP_SOURCE_DIR).
std::filesystem::path SourceDir();

// A whole file's bytes ("" when unreadable).
std::string ReadFile(const std::filesystem::path& path);

// A fresh temporary directory removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  // Writes `text` to `name` inside the directory; returns the full path.
  std::filesystem::path Write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

// Runs `sweep <args...>` in `cwd` and waits for it.
CliResult RunCli(const std::filesystem::path& cwd, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env = {});

// Starts `sweep <args...>` in `cwd` without waiting; stdout/stderr go to
// files in cwd. Returns the pid.
pid_t SpawnCli(const std::filesystem::path& cwd, const std::vector<std::string>& args);
// Waits for a spawned CLI; returns its exit code (128+signal if killed).
int WaitCli(pid_t pid);

// The store a CLI run in `dir` wrote (.sweep/sweep.db); fails the test when it
// cannot be opened.
std::unique_ptr<Store> OpenTestStore(const TempDir& dir);
// Every run of the store's only sweep, in number order; fails the test when
// there is not exactly one sweep.
std::vector<RunRecord> OnlySweepRuns(Store& store);

}  // namespace sweep::testing
