// Store: where sweeps and runs are recorded. The SQLite implementation is the
// embedded default; a PostgreSQL one shares this interface and the same
// conformance tests (tracking/store_conformance_test.cc).
//
// Contract: every method either fully applies or leaves stored data untouched
// (one transaction each). Thread-safety: a Store object is used from one
// thread; several processes may open the same database concurrently and are
// serialized by the database (immediate transactions, busy timeout), never
// surfacing "database is locked" to the caller unless the wait exceeds the
// busy budget.
//
// Durability: a method that returned has committed; its write survives a
// crash of the process. Surviving a power cut (or a kernel crash) needs the
// write on stable storage too, which each store reaches differently (the
// SQLite store only at SyncWrites or when closed; PostgreSQL at commit with
// its default synchronous_commit=on). Callers that report a result to a
// user (a finished run) call SyncWrites first; see sweep/durable_observer.h.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/search_space.h"
#include "core/sweep_spec.h"
#include "core/trial.h"
#include "tracking/artifacts.h"
#include "tracking/model_registry.h"

namespace sweep {

// Agent ids of runs evaluated outside Sweep's agents (`sweep ask`/`tell`).
inline constexpr const char* kExternalAgentPrefix = "external:";

enum class SweepState { kRunning, kFinished, kStopped, kFailed };
std::string_view SweepStateName(SweepState s);
// The inverse of SweepStateName; nullopt for an unknown name.
std::optional<SweepState> ParseSweepState(std::string_view name);

// The project a sweep (or standalone run) goes to when nothing names one.
inline constexpr const char* kDefaultProject = "default";

struct SweepRecord {
  std::string id;  // 8 lowercase base-36 characters, like W&B's
  std::string name;
  std::string project = kDefaultProject;  // every sweep belongs to one (schema v4)
  std::string method;       // "grid" | "random" | "bayes"
  std::string metric_name;  // may be empty
  Goal goal = Goal::kMinimize;
  std::string spec_text;    // the YAML as written
  std::string spec_path;
  std::uint64_t seed = 0;
  SweepState state = SweepState::kRunning;
  double created_at = 0;  // Unix seconds
  double updated_at = 0;
};

struct MetricSummary {
  double last = 0, min = 0, max = 0;
  std::int64_t last_step = 0;
  std::int64_t count = 0;
};

struct RunRecord {
  std::string id;  // 8 lowercase base-36 characters
  std::string sweep_id;
  std::int64_t number = 0;
  std::optional<std::int64_t> grid_index;
  TrialState state = TrialState::kQueued;
  Config params;             // typed values, spec order
  std::vector<std::string> argv;  // the command line as launched
  double created_at = 0, started_at = 0, ended_at = 0;  // 0 = not yet
  std::optional<int> exit_code;
  std::optional<int> signal;
  std::string failure_reason;
  std::string host;
  std::string agent_id;
  int pid = 0;
  std::string run_dir;  // where stdout/stderr/artifacts live
  std::map<std::string, MetricSummary> summary;
  // Key/value metadata: the captured environment (env.*), summary values the
  // program set, artifacts. Not the user's tags: those are `labels`.
  std::map<std::string, std::string> tags;
  // What a person says about the run (schema v4), W&B's run name, tags and
  // notes: the name need not be unique; labels are kept sorted and unique.
  std::string name;
  std::vector<std::string> labels;
  std::string notes;
  bool stop_requested = false;  // `sweep stop`: its agent ends it (RequestStop)
};

// A change to a run's name, notes and labels (UpdateRunLabels). Unset fields
// are left alone; labels are added before they are removed.
struct RunLabelsUpdate {
  std::optional<std::string> name;
  std::optional<std::string> notes;
  std::vector<std::string> add_labels;
  std::vector<std::string> remove_labels;
};

// Which value of a run's metric summary ListTopRuns ranks by.
enum class SummaryStat { kLast, kMin, kMax };

// A run to insert, as decided by the claim callback.
struct NewRun {
  Config params;
  std::optional<std::int64_t> grid_index;
  // The run's id when the caller chose it (W&B's wandb.init(id=...), see
  // IsValidChosenRunId); empty: the store draws one. A chosen id already
  // taken fails the claim with kConflict.
  std::string id = {};
};

// Who is claiming: recorded on the run.
struct ClaimContext {
  std::string host;
  std::string agent_id;
  TrialState initial_state = TrialState::kQueued;
};

// What ListRunsChangedSince returns: the runs that changed after a mark, and
// the mark to pass next time.
struct RunChanges {
  std::vector<RunRecord> runs;  // number order, summaries and tags included
  std::string next_mark;        // opaque; give it back unchanged
  // How many runs the sweep has as of the read: fewer than a reader that
  // folded every change holds means runs were deleted (DeleteRun leaves no
  // change to return), and the reader reads the sweep again in full.
  std::size_t run_count = 0;
};

// Called inside the claim transaction with every run of the sweep in number
// order; returns the run to create, or nullopt for "nothing left to run".
using ProposeFn = std::function<Result<std::optional<NewRun>>(const std::vector<RunRecord>& existing)>;

// How a run ended, written by FinishRun.
struct RunOutcome {
  TrialState state = TrialState::kFinished;
  std::optional<int> exit_code;
  std::optional<int> signal;
  std::string failure_reason;
  double ended_at = 0;
};

class Store {
 public:
  // Closing makes this object's writes durable (see SyncWrites).
  virtual ~Store() = default;

