// SQLite-specific behaviour: schema versioning, refusing files that are not
// ours without touching them, and many processes claiming from one database.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "tests/test_support.h"
#include "tracking/sqlite_store.h"
#include "tracking/store_conformance_test.h"
#include "tracking/store.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sweep-sqlite-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string ReadBytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void WriteBytes(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  // Runs SQL through the raw C API, as another program would.
  static void RawExec(const fs::path& p, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(p.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }
  static int RawPragma(const fs::path& p, const char* pragma) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(p.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, pragma, -1, &stmt, nullptr), SQLITE_OK);
    int v = -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) v = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return v;
  }
  static std::set<std::string> FilesIn(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
    return names;
  }
  void ExpectRefusedUnchanged(const fs::path& p, ErrorCode code, const std::string& needle) {
    const std::string before = ReadBytes(p);
    const auto files_before = FilesIn(p.parent_path());
    auto store = OpenStore(p.string());
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, code) << store.error().message;
    EXPECT_NE(store.error().message.find(needle), std::string::npos) << store.error().message;
    EXPECT_NE(store.error().message.find(p.string()), std::string::npos) << "names the file: " << store.error().message;
    EXPECT_EQ(ReadBytes(p), before) << "the refused file was modified";
    EXPECT_EQ(FilesIn(p.parent_path()), files_before) << "no -wal, -shm or journal left beside it";
  }

  // Undoes schema v5 (artifacts and the model registry), leaving what a v4 database looks like.
  static void DowngradeToV4(const fs::path& p) {
    RawExec(p, "DROP TABLE model_audit; DROP TABLE model_aliases; DROP TABLE model_versions; DROP TABLE registered_models; DROP TABLE artifact_uses; DROP TABLE artifact_aliases; DROP TABLE artifact_files; DROP TABLE artifact_versions; DROP TABLE artifacts; PRAGMA user_version=4; PRAGMA wal_checkpoint(TRUNCATE)");
  }

  // Undoes schema v4 (projects, names, labels, notes, stop flags), leaving
  // what a v3 database looks like, with v3's stamp trigger.
  static void DowngradeToV3(const fs::path& p) {
    DowngradeToV4(p);
    RawExec(p,
            "DROP TRIGGER runs_change_on_update; DROP INDEX sweeps_by_project; ALTER TABLE sweeps DROP COLUMN project; "
            "ALTER TABLE runs DROP COLUMN name; ALTER TABLE runs DROP COLUMN labels; "
            "ALTER TABLE runs DROP COLUMN notes; ALTER TABLE runs DROP COLUMN stop_requested; "
            "CREATE TRIGGER runs_change_on_update AFTER UPDATE OF id, sweep_id, number, grid_index, state, params, "
            "argv, created_at, started_at, ended_at, exit_code, signal, failure_reason, host, agent_id, pid, run_dir "
            "ON runs BEGIN UPDATE change_counter SET value = value + 1 WHERE id = 1; "
            "UPDATE runs SET changed_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE seq = NEW.seq; END; "
            "PRAGMA user_version=3; PRAGMA wal_checkpoint(TRUNCATE)");
  }

  // Undoes schema v4 and v3 (the change stamps), leaving what a v2 database looks like.
  static void DowngradeToV2(const fs::path& p) {
    DowngradeToV3(p);
    RawExec(p,
            "DROP TRIGGER runs_change_on_insert; DROP TRIGGER runs_change_on_update; "
            "DROP TRIGGER run_summary_change_on_insert; DROP TRIGGER run_summary_change_on_update; "
            "DROP TRIGGER run_summary_change_on_delete; DROP TRIGGER tags_change_on_insert; "
            "DROP TRIGGER tags_change_on_update; DROP TRIGGER tags_change_on_delete; "
            "DROP INDEX runs_by_change; DROP TABLE change_counter; ALTER TABLE runs DROP COLUMN changed_seq; "
            "PRAGMA user_version=2; PRAGMA wal_checkpoint(TRUNCATE)");
  }

  fs::path dir_;
};

