// PostgreSQL-specific behaviour of the store: URLs and connection errors,
// schema creation and migration, change stamps under concurrent writers.
// Everything a Store promises regardless of the database is in the
// conformance suite (tracking/store_conformance_test.cc), which runs against
// PostgreSQL as pg_conformance_test.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tracking/postgres/pg_connection.h"
#include "tracking/postgres/pg_test_support.h"
#include "tracking/postgres/postgres_store.h"

namespace sweep {
namespace {

TEST(PostgresStore, ConnectionFailureNamesServerButNotPassword) {
  // Port 1 on localhost: nothing listens there.
  auto r = OpenPostgresStore("postgresql://alice:s3cret@127.0.0.1:1/experiments?connect_timeout=2");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_NE(r.error().message.find("127.0.0.1"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("experiments"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("s3cret"), std::string::npos) << r.error().message;
}

TEST(PostgresStore, ServersOlderThanThirteenAreRefusedByName) {
  const Status old = pg::RequireServerVersion(120017, "127.0.0.1:5432/sweeps");
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(old.error().message.find("PostgreSQL 12 at 127.0.0.1:5432/sweeps"), std::string::npos) << old.error().message;
  EXPECT_NE(old.error().message.find("13 or later"), std::string::npos) << old.error().message;
  EXPECT_TRUE(pg::RequireServerVersion(130000, "h").ok());
  EXPECT_TRUE(pg::RequireServerVersion(150010, "h").ok());
}

TEST(PostgresStore, RejectsOtherSchemes) {
  EXPECT_EQ(OpenPostgresStore("mysql://x@y/z").error().code, ErrorCode::kInvalidInput);
  EXPECT_TRUE(IsPostgresUrl("postgres://u@h/db"));
  EXPECT_TRUE(IsPostgresUrl("postgresql://u@h/db"));
  EXPECT_FALSE(IsPostgresUrl(".sweep/sweep.db"));
}

// SQL that takes a database back to the schema version before a migration,
// to test upgrading it: what each migration added, dropped again.
constexpr const char* kUndoVersion5 =
    "DROP TABLE model_audit; DROP TABLE model_aliases; DROP TABLE model_versions; DROP TABLE registered_models; DROP TABLE artifact_uses; DROP TABLE artifact_aliases; DROP TABLE artifact_files; DROP TABLE artifact_versions; DROP TABLE artifacts; DELETE FROM schema_version WHERE version = 5";
constexpr const char* kUndoVersion4 =
    "DROP TRIGGER runs_stamp ON runs; DROP INDEX sweeps_by_project; ALTER TABLE sweeps DROP COLUMN project; ALTER TABLE runs DROP COLUMN name; "
    "ALTER TABLE runs DROP COLUMN labels; ALTER TABLE runs DROP COLUMN notes; "
    "ALTER TABLE runs DROP COLUMN stop_requested; "
    "CREATE TRIGGER runs_stamp BEFORE UPDATE OF id, sweep_id, number, grid_index, state, params, argv, created_at, "
    "started_at, ended_at, exit_code, signal, failure_reason, host, agent_id, pid, run_dir ON runs "
    "FOR EACH ROW EXECUTE FUNCTION sweep_stamp_row(); DELETE FROM schema_version WHERE version = 4";
constexpr const char* kUndoVersion3 =
    "DROP FUNCTION sweep_stamp_owning_run() CASCADE; DROP FUNCTION sweep_stamp_row() CASCADE; "
    "ALTER TABLE runs DROP COLUMN changed_xid; ALTER TABLE run_summary DROP COLUMN changed_xid; "
    "DELETE FROM schema_version WHERE version = 3";
constexpr const char* kUndoVersion2 = "DROP TABLE sweep_tags; DELETE FROM schema_version WHERE version = 2";
constexpr const char* kVersionList = "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_version";

// Each test gets a fresh database on the test server (skipped without one).
class PostgresDatabase : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = pg_test::TestServerUrl();
    if (!server) GTEST_SKIP() << pg_test::NoServerMessage();
    auto url = pg_test::CreateFreshDatabase(*server);
    ASSERT_TRUE(url.ok()) << url.error().message;
    url_ = *url;
  }

  std::unique_ptr<Store> Open() {
    auto store = OpenPostgresStore(url_);
    EXPECT_TRUE(store.ok()) << store.error().message;
    return store.ok() ? std::move(*store) : nullptr;
  }

  // Creates a sweep named `name` through a store of its own, closed again.
  std::string CreateSweep(const std::string& name) {
    auto store = Open();
    if (!store) return "";
    SweepRecord s;
    s.name = name;
    auto made = store->CreateSweep(s);
    EXPECT_TRUE(made.ok()) << made.error().message;
    return made.ok() ? made->id : "";
  }

  std::string url_;
};

// Claims a run of `sweep_id` and returns it together with the history the
// claim's ProposeFn was given.
std::pair<RunRecord, std::vector<RunRecord>> ClaimAndSee(Store& store, const std::string& sweep_id) {
  std::vector<RunRecord> seen;
  auto r = store.ClaimRun(
      sweep_id,
      [&](const std::vector<RunRecord>& existing) -> Result<std::optional<NewRun>> {
        seen = existing;
        return std::optional<NewRun>(NewRun{});
      },
      {});
  EXPECT_TRUE(r.ok() && r->has_value()) << (r.ok() ? "nothing claimed" : r.error().message);
  return {r.ok() && r->has_value() ? **r : RunRecord{}, seen};
}

TEST_F(PostgresDatabase, ReopeningKeepsDataAndSchemaVersion) {
  const std::string id = CreateSweep("persist");
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->GetSweep("persist")->id, id);
  EXPECT_EQ(*pg_test::QueryScalar(url_, kVersionList), "1,2,3,4,5");
}

// The dashboard's reader: reads what writers wrote, can write nothing (the
// session's transactions are READ ONLY, reconnections included), and never
// creates or migrates a schema.
TEST_F(PostgresDatabase, ReadOnlyStoreReadsButNeverWrites) {
  auto empty = OpenPostgresStoreReadOnly(url_);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, ErrorCode::kNotFound) << empty.error().message;
  EXPECT_EQ(*pg_test::QueryScalar(url_, "SELECT to_regclass('schema_version') IS NULL"), "t");  // nothing created
  const std::string id = CreateSweep("watched");
  auto reader = OpenPostgresStoreReadOnly(url_);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ((*reader)->GetSweep("watched")->id, id);
  EXPECT_TRUE((*reader)->ListRunsChangedSince(id, "").ok());
  SweepRecord s;
  s.name = "sneaky";
  auto write = (*reader)->CreateSweep(s);
  ASSERT_FALSE(write.ok());
  EXPECT_NE(write.error().message.find("read-only"), std::string::npos) << write.error().message;
  EXPECT_EQ(*pg_test::QueryScalar(url_, "SELECT count(*) FROM sweeps"), "1");
  ASSERT_TRUE(pg_test::QueryScalar(url_, kUndoVersion5).ok());
  ASSERT_TRUE(pg_test::QueryScalar(url_, kUndoVersion4).ok());
  auto old = OpenPostgresStoreReadOnly(url_);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().code, ErrorCode::kInvalidInput) << old.error().message;
  EXPECT_EQ(*pg_test::QueryScalar(url_, kVersionList), "1,2,3");  // not migrated
}