  // --- durability ---
  // Returns once every write this object returned from is on stable storage,
  // so it survives a power cut. The one method that may be called from
  // another thread while the owning thread uses the store (a background
  // group commit). The default suits stores whose commits are durable when
  // they return.
  virtual Status SyncWrites() { return OkStatus(); }

  // --- sweeps ---
  // Inserts `sweep` (its id is generated when empty) and returns it as stored.
  virtual Result<SweepRecord> CreateSweep(SweepRecord sweep) = 0;
  // Looks a sweep up by exact id, unique id prefix, or exact name (newest wins).
  virtual Result<SweepRecord> GetSweep(const std::string& id_or_name) = 0;
  virtual Result<std::vector<SweepRecord>> ListSweeps() = 0;
  virtual Status SetSweepState(const std::string& sweep_id, SweepState state) = 0;
  // Free-form key/value strings on a sweep (e.g. the Slurm jobs serving it,
  // so `sweep status` and `sweep cancel` find them). Upserts each key;
  // kNotFound (nothing written) for an unknown sweep id (exact id only).
  virtual Status SetSweepTags(const std::string& sweep_id, const std::map<std::string, std::string>& tags) = 0;
  // Every tag of the sweep (exact id), by key. kNotFound for an unknown sweep.
  virtual Result<std::map<std::string, std::string>> GetSweepTags(const std::string& sweep_id) = 0;

  // --- runs ---
  // Atomically: reads the sweep's runs, calls `propose`, and inserts what it
  // returns with the next run number. Concurrent claimers (threads or
  // processes) are serialized, so each sees the others' runs; a grid index is
  // never inserted twice for one sweep. Returns nullopt when `propose` does.
  // An error from `propose` aborts the transaction and is returned as is.
  virtual Result<std::optional<RunRecord>> ClaimRun(const std::string& sweep_id, const ProposeFn& propose,
                                                    const ClaimContext& context) = 0;
  // Moves a queued run to running and records how it was launched.
  virtual Status MarkRunStarted(const std::string& run_id, const std::vector<std::string>& argv, int pid,
                                const std::string& run_dir, double started_at) = 0;
  // Writes the terminal state. Refuses (kConflict) if the run is already terminal,
  // so a late writer never overwrites a recorded outcome.
  virtual Status FinishRun(const std::string& run_id, const RunOutcome& outcome) = 0;
  // Takes an ended run (exact id) back to queued, for W&B's resume; the
  // caller then starts it again with MarkRunStarted. Its end (ended_at,
  // exit code, signal, failure reason) and stop request are cleared, `who`
  // becomes its host and agent, its heartbeat restarts (so reapers wait a
  // full timeout); its params, metrics, summaries, tags, name, labels and
  // notes are kept, and later points extend its history. kConflict when it
  // is queued or running (someone is on it), kNotFound for an unknown run.
  virtual Status ReopenRun(const std::string& run_id, const ClaimContext& who) = 0;
  // Looks a run up by exact id or unique id prefix.
  virtual Result<RunRecord> GetRun(const std::string& id_or_prefix) = 0;
  // Every run of a sweep in number order, summaries and tags included.
  virtual Result<std::vector<RunRecord>> ListRuns(const std::string& sweep_id) = 0;
  // The sweep's best `limit` runs by `stat` of metric `key`'s summary, best
  // first per `goal` (ties: lower run number first), ranked by the database so
  // a sweep of 100k runs is not loaded to show its top 20. Runs without the
  // key, or whose value is NaN, are left out. Summaries and tags included.
  // An empty result for limit < 1. kNotFound for an unknown sweep (exact id).
  virtual Result<std::vector<RunRecord>> ListTopRuns(const std::string& sweep_id, const std::string& key,
                                                     SummaryStat stat, Goal goal, int limit) = 0;

