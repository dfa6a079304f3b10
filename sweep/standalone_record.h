// Standalone tracking (`sweep record`, clients/PROTOCOL.md): a run recorded
// outside any sweep, from the channel messages a client streams on stdin.
//
// The run belongs to a sweep named after the project (method "manual", no
// spec), created on first use and reused by name afterwards, so plain
// experiment runs show up in `sweep sweeps`/`runs`/`show` like any other.
// Lines are parsed with the agents' MetricChannelParser (the same protocol as
// inside a sweep), points are written in batches, summary/config/artifact
// messages become tags (channel_tags.h), and artifacts, which name the
// original file in this mode, are copied into the run's folder and verified.
#pragma once

#include <cstddef>
#include <filesystem>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agents/metric_channel.h"
#include "core/result.h"
#include "core/search_space.h"
#include "tracking/store.h"

namespace sweep {

// The sweep standalone runs go to when the client names no project.
inline constexpr const char* kStandaloneProject = "standalone";
// SweepRecord::method of those sweeps: runs are started by hand, not proposed.
inline constexpr const char* kManualMethod = "manual";
// Tag holding the name the script gave its run.
inline constexpr const char* kRunNameTag = "name";
// Points buffered before one LogMetrics transaction (same trade-off as the
// controller's flush batch: large enough to amortize the commit).
inline constexpr std::size_t kRecordFlushBatch = 8192;

// A JSON object of parameters as a Config: typed values, nested objects
// flattened to dotted names ("model": {"depth": 4} -> "model.depth" = 4).
// kInvalidInput, saying what, for: not an object, JSON past the limits (a
// channel line's size, kMaxJsonDepth), two keys that flatten to one name
// ({"a.b": 1, "a": {"b": 2}}), a NUL character in a key or text value.
Result<Config> ConfigFromJsonObject(std::string_view json);

struct StandaloneRunOptions {
  std::string project = kStandaloneProject;
  std::string name;
  Config params;
  std::filesystem::path runs_root;  // the run's folder is runs_root/<run id>
  std::vector<std::string> argv;    // recorded as the run's command line
  std::string host;
  std::string agent_id;
  int pid = 0;                      // the process being tracked (the script)
  // Record into this existing, not yet ended run (one `sweep ask` claimed for
  // the wandb module's in-process agent) instead of creating one; `project`
  // is then unused.
  std::string existing_run_id;
};

// A finish message's "reason" (why an in-process run failed: the exception)
// is kept up to this many bytes in the run's failure reason.
inline constexpr std::size_t kMaxFinishReasonBytes = 2000;

// Counters of what a recording did not store, for the command to report.
struct RecordStats {
  std::size_t points = 0;
  std::size_t bad_lines = 0;
  std::size_t rejected_messages = 0;  // malformed tags, unreadable or mismatched artifacts
};

class StandaloneRecorder {
 public:
  // Creates (or reuses) the project's sweep and a running run in it, or
  // attaches to options.existing_run_id (kInvalidInput if it has ended).
  static Result<StandaloneRecorder> Start(Store& store, const StandaloneRunOptions& options);

  // Handles one channel line. Errors are store failures only; a bad line or
  // message is counted and skipped (the script's problem, never fatal). A
  // line past the channel's limits (metric_channel.h) fails the run at Finish.
  Status HandleLine(std::string_view line, double now);
  // Reads lines until EOF, then nothing else; call Finish afterwards. Memory
  // stays bounded whatever the input: a line is cut at kMaxChannelLineBytes.
  Status Consume(std::istream& in);
  // Flushes and writes the terminal state: finished if a finish message with
  // exit_code 0 arrived and no line broke the channel's limits, else failed
  // with the reason.
  Status Finish(double now);

  const RunRecord& run() const { return run_; }
  const RecordStats& stats() const { return stats_; }
  // Warnings for the command to print (rejected artifacts and the like).
  std::vector<std::string> TakeWarnings();

 private:
  StandaloneRecorder(Store& store, RunRecord run) : store_(&store), run_(std::move(run)) {}
  Status Flush();
  Status HandleMessage(const ChannelMessage& message);
  Result<ChannelMessage> CopyArtifact(const ChannelMessage& message);

  Store* store_;
  RunRecord run_;
  MetricChannelParser parser_;
  std::vector<MetricPoint> pending_;
  std::optional<int> finish_code_;
  std::string limit_error_;  // the first line past the channel's limits, why
  std::string finish_reason_;  // the finish message's "reason", bounded
  RecordStats stats_;
  std::vector<std::string> warnings_;
};

}  // namespace sweep