TEST_F(PostgresDatabase, VersionOneDatabaseGainsSweepTags) {
  const std::string id = CreateSweep("old");
  ASSERT_TRUE(pg_test::QueryScalar(url_, kUndoVersion5).ok());
  ASSERT_TRUE(pg_test::QueryScalar(url_, kUndoVersion4).ok());
  ASSERT_TRUE(pg_test::QueryScalar(url_, kUndoVersion3).ok());
  ASSERT_TRUE(pg_test::QueryScalar(url_, kUndoVersion2).ok());
  auto store = Open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->SetSweepTags(id, {{"slurm.job.7", "2"}}).ok());
  EXPECT_EQ(store->GetSweepTags(id)->at("slurm.job.7"), "2");
  EXPECT_EQ(*pg_test::QueryScalar(url_, kVersionList), "1,2,3,4,5");
}

// Runs from before change stamps keep stamp 0 (never "changed since" a read)
// and are stamped by their first change after the upgrade.
TEST_F(PostgresDatabase, VersionTwoDatabaseGainsChangeStamps) {
  const std::string sweep_id = CreateSweep("before-stamps");
  std::string old_id;
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    old_id = ClaimAndSee(*store, sweep_id).first.id;
  }
  ASSERT_TRUE(pg_test::QueryScalar(url_, kUndoVersion5).ok());
  ASSERT_TRUE(pg_test::QueryScalar(url_, kUndoVersion4).ok());
  ASSERT_TRUE(pg_test::QueryScalar(url_, kUndoVersion3).ok());
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*pg_test::QueryScalar(url_, kVersionList), "1,2,3,4,5");
  const std::string stamp_of_old = "SELECT changed_xid::text FROM runs WHERE id = '" + old_id + "'";
  EXPECT_EQ(*pg_test::QueryScalar(url_, stamp_of_old), "0");

  auto [second, seen] = ClaimAndSee(*store, sweep_id);  // the cache's first read: everything
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].id, old_id);
  RunOutcome failed;
  failed.state = TrialState::kFailed;
  failed.failure_reason = "after the upgrade";
  ASSERT_TRUE(store->FinishRun(old_id, failed).ok());
  EXPECT_NE(*pg_test::QueryScalar(url_, stamp_of_old), "0");
  seen = ClaimAndSee(*store, sweep_id).second;  // incremental: only what changed
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].state, TrialState::kFailed);
  EXPECT_EQ(seen[0].failure_reason, "after the upgrade");
  EXPECT_EQ(seen[1].id, second.id);
}