// Claims one run through `store` and checks its ProposeFn saw exactly what a
// fresh ListRuns (through `reference`) shows.
RunRecord ClaimAndCompare(Store& store, Store& reference, const std::string& sweep_id, std::int64_t i) {
  auto want = reference.ListRuns(sweep_id);
  EXPECT_TRUE(want.ok());
  std::vector<RunRecord> seen;
  auto r = store.ClaimRun(
      sweep_id,
      [&](const std::vector<RunRecord>& existing) -> Result<std::optional<NewRun>> {
        seen = existing;
        return std::optional<NewRun>(NewRun{{{"i", Value(i)}, {"lr", Value(0.5 * static_cast<double>(i))}}, i});
      },
      ClaimContext{"h", "agent", TrialState::kQueued});
  EXPECT_TRUE(r.ok()) << r.error().message;
  testing::ExpectSameRuns(seen, *want);
  return r.ok() && r->has_value() ? **r : RunRecord{};
}

TEST_F(SqliteStoreTest, VersionOneDatabaseGainsSweepTagsAndKeepsItsSweeps) {
  const fs::path db = dir_ / "sweep.db";
  std::string sweep_id;
  {
    auto store = OpenStore(db.string());
    ASSERT_TRUE(store.ok());
    SweepRecord s;
    s.name = "old";
    s.method = "grid";
    auto created = (*store)->CreateSweep(s);
    ASSERT_TRUE(created.ok());
    sweep_id = created->id;
  }
  // What a version 1 database looks like: no sweep_tags table.
  DowngradeToV2(db);
  RawExec(db, "DROP TABLE sweep_tags; PRAGMA user_version=1; PRAGMA wal_checkpoint(TRUNCATE)");
  ASSERT_EQ(RawPragma(db, "PRAGMA user_version"), 1);
  auto store = OpenStore(db.string());
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(RawPragma(db, "PRAGMA user_version"), kSqliteSchemaVersion);
  ASSERT_TRUE((*store)->SetSweepTags(sweep_id, {{"slurm.job.7", "2"}}).ok());
  auto tags = (*store)->GetSweepTags(sweep_id);
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(tags->at("slurm.job.7"), "2");
  EXPECT_TRUE((*store)->GetSweep(sweep_id).ok());
}

TEST_F(SqliteStoreTest, NewDatabaseHasVersionIdAndWal) {
  const fs::path db = dir_ / "a" / "b" / "sweep.db";
  { ASSERT_TRUE(OpenStore(db.string()).ok()); }
  EXPECT_EQ(RawPragma(db, "PRAGMA user_version"), kSqliteSchemaVersion);
  EXPECT_EQ(RawPragma(db, "PRAGMA application_id"), kSqliteApplicationId);
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
}

TEST_F(SqliteStoreTest, ReopenKeepsData) {
  const fs::path db = dir_ / "sweep.db";
  std::string id;
  {
    auto store = OpenStore(db.string());
    ASSERT_TRUE(store.ok());
    SweepRecord s;
    s.name = "kept";
    id = (*store)->CreateSweep(s)->id;
  }
  auto store = OpenStore(db.string());
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ((*store)->GetSweep(id)->name, "kept");
}

