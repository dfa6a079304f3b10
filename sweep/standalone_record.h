// Standalone tracking (`sweep record`, clients/PROTOCOL.md): a run recorded
// outside any sweep, from the channel messages a client streams on stdin.
//
// The run belongs to its project and to no sweep; in the store it lives in
// the project's one "manual" sweep (no spec, named after the project),
// created on first use, so plain experiment runs show up in `sweep runs`,
// `show`, `report` like any other. The manual sweep is `running` while one of
// its runs is, else `finished`. Lines are parsed with the agents'
// MetricChannelParser (the same protocol as inside a sweep), points are
// written in batches, summary/config/artifact messages become tags
// (channel_tags.h), "run" messages name and label the run
// (run_info_message.h), and artifacts, which name the original file in this
// mode, are copied into the run's folder and verified.
//
// How it ends: `finished` after a finish message with exit code 0; `failed`
// after one with another code (its "reason", the traceback's last line, as
// the failure reason); `crashed` when the stream ends without one (the
// script was killed). If the recorder itself dies, the run's agent id
// (this process) and its heartbeat let the next recorder or agent mark it
// crashed (sweep/reaper.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
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

// SweepRecord::method of the sweep holding a project's standalone runs: runs
// are started by hand, not proposed.
inline constexpr const char* kManualMethod = "manual";
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
  std::string project = kDefaultProject;
  std::string name;
  std::vector<std::string> labels;  // the user's tags
  std::string notes;
  Config params;
  std::filesystem::path runs_root;  // the run's folder is runs_root/<run id>
  std::vector<std::string> argv;    // recorded as the run's command line: the script's
  std::string host;
  std::string agent_id;
  int pid = 0;                      // the process being tracked (the script)
  // Environment tags (EnvironmentCapture), the git diff (saved as
  // diff.patch) and the interpreter's packages (saved as requirements.txt).
  std::map<std::string, std::string> environment;
  std::string git_diff;
  std::string requirements;
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
  // Creates (or reuses) the project's manual sweep and a running run in it,
  // or attaches to options.existing_run_id (kInvalidInput if it has ended);
  // either way with its name, labels, notes and environment. Runs of the
  // manual sweep whose recorder died are marked crashed first (ReapDeadRuns).
  static Result<StandaloneRecorder> Start(Store& store, const StandaloneRunOptions& options);

  // Handles one channel line. Errors are store failures only; a bad line or
  // message is counted and skipped (the script's problem, never fatal). A
  // line past the channel's limits (metric_channel.h) fails the run at Finish.
  Status HandleLine(std::string_view line, double now);
  // Reads lines until EOF, then nothing else; call Finish afterwards. Memory
  // stays bounded whatever the input: a line is cut at kMaxChannelLineBytes.
  Status Consume(std::istream& in);
  // Reads lines from `fd` until EOF; call Finish afterwards. Meanwhile it
  // beats the run's heartbeat and, when `sweep stop` asked for it
  // (Store::StopRequested), sends the script SIGTERM, then SIGKILL after
  // `kill_grace`; such a run ends killed, "stopped by the user".
  struct Timers {
    std::chrono::milliseconds heartbeat{10000};
    std::chrono::milliseconds stop_poll{2000};
    std::chrono::milliseconds kill_grace{10000};
  };
  Status ConsumeFd(int fd, const Timers& timers);
  // Flushes, writes the terminal state (see the top of this file; a line
  // past the channel's limits fails the run) and sets the manual sweep's
  // state (a run attached to a real sweep leaves that to its controller).
  Status Finish(double now);

  const RunRecord& run() const { return run_; }
  const RecordStats& stats() const { return stats_; }
  // Warnings for the command to print (rejected artifacts and the like).
  std::vector<std::string> TakeWarnings();

 private:
  StandaloneRecorder(Store& store, RunRecord run, bool adds_params)
      : store_(&store), run_(std::move(run)), adds_params_(adds_params) {}
  Status Flush();
  Status HandleMessage(const ChannelMessage& message);
  // A config message: its names the run lacks become params (a run that
  // logs params after it started: `mlflow.log_param`). kInvalidInput for a
  // malformed configuration.
  Status AddConfigParams(const ChannelMessage& message);
  // A line from the LineSplitter: HandleLine, or for a line past
  // kMaxChannelLineBytes a bad line that fails the run (limit_error_).
  Status HandleSplitLine(std::string_view line, bool oversized);
  // The periodic work of ConsumeFd: heartbeat, stop requests, the SIGKILL after the grace.
  Status OnTimers(const Timers& timers, std::chrono::steady_clock::time_point& last_beat,
                  std::chrono::steady_clock::time_point& last_stop_poll);
  Result<ChannelMessage> CopyArtifact(const ChannelMessage& message);

  Store* store_;
  RunRecord run_;
  // Whether config messages add params: for a run this recorder created, not
  // for a sweep's run it attached to (the sweep fixed that run's params).
  bool adds_params_;
  MetricChannelParser parser_;
  std::vector<MetricPoint> pending_;
  std::optional<int> finish_code_;
  std::string limit_error_;  // the first line past the channel's limits, why
  std::string finish_reason_;  // the finish message's "reason", bounded
  std::optional<std::chrono::steady_clock::time_point> stop_sent_at_;  // SIGTERM sent for `sweep stop`
  bool kill_sent_ = false;
  RecordStats stats_;
  std::vector<std::string> warnings_;
};

}  // namespace sweep