// Writers stamp concurrently, so a change can commit after a later one that
// a claim has already read past. The claim cache must still see it: the case
// a stamp drawn from a sequence would get wrong.
TEST_F(PostgresDatabase, ClaimSeesAChangeThatCommitsAfterALaterOne) {
  const std::string sweep_id = CreateSweep("out-of-order");
  auto claimer = Open();
  auto other = Open();
  ASSERT_TRUE(claimer && other);
  const RunRecord first = ClaimAndSee(*claimer, sweep_id).first;
  const RunRecord second = ClaimAndSee(*claimer, sweep_id).first;

  // Changes `first` in a transaction left open: it has its stamp, uncommitted.
  auto slow = pg::PgConnection::Open(url_);
  ASSERT_TRUE(slow.ok()) << slow.error().message;
  ASSERT_TRUE((*slow)->Exec("BEGIN").ok());
  ASSERT_TRUE((*slow)->Exec("UPDATE runs SET state = 'failed', failure_reason = 'late' WHERE id = $1", {first.id}).ok());
  // A later writer commits first, and a claim reads past its change.
  ASSERT_TRUE(other->FinishRun(second.id, RunOutcome{}).ok());
  auto seen = ClaimAndSee(*claimer, sweep_id).second;
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].state, TrialState::kQueued);  // not committed yet
  EXPECT_EQ(seen[1].state, TrialState::kFinished);

  ASSERT_TRUE((*slow)->Exec("COMMIT").ok());
  seen = ClaimAndSee(*claimer, sweep_id).second;
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].state, TrialState::kFailed);
  EXPECT_EQ(seen[0].failure_reason, "late");
  EXPECT_EQ(seen[1].state, TrialState::kFinished);
}

// Standalone runs kept their name in the tag "name" of a manual sweep named
// after their project; version 4 makes both first-class.
TEST_F(PostgresDatabase, VersionThreeDatabaseGainsProjectsAndStandaloneRunNames) {
  std::string manual_id, run_id;
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    SweepRecord manual;
    manual.name = "myproj";
    manual.method = "manual";
    manual_id = store->CreateSweep(manual)->id;
    run_id = ClaimAndSee(*store, manual_id).first.id;
    ASSERT_TRUE(store->SetTags(run_id, {{"name", "local-try"}, {"env.os", "linux"}}).ok());
  }
  ASSERT_TRUE(pg_test::QueryScalar(url_, kUndoVersion5).ok());
  ASSERT_TRUE(pg_test::QueryScalar(url_, kUndoVersion4).ok());
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*pg_test::QueryScalar(url_, kVersionList), "1,2,3,4,5");
  EXPECT_EQ(store->GetSweep(manual_id)->project, "myproj");
  auto run = store->GetRun(run_id);
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(run->name, "local-try");
  EXPECT_EQ(run->tags, (std::map<std::string, std::string>{{"env.os", "linux"}}));
  const std::string stamp = "SELECT changed_xid::text FROM runs WHERE id = '" + run_id + "'";
  const std::string before = *pg_test::QueryScalar(url_, stamp);
  RunLabelsUpdate update;
  update.notes = "stamped";
  ASSERT_TRUE(store->UpdateRunLabels(run_id, update).ok());
  EXPECT_NE(*pg_test::QueryScalar(url_, stamp), before);
}

TEST_F(PostgresDatabase, RefusesNewerSchema) {
  ASSERT_NE(Open(), nullptr);
  ASSERT_TRUE(pg_test::QueryScalar(url_, "INSERT INTO schema_version VALUES (99)").ok());
  auto r = OpenPostgresStore(url_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("99"), std::string::npos);
}

TEST_F(PostgresDatabase, VersionFourDatabaseGainsArtifactsAndTheRegistry) {
  const std::string sweep_id = CreateSweep("before-artifacts");
  std::string run_id;
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    run_id = ClaimAndSee(*store, sweep_id).first.id;
  }
  ASSERT_TRUE(pg_test::QueryScalar(url_, kUndoVersion5).ok());
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*pg_test::QueryScalar(url_, kVersionList), "1,2,3,4,5");
  NewArtifactVersion v;
  v.project = "default";
  v.name = "model";
  v.type = "model";
  v.producer_run = run_id;
  v.files = {{"w.bin", std::string(64, 'a'), 3}};
  auto logged = store->LogArtifactVersion(v);
  ASSERT_TRUE(logged.ok()) << logged.error().message;
  EXPECT_TRUE(store->RegisterModelVersion("clf", logged->id, run_id, AuditStamp{"u", "h", 1, ""}).ok());
}

}  // namespace
}  // namespace sweep