// The dashboard's store: reads what a writer committed, never writes, never
// creates a file, and refuses a schema it would have to migrate.
TEST_F(SqliteStoreTest, ReadOnlyStoreReadsButNeverWrites) {
  const fs::path db = dir_ / "sweep.db";
  EXPECT_EQ(OpenStoreReadOnly(db.string()).error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(fs::exists(db));
  auto writer = OpenStore(db.string());
  ASSERT_TRUE(writer.ok());
  SweepRecord s;
  s.name = "watched";
  const std::string id = (*writer)->CreateSweep(s)->id;
  auto reader = OpenStoreReadOnly(db.string());
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ((*reader)->GetSweep(id)->name, "watched");
  SweepRecord more;
  more.name = "refused";
  EXPECT_FALSE((*reader)->CreateSweep(more).ok());
  SweepRecord later;
  later.name = "later";
  ASSERT_TRUE((*writer)->CreateSweep(later).ok());  // the reader never blocks the writer
  EXPECT_EQ((*reader)->ListSweeps()->size(), 2u);
}

TEST_F(SqliteStoreTest, ReadOnlyStoreRefusesAnOlderSchema) {
  const fs::path db = dir_ / "sweep.db";
  { ASSERT_TRUE(OpenStore(db.string()).ok()); }
  RawExec(db, "PRAGMA user_version=" + std::to_string(kSqliteSchemaVersion - 1) + "; PRAGMA wal_checkpoint(TRUNCATE)");
  auto reader = OpenStoreReadOnly(db.string());
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(reader.error().message.find("older"), std::string::npos) << reader.error().message;
}

// Issue 12 item 7: a store whose filesystem became read-only is read as
// usual; writes fail saying so, not "damaged or not a database".
TEST_F(SqliteStoreTest, ReadOnlyStoreIsReadableAndWritesSaySo) {
  const fs::path folder = dir_ / "ro";
  fs::create_directories(folder);
  const fs::path db = folder / "sweep.db";
  std::string id;
  {
    auto store = OpenStore(db.string());
    ASSERT_TRUE(store.ok());
    SweepRecord s;
    s.name = "kept";
    id = (*store)->CreateSweep(s)->id;
  }
  testing::ReadOnlyFolder read_only(folder);
  if (!read_only.read_only()) GTEST_SKIP() << "cannot make a folder read-only here";
  auto store = OpenStore(db.string());
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto sweeps = (*store)->ListSweeps();
  ASSERT_TRUE(sweeps.ok()) << sweeps.error().message;
  ASSERT_EQ(sweeps->size(), 1u);
  EXPECT_EQ(sweeps->front().id, id);
  SweepRecord another;
  another.name = "refused";
  auto created = (*store)->CreateSweep(another);
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.error().message.find("is read-only"), std::string::npos) << created.error().message;
  EXPECT_NE(created.error().message.find(db.string()), std::string::npos) << created.error().message;
}

// Issue 12 item 9: damage in the middle of the file (past the header and
// the schema page) is reported with the file's name and what was found.
TEST_F(SqliteStoreTest, DamageInTheMiddleNamesTheFileAndWhatWasFound) {
  const fs::path db = dir_ / "sweep.db";
  constexpr int kSweeps = 200;  // enough rows for several pages
  {
    auto store = OpenStore(db.string());
    ASSERT_TRUE(store.ok());
    for (int i = 0; i < kSweeps; ++i) {
      SweepRecord s;
      s.name = "sweep-" + std::to_string(i) + std::string(100, 'x');
      ASSERT_TRUE((*store)->CreateSweep(s).ok());
    }
  }
  constexpr std::size_t kPageBytes = 4096;  // SQLite's default page size
  std::string bytes = ReadBytes(db);
  ASSERT_GT(bytes.size(), 4 * kPageBytes);
  for (std::size_t i = kPageBytes; i < bytes.size(); ++i) bytes[i] = static_cast<char>(0xA5 ^ (i * 31));
  WriteBytes(db, bytes);
  auto store = OpenStore(db.string());
  std::string message;
  if (!store.ok()) {
    message = store.error().message;
  } else {
    auto sweeps = (*store)->ListSweeps();
    ASSERT_FALSE(sweeps.ok());
    message = sweeps.error().message;
  }
  EXPECT_NE(message.find(db.string()), std::string::npos) << message;
  EXPECT_NE(message.find("damaged"), std::string::npos) << message;
  EXPECT_EQ(message.find("disk full"), std::string::npos) << message;
}

TEST_F(SqliteStoreTest, RefusesNewerSchemaUnchanged) {
  const fs::path db = dir_ / "sweep.db";
  { ASSERT_TRUE(OpenStore(db.string()).ok()); }
  RawExec(db, "PRAGMA user_version=" + std::to_string(kSqliteSchemaVersion + 1) + "; PRAGMA wal_checkpoint(TRUNCATE)");
  ExpectRefusedUnchanged(db, ErrorCode::kInvalidInput, "newer");
}

TEST_F(SqliteStoreTest, RefusesForeignSqliteUnchanged) {
  const fs::path db = dir_ / "other.db";
  RawExec(db, "CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('mine')");
  ExpectRefusedUnchanged(db, ErrorCode::kInvalidInput, "another application");
}

// Without the SQLite header the file cannot be told from a store whose first
// bytes were overwritten: a failure of the store (kIo, exit 1), like any
// other damage SQLite reports.
TEST_F(SqliteStoreTest, RefusesNonSqliteUnchanged) {
  const fs::path db = dir_ / "notes.txt";
  WriteBytes(db, "these are my notes, not a database\n");
  ExpectRefusedUnchanged(db, ErrorCode::kIo, "damaged or not a database");
}

