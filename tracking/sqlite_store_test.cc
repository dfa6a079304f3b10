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

#include "tracking/sqlite_store.h"
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
  void ExpectRefusedUnchanged(const fs::path& p, ErrorCode code, const std::string& needle) {
    const std::string before = ReadBytes(p);
    auto store = OpenStore(p.string());
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, code) << store.error().message;
    EXPECT_NE(store.error().message.find(needle), std::string::npos) << store.error().message;
    EXPECT_EQ(ReadBytes(p), before) << "the refused file was modified";
  }

  fs::path dir_;
};

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

TEST_F(SqliteStoreTest, RefusesNonSqliteUnchanged) {
  const fs::path db = dir_ / "notes.txt";
  WriteBytes(db, "these are my notes, not a database\n");
  ExpectRefusedUnchanged(db, ErrorCode::kInvalidInput, "not a SQLite database");
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
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Child: no gtest assertions (they would not reach the parent); the
      // exit status carries success.
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

}  // namespace
}  // namespace sweep
