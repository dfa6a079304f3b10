// OpenSqliteStore, and the lookups that SqliteStore's other files share.
// The class is declared in sqlite_store_impl.h; its methods live in
// sqlite_store_*.cc, one concern each.
#include "tracking/sqlite_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "tracking/sqlite_schema.h"
#include "tracking/sqlite_store_impl.h"

namespace sweep {
namespace sqlite {
namespace {

// Ids are regenerated on collision; with 36^8 ids, needing more than a few
// tries means the generator is broken, not unlucky.
constexpr int kMaxIdAttempts = 16;
constexpr std::string_view kSqliteMagic{"SQLite format 3\0", 16};

Result<bool> IsExistingDatabase(const std::filesystem::path& path) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (ec) return Error::Io("cannot stat " + path.string() + ": " + ec.message());
  if (!exists) return false;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Error::Io("cannot stat " + path.string() + ": " + ec.message());
  if (size == 0) return false;
  std::ifstream in(path, std::ios::binary);
  std::string header(kSqliteMagic.size(), '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(header.size())) || header != kSqliteMagic) {
    return DamagedDatabase(path.string(), "it does not start with the SQLite header");
  }
  return true;
}

// False when the store's file or folder refuses writes: a read-only mount, or
// permissions (SQLite also writes the -wal and -shm files beside it).
bool CanWrite(const std::filesystem::path& file) {
  const std::filesystem::path folder = file.has_parent_path() ? file.parent_path() : ".";
  return ::access(file.c_str(), W_OK) == 0 && ::access(folder.c_str(), W_OK) == 0;
}

// Reads keep working on a store that cannot be written; writes fail with
// "the store ... is read-only" (sqlite_db.cc). mode=ro still sees commits
// waiting in the -wal file, but needs a -shm file it can use; without one
// and without a -wal file, the file alone is the whole store (immutable).
Result<std::unique_ptr<Database>> OpenReadOnly(const std::string& path) {
  auto db = Database::Open(path, OpenMode::kReadOnly);
  if (!db.ok()) return db.error();
  (*db)->SetBusyTimeoutMs(kBusyBudgetMs);
  Status usable = CheckReadOnlyUsable(**db);
  if (usable.ok()) return db;
  std::error_code ec;
  const std::string wal = path + "-wal";
  if (std::filesystem::exists(wal, ec) && std::filesystem::file_size(wal, ec) > 0) {
    return Error::Io("the store " + path + " is read-only and " + wal +
                     " holds commits not yet in it, which SQLite can read only where it may create " + path +
                     "-shm (" + usable.error().message + ")");
  }
  auto immutable = Database::Open(path, OpenMode::kImmutable);
  if (!immutable.ok()) return immutable.error();
  if (auto s = CheckReadOnlyUsable(**immutable); !s.ok()) return s.error();
  return immutable;
}

std::string ReservePath(const std::string& store_path) { return store_path + ".reserve"; }

}  // namespace

void KeepDiskReserve(const std::string& store_path) {
  const std::string path = ReservePath(store_path);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;  // best effort: no reserve, no harm
  struct stat info {};
  if (::fstat(fd, &info) == 0 && static_cast<std::uintmax_t>(info.st_size) < kDiskReserveBytes &&
      ::posix_fallocate(fd, 0, static_cast<off_t>(kDiskReserveBytes)) != 0) {
    ::close(fd);
    ::unlink(path.c_str());  // a partial reserve is worth nothing
    return;
  }
  ::close(fd);
}

bool ReleaseDiskReserve(const std::string& store_path) { return ::unlink(ReservePath(store_path).c_str()) == 0; }

Result<std::string> SqliteStore::NewId(const char* exists_sql) {
  for (int attempt = 0; attempt < kMaxIdAttempts; ++attempt) {
    std::string id = ids_.Next();
    auto stmt = db_->Prepare(exists_sql);
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, id);
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    if (!*row) return id;
  }
  return Error::Internal("could not find an unused id after " + std::to_string(kMaxIdAttempts) + " tries");
}