  // --- metrics ---
  // Appends points in one transaction and updates the run summary (last/min/max
  // per key). Non-finite values are stored as given.
  virtual Status LogMetrics(const std::string& run_id, const std::vector<MetricPoint>& points) = 0;
  // A run's series for one key (every key when empty), in (key, step, time) order.
  virtual Result<std::vector<MetricPoint>> GetMetrics(const std::string& run_id, const std::string& key) = 0;

  // --- tags: free-form key/value strings on a run (environment, notes) ---
  virtual Status SetTags(const std::string& run_id, const std::map<std::string, std::string>& tags) = 0;
  // Adds params a run reports after it started (a standalone run's
  // `mlflow.log_param`) in one transaction; names the run already has keep
  // their value (a sweep's values are fixed). kNotFound for an unknown run.
  virtual Status AddRunParams(const std::string& run_id, const Config& params) = 0;
  // Applies `update` to the run (exact id) in one transaction, in any state.
  // kNotFound for an unknown run.
  virtual Status UpdateRunLabels(const std::string& run_id, const RunLabelsUpdate& update) = 0;

  // --- housekeeping ---
  // Asks the agent supervising the run (exact id) to stop it: sets
  // RunRecord::stop_requested, which the agent reads with StopRequested.
  // kConflict when the run already ended, kNotFound for an unknown run.
  virtual Status RequestStop(const std::string& run_id) = 0;
  // Which of `run_ids` have a stop request (unknown ids are left out).
  virtual Result<std::vector<std::string>> StopRequested(const std::vector<std::string>& run_ids) = 0;
  // Deletes an ended run (exact id) with its params, metrics, summaries and
  // tags, the artifact versions it produced that no registered model
  // version holds, and its uses of artifacts; its folder (and content no
  // longer referenced: `sweep gc`) is the caller's. kConflict when it is queued or running,
  // kNotFound when unknown. An agent working on the same sweep keeps any copy
  // it had already read (its claim cache) until it restarts.
  virtual Status DeleteRun(const std::string& run_id) = 0;
  // Deletes a sweep (exact id), its tags and all its runs, as DeleteRun does;
  // kConflict (nothing deleted) when any of its runs is queued or running.
  virtual Status DeleteSweep(const std::string& sweep_id) = 0;

  // --- liveness ---
  // Records that the agent supervising `run_ids` is alive at `now` (Unix
  // seconds), in one transaction. kNotFound (and nothing written) when any id
  // is unknown.
  virtual Status Heartbeat(const std::vector<std::string>& run_ids, double now) = 0;
  // Marks every queued or running run of the sweep whose last sign of life
  // (heartbeat, else start, else creation time) is older than `stale_before`
  // as crashed with `reason`, and returns their ids in number order. Used on
  // resume and by agents watching for dead peers. Runs claimed by an agent id
  // starting with kExternalAgentPrefix (`sweep ask`: evaluated outside Sweep,
  // with no heartbeat) are never reaped.
  virtual Result<std::vector<std::string>> ReapStaleRuns(const std::string& sweep_id, double stale_before,
                                                          const std::string& reason) = 0;
  // The sweep's runs in `state`, in number order (like ListRuns, filtered).
  virtual Result<std::vector<RunRecord>> ListRunsByState(const std::string& sweep_id, TrialState state) = 0;

  // --- watching (the dashboard) ---
  // The sweep's runs that changed (state, times, summaries, tags: anything a
  // RunRecord shows; heartbeats aside) after `mark`, a value an earlier call
  // returned as next_mark; an empty mark means every run. Driven by the
  // stores' change stamps, so the cost follows the changes, not the sweep's
  // size. Never misses a change; may return an unchanged run again.
  virtual Result<RunChanges> ListRunsChangedSince(const std::string& sweep_id, const std::string& mark) = 0;