TEST_F(SqliteStoreTest, RefusesCorruptHeaderUnchanged) {
  const fs::path db = dir_ / "sweep.db";
  { ASSERT_TRUE(OpenStore(db.string()).ok()); }
  RawExec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  std::string bytes = ReadBytes(db);
  // Keep the magic string but wreck the rest of the 100-byte header (page
  // size, format versions): SQLite itself reports the file as not a database.
  constexpr std::size_t kMagicLength = 16;
  constexpr std::size_t kHeaderLength = 100;
  for (std::size_t i = kMagicLength; i < kHeaderLength; ++i) bytes[i] = static_cast<char>(0xA5);
  WriteBytes(db, bytes);
  fs::remove(dir_ / "sweep.db-wal");
  fs::remove(dir_ / "sweep.db-shm");
  ExpectRefusedUnchanged(db, ErrorCode::kIo, "damaged");
}

// Issue 12 item 9: a reader that finds the write-ahead log deleted under a
// live writer (a cleanup job removing "temporary" files) is told that, with
// the file's name, not "damaged or the disk full".
TEST_F(SqliteStoreTest, DeletedWriteAheadLogIsNamedAsSuch) {
  const fs::path db = dir_ / "sweep.db";
  auto writer = OpenStore(db.string());
  ASSERT_TRUE(writer.ok());
  SweepRecord s;
  s.name = "in-the-log";
  ASSERT_TRUE((*writer)->CreateSweep(s).ok());
  ASSERT_TRUE(fs::exists(dir_ / "sweep.db-wal"));
  ASSERT_TRUE(fs::exists(dir_ / "sweep.db-shm"));
  fs::remove(dir_ / "sweep.db-wal");
  auto reader = OpenStore(db.string());
  std::string message;
  if (!reader.ok()) {
    message = reader.error().message;
  } else {
    auto sweeps = (*reader)->ListSweeps();
    ASSERT_FALSE(sweeps.ok()) << "a reader saw " << sweeps->size() << " sweeps without the log that held them";
    message = sweeps.error().message;
  }
  EXPECT_NE(message.find("lost its write-ahead log"), std::string::npos) << message;
  EXPECT_NE(message.find(db.string() + "-wal"), std::string::npos) << message;
  EXPECT_EQ(message.find("disk full"), std::string::npos) << message;
  EXPECT_EQ(message.find("not a database"), std::string::npos) << message;
}

TEST_F(SqliteStoreTest, AdoptsEmptyFile) {
  const fs::path db = dir_ / "empty.db";
  WriteBytes(db, "");
  auto store = OpenStore(db.string());
  ASSERT_TRUE(store.ok()) << store.error().message;
}

TEST_F(SqliteStoreTest, PostgresUrlsGoToThePostgresStoreNotToAFile) {
  // Port 1 on loopback: nothing listens, so the connection is refused at once.
  const std::string url = "postgresql://nobody:secret@127.0.0.1:1/none";
  auto store = OpenStore(url);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kIo);
  EXPECT_EQ(store.error().message.find("secret"), std::string::npos) << "never print the password";
  EXPECT_FALSE(std::filesystem::exists(url)) << "a URL must never become a SQLite file";
}

