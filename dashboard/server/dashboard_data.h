// DashboardData: everything the dashboard API answers, as JSON text, read
// from one Store (opened read-only by the caller). Each sweep's runs are
// cached and kept current through Store::ListRunsChangedSince, so a request
// reads only what changed since the last one, never a whole sweep again.
// The documents' fields are defined in api_json.h.
//
// Thread-safety: every public method takes one mutex (a Store belongs to one
// thread at a time); safe to call from the HTTP server's worker threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "core/sweep_spec.h"
#include "tracking/claim_history.h"
#include "tracking/store.h"

namespace sweep::dashboard {

// Points per series when the caller does not say: about a wide chart's
// width in pixels; more cannot be seen.
inline constexpr std::size_t kDefaultSeriesPoints = 1500;
// The most a caller may ask for, so one request cannot make the server
// serialize a million points.
inline constexpr std::size_t kMaxSeriesPoints = 20'000;
// A log request without an offset returns the file's last this many bytes,
// and any request at most this many: a tail, not the whole file.
inline constexpr std::uint64_t kLogChunkBytes = 64 * 1024;
// Importance is fitted on at most this many finished runs (evenly spread
// over the sweep), so a 10k-run sweep's page gets it in about a second.
inline constexpr std::size_t kMaxImportanceRuns = 2000;
// Curves the sweep page may ask for at once (the top runs, or a selection).
inline constexpr std::size_t kMaxCurveRuns = 50;

// Points per curve in the report: more than its widest chart shows.
inline constexpr std::size_t kReportCurvePoints = 600;

enum class LogStream { kStdout, kStderr };

struct SweepChanges {
  std::string json;  // {mark, runs: [RunRowJson], count, state, counts, best}
  std::string mark;  // the next mark
  bool any = false;  // whether runs is non-empty
  // The sweep's runs now: a page holding more after merging `runs` had
  // some deleted, and reads the sweep again.
  std::size_t count = 0;
};

// Opens a writable store for one action (`sweep ui --actions`); the
// dashboard's own store stays read-only.
using WriterFactory = std::function<Result<std::unique_ptr<Store>>()>;

class DashboardData {
 public:
  // `open_writer`: where actions write; empty (the default): no actions.
  explicit DashboardData(std::unique_ptr<Store> store, WriterFactory open_writer = {});

  // Whether actions (StopRun) are enabled.
  bool actions_enabled() const { return static_cast<bool>(open_writer_); }
  // POST /api/runs/ID/stop: asks the run's agent to stop it, as `sweep stop`
  // does (Store::RequestStop, through a writer opened for this action and
  // closed again). kConflict when the run already ended, kNotFound for an
  // unknown run, kInvalidInput when actions are off.
  Status StopRun(const std::string& run_id);

  // Reads the newest `max_sweeps` sweeps' runs and writes their runs
  // documents ahead of the first request, so a 10k-run sweep's page opens
  // at the warm cost. Takes the lock per sweep; a request waits at most for
  // one sweep. Returns how many sweeps it warmed.
  std::size_t Warm(std::size_t max_sweeps);