  // --- artifacts (tracking/artifacts.h; the bytes are a ContentStore's) ---
  // Records a version of artifact `v.project`/`v.name`: the next number after
  // its newest, or, when the newest has the same digest (identical files),
  // that version itself with created = false and nothing new but `v.aliases`
  // (W&B's rule). kInvalidInput for a name or type that is empty, a type
  // other than the artifact's, a reserved alias, or no files; kNotFound for
  // an unknown producer run (exact id).
  virtual Result<ArtifactVersion> LogArtifactVersion(const NewArtifactVersion& v) = 0;
  // The version `selector` ("latest", "v<N>" or an alias) of an artifact,
  // files, aliases and consumers included. kNotFound when there is none.
  virtual Result<ArtifactVersion> GetArtifactVersion(const std::string& project, const std::string& name,
                                                     const std::string& selector) = 0;
  // The versions `filter` selects, by (project, name, version), with aliases
  // and consumers but without files.
  virtual Result<std::vector<ArtifactVersion>> ListArtifactVersions(const ArtifactFilter& filter) = 0;
  // Records that run `run_id` (exact id) used the version; idempotent.
  // kNotFound for an unknown run or version.
  virtual Status RecordArtifactUse(std::int64_t version_id, const std::string& run_id) = 0;
  // Every content address some artifact version refers to (for `sweep gc`).
  virtual Result<std::vector<std::string>> ListReferencedContent() = 0;

  // --- model registry (tracking/model_registry.h) ---
  // Creates the next version (1, 2, ...) of registered model `model` (created
  // on first use) pointing at the artifact version, registered from `run_id`,
  // in stage none, with an audit record. kNotFound for an unknown artifact
  // version or run; kInvalidInput for an empty model name.
  virtual Result<ModelVersion> RegisterModelVersion(const std::string& model, std::int64_t artifact_version_id,
                                                    const std::string& run_id, const AuditStamp& stamp) = 0;
  // Moves a version to `stage` with an audit record per moved version.
  // Concurrent promotions are serialized per model: two racing promotions to
  // production without keep_other_production leave exactly one there.
  // kNotFound for an unknown model or version.
  virtual Result<ModelVersion> PromoteModelVersion(const std::string& model, std::int64_t version, ModelStage stage,
                                                   const PromotionOptions& options, const AuditStamp& stamp) = 0;
  // Points `alias` at the version, moving it from any other version of the
  // model, with an audit record. kInvalidInput for an empty alias, "latest"
  // or "v<N>"; kNotFound for an unknown model or version.
  virtual Status SetModelAlias(const std::string& model, std::int64_t version, const std::string& alias,
                               const AuditStamp& stamp) = 0;
  // The model with its versions and audit trail. kNotFound when unknown.
  virtual Result<RegisteredModel> GetRegisteredModel(const std::string& model) = 0;
  // Every registered model by name, versions included, audit trails left out.
  virtual Result<std::vector<RegisteredModel>> ListRegisteredModels() = 0;
};

// Opens (creating and migrating as needed) the store at `location`: a
// "postgresql://" (or "postgres://") URL selects the shared PostgreSQL store
// (tracking/postgres); anything else is a path to a SQLite file, whose parent
// directories are created. A file that is not a Sweep database, is damaged,
// or was written by a newer Sweep (schema version) is refused with an error
// and left unmodified: kIo for a file SQLite cannot read (not a database,
// a damaged header), kInvalidInput for a readable database of another
// application or of a newer Sweep.
Result<std::unique_ptr<Store>> OpenStore(const std::string& location);

// Opens an existing store for reading only (the dashboard): a SQLite file is
// opened read-only (never created, migrated or locked for writing; kNotFound
// when missing, kInvalidInput when its schema is older than this build, which
// any other sweep command upgrades); a PostgreSQL URL opens a session whose
// every transaction is READ ONLY, after checking the schema without
// migrating it (OpenPostgresStoreReadOnly). Write methods on a read-only
// store fail with kIo.
Result<std::unique_ptr<Store>> OpenStoreReadOnly(const std::string& location);

}  // namespace sweep
