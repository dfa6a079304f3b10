// PostgresStore: the Store that OpenPostgresStore
// (tracking/postgres/postgres_store.h) returns. Private to tracking/postgres:
// the class is split over postgres_store*.cc by concern (opening and shared
// lookups; sweeps; tags; claims; the run lifecycle; run queries; metrics),
// and this header is what they share. libpq stays behind PgConnection.
//
// Thread-safety: none; a PostgresStore belongs to one thread, like its
// connection. Processes and machines share the database safely: writes run
// in PgConnection::Transaction, and claims lock the sweep row.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/wall_clock.h"
#include "tracking/claim_history.h"
#include "tracking/postgres/pg_connection.h"
#include "tracking/postgres/pg_sql_session.h"
#include "tracking/store.h"

namespace sweep::pg {

// Ids: 8 characters of [0-9a-z], like W&B's. 36^8 ≈ 2.8e12, so a collision
// is rare; each insert still checks and draws again, a bounded number of times.
inline constexpr int kIdLength = 8;
inline constexpr int kMaxIdDraws = 16;
// Candidates named when an id prefix is ambiguous.
inline constexpr int kMaxCandidatesListed = 10;

// Integers as statement parameters (text protocol); nullopt is NULL.
std::string Int(std::int64_t v);
Param OptInt(const std::optional<std::int64_t>& v);
Param OptInt(const std::optional<int>& v);
// The ids in column 0 of `r`, comma-separated, at most kMaxCandidatesListed
// of them: what an ambiguous prefix error names.
std::string Candidates(const PgResult& r);

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(std::unique_ptr<PgConnection> conn)
      : conn_(std::move(conn)), sql_(*conn_), rng_(std::random_device{}() ^ static_cast<std::uint64_t>(NowSeconds() * 1e6)) {}

  // Sweeps (postgres_store_sweeps.cc).
  Result<SweepRecord> CreateSweep(SweepRecord sweep) override;
  Result<SweepRecord> GetSweep(const std::string& id_or_name) override;
  Result<std::vector<SweepRecord>> ListSweeps() override;
  Status SetSweepState(const std::string& sweep_id, SweepState state) override;

  // Tags of sweeps and runs (postgres_store_tags.cc).
  Status SetSweepTags(const std::string& sweep_id, const std::map<std::string, std::string>& tags) override;
  Result<std::map<std::string, std::string>> GetSweepTags(const std::string& sweep_id) override;
  Status SetTags(const std::string& run_id, const std::map<std::string, std::string>& tags) override;
  Status AddRunParams(const std::string& run_id, const Config& params) override;

  // Claims (postgres_store_claims.cc).
  Result<std::optional<RunRecord>> ClaimRun(const std::string& sweep_id, const ProposeFn& propose,
                                            const ClaimContext& context) override;

  // The run lifecycle after the claim (postgres_store_lifecycle.cc).
  Status ReopenRun(const std::string& run_id, const ClaimContext& who) override;
  Status MarkRunStarted(const std::string& run_id, const std::vector<std::string>& argv, int pid,
                        const std::string& run_dir, double started_at) override;
  Status FinishRun(const std::string& run_id, const RunOutcome& outcome) override;
  Status Heartbeat(const std::vector<std::string>& run_ids, double now) override;
  Result<std::vector<std::string>> ReapStaleRuns(const std::string& sweep_id, double stale_before,
                                                 const std::string& reason) override;

  // Reading runs (postgres_store_run_queries.cc).
  Result<RunRecord> GetRun(const std::string& id_or_prefix) override;
  Result<std::vector<RunRecord>> ListRuns(const std::string& sweep_id) override;
  Result<std::vector<RunRecord>> ListTopRuns(const std::string& sweep_id, const std::string& key, SummaryStat stat,
                                             Goal goal, int limit) override;
  Result<std::vector<RunRecord>> ListRunsByState(const std::string& sweep_id, TrialState state) override;
  Result<RunChanges> ListRunsChangedSince(const std::string& sweep_id, const std::string& mark) override;

  // Names, labels, notes, stop requests, deletion (postgres_store_housekeeping.cc).
  Status UpdateRunLabels(const std::string& run_id, const RunLabelsUpdate& update) override;
  Status RequestStop(const std::string& run_id) override;
  Result<std::vector<std::string>> StopRequested(const std::vector<std::string>& run_ids) override;
  Status DeleteRun(const std::string& run_id) override;
  Status DeleteSweep(const std::string& sweep_id) override;

  // Metrics (postgres_store_metrics.cc).
  Status LogMetrics(const std::string& run_id, const std::vector<MetricPoint>& points) override;
  Result<std::vector<MetricPoint>> GetMetrics(const std::string& run_id, const std::string& key) override;

  // Artifacts and the model registry (postgres_store_artifacts.cc).
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
  // The claim cache of one sweep: its runs as read by earlier claims, and
  // where the next read starts (schema v3): every run changed by a
  // transaction that committed after the previous read's first snapshot is
  // stamped (on its row or a summary's) at or above reread_from, that
  // snapshot's xmin.
  struct ClaimCache {
    std::optional<std::string> reread_from;  // an xid8 as text; nullopt until the first read
    ClaimHistory history;
  };

  // Shared lookups (postgres_store.cc).
  std::string NewId();  // a random id; the insert that uses it checks it is unused
  Status RequireRun(const std::string& run_id);
  // The run's state name, or kNotFound.
  Result<std::string> RunState(const std::string& run_id);

  // Claims: ClaimRun's body, without dropping the cache on failure.
  Result<std::optional<RunRecord>> ClaimRunLocked(const std::string& sweep_id, const ProposeFn& propose,
                                                  const ClaimContext& context);
  // Brings the sweep's claim cache up to date and returns its runs. Call in
  // the claim's transaction after locking the sweep row. A failure leaves the
  // cache usable (the mark moves only on success; rows merged before it are
  // newer, never older), so a retried transaction may go on with it; ClaimRun
  // drops it when the claim fails for good.
  Result<const std::vector<RunRecord>*> RefreshClaimCache(const std::string& sweep_id);
  Status InsertParams(const std::string& run_id, const Config& params);
  // Deletes the runs with every row that refers to them, inside the caller's
  // transaction; kConflict (nothing deleted) when one is queued or running.
  Status DeleteRunsLocked(const std::vector<std::string>& run_ids);

  // Run queries: the runs `where` (a condition on runs r, with `args` as
  // $1..) selects, in number order, with summaries and tags: three
  // set-oriented queries rather than one per run, so 100k runs stay fast.
  Result<std::vector<RunRecord>> LoadRuns(const std::string& where, const std::vector<Param>& args);
  // Fills in the summaries and tags of `runs`, which `where` and `args` select.
  Status AttachSummariesAndTags(std::vector<RunRecord>& runs, const std::string& where,
                                const std::vector<Param>& args);

  std::unique_ptr<PgConnection> conn_;
  PgSqlSession sql_;  // conn_ for the artifact catalog and registry (declared after conn_)
  std::mt19937_64 rng_;
  std::unordered_map<std::string, ClaimCache> claim_cache_;  // by sweep id
};

}  // namespace sweep::pg