// Eight processes race to claim a 1000-point grid; every point must be taken
// exactly once and no child may see an error (e.g. "database is locked").
TEST_F(SqliteStoreTest, TwoConnectionsClaimSeeEachOthersWrites) {
  const fs::path db = dir_ / "sweep.db";
  auto a = OpenStore(db.string());
  auto b = OpenStore(db.string());
  ASSERT_TRUE(a.ok() && b.ok());
  Store* stores[2] = {a->get(), b->get()};
  SweepRecord s;
  s.name = "two";
  s.method = "grid";
  const std::string sweep_id = (*a)->CreateSweep(s)->id;
  SweepRecord other;
  other.name = "other";
  const std::string other_id = (*a)->CreateSweep(other)->id;
  std::vector<RunRecord> claimed;
  for (std::int64_t i = 0; i < 40; ++i) {
    Store& me = *stores[i % 2];
    Store& peer = *stores[(i + 1) % 2];
    claimed.push_back(ClaimAndCompare(me, peer, sweep_id, i));
    if (::testing::Test::HasFailure()) return;
    const RunRecord& run = claimed.back();
    // Writes of every kind, through the other connection, to new and old runs.
    ASSERT_TRUE(peer.MarkRunStarted(run.id, {"train", std::to_string(i)}, 100 + static_cast<int>(i),
                                    "/runs/" + run.id, 1000.0 + static_cast<double>(i))
                    .ok());
    ASSERT_TRUE(peer.LogMetrics(run.id, {MetricPoint{"loss", 1, 0.5, 2.0}, MetricPoint{"acc", 1, 0.1, 2.0}}).ok());
    if (i >= 2) {
      const RunRecord& old = claimed[static_cast<std::size_t>(i - 2)];
      ASSERT_TRUE(me.LogMetrics(old.id, {MetricPoint{"loss", 2, 0.25 * static_cast<double>(i), 3.0}}).ok());
      ASSERT_TRUE(peer.SetTags(old.id, {{"note", "n" + std::to_string(i)}, {"git", "abc"}}).ok());
      // Runs claimed up to i == 20 were reaped (crashed) at i == 20.
      if (i % 3 == 0 && (i <= 20 || i > 22)) {
        RunOutcome out;
        out.state = i % 2 ? TrialState::kFinished : TrialState::kFailed;
        out.exit_code = static_cast<int>(i % 7);
        out.failure_reason = i % 2 ? "" : "exit " + std::to_string(i % 7);
        ASSERT_TRUE(peer.FinishRun(old.id, out).ok());
      }
    }
    // Heartbeats change nothing a RunRecord shows; a claim on another sweep
    // must not disturb this sweep's view.
    ASSERT_TRUE(me.Heartbeat({run.id}, 5000.0 + static_cast<double>(i)).ok());
    if (i % 5 == 0) {
      ClaimAndCompare(peer, me, other_id, i);
      if (::testing::Test::HasFailure()) return;
    }
    if (i == 20) {
      // Reap through one connection, then a raw write as another program.
      auto reaped = peer.ReapStaleRuns(sweep_id, 1e12, "lost");
      ASSERT_TRUE(reaped.ok());
      EXPECT_FALSE(reaped->empty());
      RawExec(db, "UPDATE runs SET failure_reason = 'raw' WHERE id = '" + claimed[1].id + "'");
      RawExec(db, "INSERT OR REPLACE INTO tags (run_seq, key, value) SELECT seq, 'raw', 'yes' FROM runs WHERE id = '" +
                      claimed[3].id + "'");
      RawExec(db, "DELETE FROM tags WHERE key = 'git' AND run_seq = (SELECT seq FROM runs WHERE id = '" +
                      claimed[4].id + "')");
    }
  }
  // One more from each, after all the writes.
  ClaimAndCompare(*stores[0], *stores[1], sweep_id, 100);
  ClaimAndCompare(*stores[1], *stores[0], sweep_id, 101);
  auto final_runs = (*a)->ListRuns(sweep_id);
  ASSERT_TRUE(final_runs.ok());
  EXPECT_EQ(final_runs->size(), 42u);
  EXPECT_EQ((*final_runs)[1].failure_reason, "raw");
  EXPECT_EQ((*final_runs)[3].tags.at("raw"), "yes");
  EXPECT_EQ((*final_runs)[4].tags.count("git"), 0u);
}

