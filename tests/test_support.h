// What unit tests (sweep/) and end-to-end tests (tests/) both set up: a
// temporary folder, a store in it, the runs of its sweep, and sweep specs.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tracking/store.h"

namespace sweep::testing {

// The repository root (SWEEP_SOURCE_DIR).
std::filesystem::path SourceDir();
// A test program of tests/programs/, by file name.
std::string Program(const std::string& name);

// A whole file's bytes ("" when unreadable).
std::string ReadFile(const std::filesystem::path& path);

// Polls `condition` every `poll` until it holds (true) or `timeout` has
// passed (false). Timeouts are generous: tests run on loaded machines, so
// callers assert the result instead of carrying on as if it held.
bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
               std::chrono::milliseconds poll = std::chrono::milliseconds(50));

// A fresh temporary directory removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  // Writes `text` to `name` inside the directory; returns the full path.
  std::filesystem::path Write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

// Makes a folder read-only for its lifetime, as a filesystem remounted
// read-only does: a read-only bind mount where this process may mount
// (root), else permissions (which root would ignore). Not thread-safe; the
// folder must outlive the object.
class ReadOnlyFolder {
 public:
  explicit ReadOnlyFolder(const std::filesystem::path& folder);
  ~ReadOnlyFolder();
  ReadOnlyFolder(const ReadOnlyFolder&) = delete;
  ReadOnlyFolder& operator=(const ReadOnlyFolder&) = delete;
  // False where neither works (root without mount rights): nothing to test.
  bool read_only() const;

 private:
  std::filesystem::path folder_;
  bool mounted_ = false;
};

// The store at .sweep/sweep.db in `dir`, where the CLI keeps it by default
// (created when missing); fails the test and returns null when it cannot be
// opened.
std::unique_ptr<Store> OpenTestStore(const TempDir& dir);
// Every run of the store's only sweep, in number order; fails the test when
// there is not exactly one sweep.
std::vector<RunRecord> OnlySweepRuns(Store& store);

// A sweep spec's YAML, built from the parts a test varies, so each test
// states only what matters to it:
//   SpecText("train.py").Minimize("loss").Values("lr", "0.1, 0.2").With("timeout: 10")
class SpecText {
 public:
  explicit SpecText(const std::string& program, const std::string& method = "grid");
  // The sweep metric, minimized, with W&B's `target` when given.
  SpecText& Minimize(const std::string& metric, std::optional<double> target = std::nullopt);
  // Parameters: a categorical `values: [values]`, a constant, a min/max range.
  SpecText& Values(const std::string& name, const std::string& values);
  SpecText& Value(const std::string& name, const std::string& value);
  SpecText& Range(const std::string& name, const std::string& min, const std::string& max);
  // Other top-level YAML (timeout, early_terminate, command, ...), without
  // a final newline.
  SpecText& With(const std::string& yaml);

  std::string str() const { return head_ + metric_ + extra_ + (parameters_.empty() ? "" : "parameters:\n" + parameters_); }
  operator std::string() const { return str(); }  // NOLINT: implicit, to pass it where spec text goes

 private:
  std::string head_, metric_, extra_, parameters_;
};

}  // namespace sweep::testing
