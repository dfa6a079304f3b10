// OpenSqliteStore, and the lookups that SqliteStore's other files share.
// The class is declared in sqlite_store_impl.h; its methods live in
// sqlite_store_*.cc, one concern each.
#include "tracking/sqlite_store.h"

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

}  // namespace

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

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

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  const std::filesystem::path file(path);
  if (file.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec) return Error::Io("cannot create " + file.parent_path().string() + ": " + ec.message());
  }
  auto existing = sqlite::IsExistingDatabase(file);
  if (!existing.ok()) return existing.error();
  auto db = sqlite::Database::Open(path, *existing ? sqlite::OpenMode::kReadWrite
                                                  : sqlite::OpenMode::kReadWriteCreate);
  if (!db.ok()) return db.error();
  // Readers in WAL mode rarely wait; this covers checkpoints and migration.
  (*db)->SetBusyTimeoutMs(sqlite::kBusyBudgetMs);
  if (*existing) {
    if (auto s = sqlite::CheckExisting(**db); !s.ok()) return s.error();
  }
  if (auto s = sqlite::ConfigureAndMigrate(**db); !s.ok()) return s.error();
  return std::unique_ptr<Store>(new sqlite::SqliteStore(std::move(db).value()));
}

Result<std::unique_ptr<Store>> OpenSqliteStoreReadOnly(const std::string& path) {
  auto existing = sqlite::IsExistingDatabase(path);
  if (!existing.ok()) return existing.error();
  if (!*existing) return Error::NotFound("no store at " + path);
  auto db = sqlite::Database::Open(path, sqlite::OpenMode::kReadOnly);
  if (!db.ok()) return db.error();
  (*db)->SetBusyTimeoutMs(sqlite::kBusyBudgetMs);
  if (auto s = sqlite::CheckExisting(**db); !s.ok()) return s.error();
  if (auto s = sqlite::RequireCurrentSchema(**db); !s.ok()) return s.error();
  return std::unique_ptr<Store>(new sqlite::SqliteStore(std::move(db).value()));
}

}  // namespace sweep