TEST_F(SqliteStoreTest, VersionTwoDatabaseGainsChangeStampsAndKeepsItsRuns) {
  const fs::path db = dir_ / "sweep.db";
  std::string sweep_id;
  std::vector<RunRecord> before;
  {
    auto store = OpenStore(db.string());
    ASSERT_TRUE(store.ok());
    SweepRecord s;
    s.name = "v2";
    s.method = "grid";
    sweep_id = (*store)->CreateSweep(s)->id;
    for (std::int64_t i = 0; i < 3; ++i) ClaimAndCompare(**store, **store, sweep_id, i);
    auto runs = (*store)->ListRuns(sweep_id);
    ASSERT_TRUE(runs.ok());
    ASSERT_TRUE((*store)->LogMetrics((*runs)[0].id, {MetricPoint{"loss", 1, 0.5, 2.0}}).ok());
    ASSERT_TRUE((*store)->SetTags((*runs)[1].id, {{"k", "v"}}).ok());
    RunOutcome out;
    out.exit_code = 0;
    ASSERT_TRUE((*store)->FinishRun((*runs)[2].id, out).ok());
    before = *(*store)->ListRuns(sweep_id);
  }
  DowngradeToV2(db);
  ASSERT_EQ(RawPragma(db, "PRAGMA user_version"), 2);
  ASSERT_EQ(RawPragma(db, "SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'changed_seq'"), 0);
  auto store = OpenStore(db.string());
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(RawPragma(db, "PRAGMA user_version"), kSqliteSchemaVersion);
  EXPECT_EQ(RawPragma(db, "SELECT count(*) FROM runs WHERE changed_seq <= 0"), 0);
  auto after = (*store)->ListRuns(sweep_id);
  ASSERT_TRUE(after.ok());
  testing::ExpectSameRuns(*after, before);
  ClaimAndCompare(**store, **store, sweep_id, 3);
  // A write by another connection after the migration shows in the next claim.
  auto peer = OpenStore(db.string());
  ASSERT_TRUE(peer.ok());
  ASSERT_TRUE((*peer)->SetTags(before[0].id, {{"after", "migration"}}).ok());
  ASSERT_TRUE((*peer)->LogMetrics(before[1].id, {MetricPoint{"loss", 4, 0.125, 9.0}}).ok());
  ClaimAndCompare(**store, **peer, sweep_id, 4);
}

TEST_F(SqliteStoreTest, VersionThreeDatabaseGainsProjectsAndStandaloneRunNames) {
  const fs::path db = dir_ / "sweep.db";
  std::string manual_id, grid_id, run_id, grid_run_id;
  {
    auto store = OpenStore(db.string());
    ASSERT_TRUE(store.ok());
    SweepRecord manual;
    manual.name = "myproj";  // before v4, standalone runs went to a manual sweep named after the project
    manual.method = "manual";
    manual_id = (*store)->CreateSweep(manual)->id;
    SweepRecord grid;
    grid.name = "g";
    grid.method = "grid";
    grid_id = (*store)->CreateSweep(grid)->id;
    run_id = ClaimAndCompare(**store, **store, manual_id, 0).id;
    grid_run_id = ClaimAndCompare(**store, **store, grid_id, 1).id;
    ASSERT_TRUE((*store)->SetTags(run_id, {{"name", "local-try"}, {"env.os", "linux"}}).ok());
    ASSERT_TRUE((*store)->SetTags(grid_run_id, {{"name", "kept"}}).ok());
  }
  DowngradeToV3(db);
  ASSERT_EQ(RawPragma(db, "SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'labels'"), 0);
  auto store = OpenStore(db.string());
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(RawPragma(db, "PRAGMA user_version"), kSqliteSchemaVersion);
  EXPECT_EQ((*store)->GetSweep(manual_id)->project, "myproj");
  EXPECT_EQ((*store)->GetSweep(grid_id)->project, kDefaultProject);
  auto run = (*store)->GetRun(run_id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->name, "local-try");
  EXPECT_EQ(run->tags, (std::map<std::string, std::string>{{"env.os", "linux"}}));
  EXPECT_TRUE(run->labels.empty());
  auto grid_run = (*store)->GetRun(grid_run_id);  // only standalone runs used the tag as their name
  EXPECT_EQ(grid_run->name, "");
  EXPECT_EQ(grid_run->tags.at("name"), "kept");
  // The recreated stamp trigger covers the new columns.
  const std::string stamp_sql = "SELECT changed_seq FROM runs WHERE id = '" + run_id + "'";
  const auto stamp = RawPragma(db, stamp_sql.c_str());
  RunLabelsUpdate update;
  update.add_labels = {"baseline"};
  ASSERT_TRUE((*store)->UpdateRunLabels(run_id, update).ok());
  EXPECT_GT(RawPragma(db, stamp_sql.c_str()), stamp);
}