  // GET /api/sweeps: [SweepSummaryJson], newest first.
  Result<std::string> SweepsJson();
  // GET /api/sweeps/ID: {sweep, params, runs, metrics: [keys], mark}; runs
  // as columns (run_columns.h).
  Result<std::string> SweepJson(const std::string& sweep_id);
  // The sweep's runs changed after `mark` (SweepJson's or an earlier
  // SweepChanges'); an empty mark gives every run.
  Result<SweepChanges> Changes(const std::string& sweep_id, const std::string& mark);
  // GET /api/sweeps/ID/filter?q=: {ids} of the runs matching `filter`, the
  // language of `sweep runs --filter` (review::RunFilter); kInvalidInput
  // naming the problem for a bad expression.
  Result<std::string> FilterJson(const std::string& sweep_id, const std::string& filter);
  // GET /api/sweeps/ID/importance: ImportanceJson over the finished runs
  // (at most kMaxImportanceRuns of them); computed without holding the lock.
  Result<std::string> ImportanceJson(const std::string& sweep_id);
  // GET /api/sweeps/ID/curves: {key, curves: {run id: {step, value, time}}}
  // for metric `key` of `run_ids` (at most kMaxCurveRuns), each downsampled
  // to `points`. With an `x_key` (another logged key, e.g. epoch) each point
  // also gets x: that key's value at the point's step, or the last one
  // logged before it (W&B's custom x axis); points before any are left out
  // and the curve is ordered by x.
  Result<std::string> CurvesJson(const std::string& sweep_id, const std::string& key,
                                 const std::vector<std::string>& run_ids, std::size_t points,
                                 const std::string& x_key = "");
  // GET /api/runs/ID: RunDetailJson plus {actions: whether actions are on}.
  Result<std::string> RunJson(const std::string& run_id);
  // GET /api/runs/ID/metrics: {key: {step: [], value: [], time: []}} for
  // every key, each downsampled (LTTB over steps) to `points`.
  Result<std::string> RunMetricsJson(const std::string& run_id, std::size_t points);
  // GET /api/runs/ID/log: {offset, next, size, text} of the run's stdout or
  // stderr from `offset` (the last kLogChunkBytes when absent), at most
  // kLogChunkBytes. A run with no log file yet gives size 0.
  Result<std::string> LogJson(const std::string& run_id, LogStream stream, std::optional<std::uint64_t> offset);

  // GET /api/runs/ID/lineage: {produced: [ArtifactVersionJson], consumed:
  // [ArtifactVersionJson]}: the artifact versions the run logged and those
  // it used (their `producer` the run that logged them), by (project, name,
  // version). Registered model versions are listed on produced versions.
  Result<std::string> RunLineageJson(const std::string& run_id);

  // GET /api/runs/ID/files: RunFilesJson of the run's folder (run_files.h);
  // hashed without holding the lock.
  Result<std::string> RunFilesJson(const std::string& run_id);
  // GET /api/runs/ID/file?path=: the file at `relative` in the run's folder,
  // as ResolveRunFile (run_files.h) finds it; never one outside it.
  Result<std::filesystem::path> RunFile(const std::string& run_id, const std::string& relative);

  // The report: every document the sweep page reads, in one object
  // {snapshot: true, generated, sweeps, sweep, importance, curves}, with the
  // sweep metric's curves of the best `top_curves` runs and every stopped one.
  Result<std::string> SnapshotJson(const std::string& sweep_id, double generated_at, std::size_t top_curves);
  // The same over runs the caller chose (a project's: sweep/run_scope.h),
  // described by a stand-in `record` and `spec`; the runs are not cached.
  Result<std::string> ScopeSnapshotJson(const SweepRecord& record, const SweepSpec& spec, std::vector<RunRecord> runs,
                                        double generated_at, std::size_t top_curves);

 private:
  struct SweepCache {
    SweepRecord record;
    std::optional<SweepSpec> spec;  // nullopt when the stored text no longer parses
    std::string mark;
    ClaimHistory runs;
    // RunColumnsJson of `runs`, written again only after a change.
    std::string runs_json;
    // ImportanceJson's answer, kept until the number of finished runs
    // changes: fitting the forest is the costliest thing the API does.
    std::string importance_json;
    std::size_t importance_finished = 0;
  };

  // The sweep (id, prefix or name) with its runs brought up to date.
  Result<SweepCache*> Refresh(const std::string& sweep_id);
  std::string SweepJsonLocked(SweepCache& cache);
  Result<std::string> SnapshotJsonLocked(SweepCache& cache, const std::string& sweep_json,
                                         const std::string& importance_json, double generated_at,
                                         std::size_t top_curves);
  Result<std::string> CurvesJsonLocked(SweepCache& cache, const std::string& key,
                                       const std::vector<std::string>& run_ids, std::size_t points,
                                       const std::string& x_key = "");

  // The run's folder (empty when it has none).
  Result<std::string> RunDir(const std::string& run_id);

  std::mutex mu_;
  std::unique_ptr<Store> store_;
  WriterFactory open_writer_;
  std::unordered_map<std::string, SweepCache> sweeps_;  // by sweep id
};

}  // namespace sweep::dashboard