Result<std::string> SqliteStore::ChosenIdIfFree(const std::string& id) {
  if (!IsValidChosenRunId(id)) return Error::InvalidInput(ChosenRunIdRule(id));
  auto stmt = db_->Prepare("SELECT 1 FROM runs WHERE id = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, id);
  auto row = stmt->Step();
  if (!row.ok()) return row.error();
  if (*row) return Error::Conflict("a run with id " + id + " already exists");
  return id;
}

Result<std::string> SqliteStore::ResolvePrefix(const char* sql, const std::string& what, const std::string& prefix) {
  if (!IsIdPrefix(prefix)) return Error::NotFound("no " + what + " matches '" + prefix + "'");
  auto stmt = db_->Prepare(sql);
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, prefix + "*");  // safe: IsIdPrefix admits no GLOB metacharacters
  std::vector<std::string> matches;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    matches.push_back(stmt->Text(0));
  }
  if (matches.empty()) return Error::NotFound("no " + what + " matches '" + prefix + "'");
  if (matches.size() > 1) {
    std::string list;
    for (const auto& m : matches) list += (list.empty() ? "" : ", ") + m;
    return Error::InvalidInput("'" + prefix + "' is ambiguous: it prefixes " + what + "s " + list);
  }
  return matches.front();
}

Status SqliteStore::RequireSweep(const std::string& sweep_id) {
  auto stmt = db_->Prepare("SELECT 1 FROM sweeps WHERE id = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, sweep_id);
  auto row = stmt->Step();
  if (!row.ok()) return row.error();
  if (!*row) return Error::NotFound("no sweep with id " + sweep_id);
  return OkStatus();
}

Result<std::int64_t> SqliteStore::RunSeq(const std::string& run_id) {
  auto stmt = db_->Prepare("SELECT seq FROM runs WHERE id = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, run_id);
  auto row = stmt->Step();
  if (!row.ok()) return row.error();
  if (!*row) return Error::NotFound("no run with id " + run_id);
  return stmt->Int(0);
}

Result<TrialState> SqliteStore::RunState(const std::string& run_id) {
  auto stmt = db_->Prepare("SELECT state FROM runs WHERE id = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, run_id);
  auto row = stmt->Step();
  if (!row.ok()) return row.error();
  if (!*row) return Error::NotFound("no run with id " + run_id);
  auto state = ParseTrialState(stmt->Text(0));
  if (!state) return Error::Internal("run " + run_id + " has unknown state " + stmt->Text(0));
  return *state;
}

}  // namespace sqlite

namespace sqlite {

SqliteStore::~SqliteStore() {
  if (db_->committed()) (void)SyncWrites();  // a destructor has no one to tell
}

Status SqliteStore::SyncWrites() { return wal_sync_->Sync(); }

}  // namespace sqlite

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  const std::filesystem::path file(path);
  if (file.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec) return Error::Io("cannot create " + file.parent_path().string() + ": " + ec.message());
  }
  auto existing = sqlite::IsExistingDatabase(file);
  if (!existing.ok()) return existing.error();
  if (*existing && !sqlite::CanWrite(file)) {
    auto db = sqlite::OpenReadOnly(path);
    if (!db.ok()) return db.error();
    return std::unique_ptr<Store>(new sqlite::SqliteStore(std::move(db).value()));
  }
  auto db = sqlite::Database::Open(path, *existing ? sqlite::OpenMode::kReadWrite
                                                  : sqlite::OpenMode::kReadWriteCreate);
  if (!db.ok()) return db.error();
  // Readers in WAL mode rarely wait; this covers checkpoints and migration.
  (*db)->SetBusyTimeoutMs(sqlite::kBusyBudgetMs);
  if (*existing) {
    if (auto s = sqlite::CheckExisting(**db); !s.ok()) return s.error();
  }
  if (auto s = sqlite::ConfigureAndMigrate(**db); !s.ok()) return s.error();
  sqlite::KeepDiskReserve(path);
  return std::unique_ptr<Store>(new sqlite::SqliteStore(std::move(db).value()));
}

Result<std::unique_ptr<Store>> OpenSqliteStoreReadOnly(const std::string& path) {
  auto existing = sqlite::IsExistingDatabase(path);
  if (!existing.ok()) return existing.error();
  if (!*existing) return Error::NotFound("no store at " + path);
  auto db = sqlite::OpenReadOnly(path);
  if (!db.ok()) return db.error();
  return std::unique_ptr<Store>(new sqlite::SqliteStore(std::move(db).value()));
}

}  // namespace sweep