TEST_F(SqliteStoreTest, ManyProcessesClaimEveryGridPointOnce) {
  constexpr int kProcesses = 8;
  constexpr std::int64_t kGridPoints = 1000;
  const fs::path db = dir_ / "sweep.db";
  std::string sweep_id;
  {
    auto store = OpenStore(db.string());
    ASSERT_TRUE(store.ok());
    SweepRecord s;
    s.name = "grid";
    s.method = "grid";
    sweep_id = (*store)->CreateSweep(s)->id;
  }
  // A start gate: every child blocks on it until all exist, so on a loaded
  // machine the first child cannot claim the whole grid before the others
  // start (which would fail the "more than one process won" check below).
  int gate[2];
  ASSERT_EQ(::pipe(gate), 0);
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Child: no gtest assertions (they would not reach the parent); the
      // exit status carries success.
      ::close(gate[1]);
      char go = 0;
      if (::read(gate[0], &go, 1) != 0) ::_exit(4);  // EOF once the parent closes its end
      auto store = OpenStore(db.string());
      if (!store.ok()) ::_exit(2);
      const ProposeFn lowest_unclaimed = [&](const std::vector<RunRecord>& existing) -> Result<std::optional<NewRun>> {
        std::vector<bool> taken(kGridPoints, false);
        for (const auto& r : existing) taken[static_cast<std::size_t>(*r.grid_index)] = true;
        for (std::int64_t i = 0; i < kGridPoints; ++i) {
          if (!taken[static_cast<std::size_t>(i)]) return std::optional<NewRun>(NewRun{{{"i", Value(i)}}, i});
        }
        return std::optional<NewRun>();
      };
      for (;;) {
        auto claimed = (*store)->ClaimRun(sweep_id, lowest_unclaimed, ClaimContext{"h", std::to_string(p)});
        if (!claimed.ok()) {
          std::fprintf(stderr, "child %d: %s\n", p, claimed.error().message.c_str());
          ::_exit(3);
        }
        if (!claimed->has_value()) break;
      }
      ::_exit(0);
    }
    children.push_back(pid);
  }
  ::close(gate[0]);
  ::close(gate[1]);  // go
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  }
  auto store = OpenStore(db.string());
  ASSERT_TRUE(store.ok());
  auto runs = (*store)->ListRuns(sweep_id);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), static_cast<std::size_t>(kGridPoints));
  std::set<std::int64_t> points;
  std::set<std::string> agents;
  for (std::size_t i = 0; i < runs->size(); ++i) {
    const RunRecord& r = (*runs)[i];
    EXPECT_EQ(r.number, static_cast<std::int64_t>(i + 1));
    points.insert(*r.grid_index);
    EXPECT_EQ(r.params.at(0).second.as_int(), *r.grid_index);
    agents.insert(r.agent_id);
  }
  EXPECT_EQ(points.size(), static_cast<std::size_t>(kGridPoints));
  EXPECT_EQ(*points.begin(), 0);
  EXPECT_EQ(*points.rbegin(), kGridPoints - 1);
  EXPECT_GT(agents.size(), 1u) << "only one process ever won the lock";
}

TEST_F(SqliteStoreTest, VersionFourDatabaseGainsArtifactsAndTheRegistry) {
  const fs::path db = dir_ / "sweep.db";
  std::string run_id;
  {
    auto store = OpenStore(db.string());
    ASSERT_TRUE(store.ok());
    SweepRecord s;
    s.name = "old";
    s.method = "random";
    auto created = (*store)->CreateSweep(s);
    ASSERT_TRUE(created.ok());
    auto run = (*store)->ClaimRun(
        created->id, [](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> { return std::optional<NewRun>(NewRun{}); },
        ClaimContext{"h", "a", TrialState::kRunning});
    ASSERT_TRUE(run.ok() && run->has_value());
    run_id = (*run)->id;
  }
  DowngradeToV4(db);
  auto store = OpenStore(db.string());
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(RawPragma(db, "PRAGMA user_version"), kSqliteSchemaVersion);
  NewArtifactVersion v;
  v.project = "default";
  v.name = "model";
  v.type = "model";
  v.producer_run = run_id;
  v.files = {{"w.bin", std::string(64, 'a'), 3}};
  auto logged = (*store)->LogArtifactVersion(v);
  ASSERT_TRUE(logged.ok()) << logged.error().message;
  EXPECT_TRUE((*store)->RegisterModelVersion("clf", logged->id, run_id, AuditStamp{"u", "h", 1, ""}).ok());
}

}  // namespace
}  // namespace sweep
