// SqliteStore: the Store that OpenSqliteStore (tracking/sqlite_store.h)
// returns. Private to tracking/: the class is split over sqlite_store*.cc by
// concern (opening and shared lookups; sweeps; tags; claims; the run
// lifecycle; run queries; metrics), and this header is what they share.
//
// Thread-safety: none, but for SyncWrites; a SqliteStore belongs to one
// thread, like its Database. Processes share the file safely: every read runs in one read
// transaction and every write in BEGIN IMMEDIATE (see Read and Write).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/wall_clock.h"
#include "tracking/claim_history.h"
#include "tracking/ids.h"
#include "tracking/sqlite_db.h"
#include "tracking/sqlite_schema.h"
#include "tracking/sqlite_sql_session.h"
#include "tracking/store.h"

namespace sweep::sqlite {

// runs.changed_seq starts at 0 (schema v3), so "changed after -1" is every run.
constexpr std::int64_t kNoStamp = -1;

// Which runs a load reads: one WHERE clause over `runs r` each, binding ?1
// (and ?2 for kSweepChangedSince).
enum class RunSet { kSweep, kOneRun, kSweepChangedSince };

// A run's stored summary of one metric key (sqlite_store_metrics.cc).
struct SummaryRow;

// A file of kDiskReserveBytes beside the store (<store>.reserve), created
// when the store is opened for writing, deleted when a run's end cannot be
// written (a full disk), so that write can succeed: no run is left `running`
// by a full disk. Re-created by the next open once there is space.
inline constexpr std::uintmax_t kDiskReserveBytes = 1u << 20;
void KeepDiskReserve(const std::string& store_path);
// Deletes the reserve; true when there was one to give back.
bool ReleaseDiskReserve(const std::string& store_path);

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<Database> db)
      : db_(std::move(db)), sql_(*db_), wal_sync_(std::make_unique<WalSync>(db_->path())) {}
  // Syncs what this object wrote (SyncWrites), so a command's result is
  // durable when the command exits even while other connections keep the
  // log open (the last connection's close would checkpoint it anyway).
  ~SqliteStore() override;

  // Durability (sqlite_store.cc): fdatasync of the write-ahead log.
  Status SyncWrites() override;

  // Sweeps (sqlite_store_sweeps.cc).
  Result<SweepRecord> CreateSweep(SweepRecord sweep) override;
  Result<SweepRecord> GetSweep(const std::string& id_or_name) override;
  Result<std::vector<SweepRecord>> ListSweeps() override;
  Status SetSweepState(const std::string& sweep_id, SweepState state) override;

  // Tags of sweeps and runs (sqlite_store_tags.cc).
  Status SetSweepTags(const std::string& sweep_id, const std::map<std::string, std::string>& tags) override;
  Result<std::map<std::string, std::string>> GetSweepTags(const std::string& sweep_id) override;
  Status SetTags(const std::string& run_id, const std::map<std::string, std::string>& tags) override;
  Status AddRunParams(const std::string& run_id, const Config& params) override;

  // Claims (sqlite_store_claims.cc).
  Result<std::optional<RunRecord>> ClaimRun(const std::string& sweep_id, const ProposeFn& propose,
                                            const ClaimContext& context) override;

  // The run lifecycle after the claim (sqlite_store_lifecycle.cc).
  Status ReopenRun(const std::string& run_id, const ClaimContext& who) override;
  Status MarkRunStarted(const std::string& run_id, const std::vector<std::string>& argv, int pid,
                        const std::string& run_dir, double started_at) override;
  Status FinishRun(const std::string& run_id, const RunOutcome& outcome) override;
  Status Heartbeat(const std::vector<std::string>& run_ids, double now) override;
  Result<std::vector<std::string>> ReapStaleRuns(const std::string& sweep_id, double stale_before,
                                                 const std::string& reason) override;

  // Reading runs (sqlite_store_run_queries.cc).
  Result<RunRecord> GetRun(const std::string& id_or_prefix) override;
  Result<std::vector<RunRecord>> ListRuns(const std::string& sweep_id) override;
  Result<std::vector<RunRecord>> ListTopRuns(const std::string& sweep_id, const std::string& key, SummaryStat stat,
                                             Goal goal, int limit) override;
  Result<std::vector<RunRecord>> ListRunsByState(const std::string& sweep_id, TrialState state) override;
  Result<RunChanges> ListRunsChangedSince(const std::string& sweep_id, const std::string& mark) override;

  // Names, labels, notes, stop requests, deletion (sqlite_store_housekeeping.cc).
  Status UpdateRunLabels(const std::string& run_id, const RunLabelsUpdate& update) override;
  Status RequestStop(const std::string& run_id) override;
  Result<std::vector<std::string>> StopRequested(const std::vector<std::string>& run_ids) override;
  Status DeleteRun(const std::string& run_id) override;
  Status DeleteSweep(const std::string& sweep_id) override;

  // Metrics (sqlite_store_metrics.cc).
  Status LogMetrics(const std::string& run_id, const std::vector<MetricPoint>& points) override;
  Result<std::vector<MetricPoint>> GetMetrics(const std::string& run_id, const std::string& key) override;

  // Artifacts and the model registry (sqlite_store_artifacts.cc).
  Result<ArtifactVersion> LogArtifactVersion(const NewArtifactVersion& v) override;
  Result<ArtifactVersion> GetArtifactVersion(const std::string& project, const std::string& name,
                                             const std::string& selector) override;
  Result<std::vector<ArtifactVersion>> ListArtifactVersions(const ArtifactFilter& filter) override;
  Status RecordArtifactUse(std::int64_t version_id, const std::string& run_id) override;
  Result<std::vector<std::string>> ListReferencedContent() override;
  Result<ModelVersion> RegisterModelVersion(const std::string& model, std::int64_t artifact_version_id,
                                            const std::string& run_id, const AuditStamp& stamp) override;
  Result<ModelVersion> PromoteModelVersion(const std::string& model, std::int64_t version, ModelStage stage,
                                           const PromotionOptions& options, const AuditStamp& stamp) override;
  Status SetModelAlias(const std::string& model, std::int64_t version, const std::string& alias,
                       const AuditStamp& stamp) override;
  Result<RegisteredModel> GetRegisteredModel(const std::string& model) override;
  Result<std::vector<RegisteredModel>> ListRegisteredModels() override;

 private:
  struct LoadedRuns {
    std::vector<RunRecord> runs;
    std::int64_t max_stamp = kNoStamp;  // the largest runs.changed_seq loaded
  };

  // The claim cache: a sweep's runs as of stamp `high_water` (runs.changed_seq,
  // see schema v3). Valid because every change to what a RunRecord shows
  // restamps the run with a larger value, and stamps are given in commit
  // order (writers are serialized).
  struct ClaimCache {
    std::int64_t high_water = kNoStamp;
    ClaimHistory history;
  };

  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT, rolling back on any error.
  template <typename F>
  auto Write(F&& body) -> decltype(body()) {
    if (auto s = db_->BeginImmediate(kBusyBudgetMs); !s.ok()) return s.error();
    auto result = body();
    if (!result.ok()) {
      db_->Rollback();
      return result;
    }
    if (auto s = db_->Commit(kBusyBudgetMs); !s.ok()) {
      db_->Rollback();
      return s.error();
    }
    return result;
  }

  // Runs `body` in one read transaction, so multi-query reads see one snapshot.
  template <typename F>
  auto Read(F&& body) -> decltype(body()) {
    if (auto s = db_->Exec("BEGIN"); !s.ok()) return s.error();
    auto result = body();
    db_->Rollback();  // nothing was written; ending the snapshot is all that is needed
    return result;
  }

  // Shared lookups (sqlite_store.cc). Each runs inside the caller's transaction.

  // A fresh id that `exists_sql` (binding ?1 = id) finds no row for.
  Result<std::string> NewId(const char* exists_sql);
  // `id` (NewRun::id) when valid and no run has it; else kInvalidInput / kConflict.
  Result<std::string> ChosenIdIfFree(const std::string& id);
  // The one id `sql` (binding ?1 = a GLOB pattern) matches for `prefix`;
  // kNotFound when none does, kInvalidInput naming them when several do.
  Result<std::string> ResolvePrefix(const char* sql, const std::string& what, const std::string& prefix);
  Status RequireSweep(const std::string& sweep_id);
  Result<std::int64_t> RunSeq(const std::string& run_id);
  // Rows of the params table for the run with sequence number `run_seq`.
  Status InsertParams(std::int64_t run_seq, const Config& params);
  Result<TrialState> RunState(const std::string& run_id);

  // Sweeps: the first sweep `sql` (one of the k*Sweep* statements) selects
  // with ?1 = arg.
  Result<std::optional<SweepRecord>> FirstSweep(const char* sql, const std::string& arg);

  // Claims: ClaimRun's body, inside the write transaction.
  Result<std::optional<RunRecord>> ClaimRunLocked(const std::string& sweep_id, const ProposeFn& propose,
                                                  const ClaimContext& context);
  // Brings the sweep's claim cache up to date: loads only the runs stamped
  // after its high-water mark and merges them by id. Call inside a write
  // transaction. On error ClaimRun drops the cache.
  Result<const std::vector<RunRecord>*> RefreshClaimCache(const std::string& sweep_id);

  // Lifecycle: kConflict when the run already ended, kNotFound when there is none.
  Status RequireNotEnded(const std::string& run_id);
  Status RequireEnded(const std::string& run_id);  // kConflict while queued or running
  // DeleteRun's body, inside the caller's write transaction.
  Status DeleteRunLocked(const std::string& run_id);

  // Run queries: the runs `set` selects (arg binds ?1; `since`, for
  // kSweepChangedSince, binds ?2) in number order, with summaries and tags:
  // three queries however many runs there are.
  Result<LoadedRuns> LoadRuns(RunSet set, const std::string& arg, std::int64_t since = kNoStamp);
  // LoadRuns for callers that want only the records.
  Result<std::vector<RunRecord>> LoadRunRecords(RunSet set, const std::string& arg);

  // Metrics: the key's id, creating it when new; `fresh` collects ids created
  // in the current transaction (see LogMetrics).
  Result<std::int64_t> KeyId(const std::string& key, std::unordered_map<std::string, std::int64_t>& fresh);
  // Reads the stored summary of (seq, key_id) into `out`; leaves it alone when there is none.
  Status LoadSummary(std::int64_t seq, std::int64_t key_id, SummaryRow& out);

  std::unique_ptr<Database> db_;
  SqliteSqlSession sql_;  // db_ for the artifact catalog and registry (declared after db_)
  std::unique_ptr<WalSync> wal_sync_;  // thread-safe; see SyncWrites
  IdGenerator ids_;
  std::unordered_map<std::string, ClaimCache> claim_cache_;
  // Metric key -> id; keys are never deleted or renumbered, so entries stay valid.
  std::unordered_map<std::string, std::int64_t> key_ids_;
};

}  // namespace sweep::sqlite
