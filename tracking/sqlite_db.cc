#include "tracking/sqlite_db.h"

#include <sqlite3.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>
#include <thread>
#include <cmath>
#include <limits>

namespace sweep::sqlite {
namespace {

bool MissingWal(const std::string& file);

// Words of the diagnoses below that are not damage to the file itself
// (NamesACauseOtherThanDamage).
constexpr std::string_view kReadOnlyWords = " is read-only (";
constexpr std::string_view kLostLogWords = " lost its write-ahead log: ";

Error ErrorFor(sqlite3* db, int code, std::string_view what) {
  std::string message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(code));
  // SQLite says only "disk I/O error" when a write hits a full disk or the
  // file size limit (`ulimit -f`, EFBIG), and the OS error it keeps is often
  // overwritten by then; the user needs the likely causes and the file.
  const int primary = db ? sqlite3_errcode(db) & 0xff : code & 0xff;
  if (primary == SQLITE_READONLY) {
    const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
    return Error::Io(std::string("the store ") + (file && *file ? file : "") + std::string(kReadOnlyWords) + message +
                     ")");
  }
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
    return Error::Io(std::string("the store ") + (file && *file ? file : "") +
                     " is damaged: SQLite found a malformed page or index in it (" + message +
                     "); what can be saved is in the output of `sqlite3 FILE .recover`");
  }
  if (primary == SQLITE_IOERR || primary == SQLITE_FULL) {
    const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
    if (file && *file && MissingWal(file)) {
      return Error::Io(std::string("the store ") + file + std::string(kLostLogWords) + file +
                       "-wal is gone while " + file + "-shm still describes it (deleted by hand, or by a "
                       "cleanup job?); the commits it held are lost (" + message + ")");
    }
    message += std::string(" on ") + (file && *file ? file : "the database") +
               " (is the disk full, or a file size limit such as `ulimit -f` reached?); "
               "transactions already committed are intact";
  }
  // A damaged or foreign file is the user's data problem, not a transient one.
  return Error::Io(std::move(message));
}

}  // namespace

bool NamesACauseOtherThanDamage(const Error& error) {
  return error.message.find(kReadOnlyWords) != std::string::npos ||
         error.message.find(kLostLogWords) != std::string::npos;
}

namespace {

// SQLite's WAL-index header (the start of `-shm`, in native byte order):
// mxFrame, the number of valid frames in the log, sits at this offset.
constexpr std::size_t kShmMaxFrameOffset = 16;
// A log shorter than its own header holds no frame.
constexpr off_t kWalHeaderBytes = 32;

// True when `file`-shm says the log holds committed frames but `file`-wal is
// gone, or is an empty file SQLite made anew after someone deleted the log
// of an open WAL database.
bool MissingWal(const std::string& file) {
  struct stat wal {};
  const bool wal_empty = ::stat((file + "-wal").c_str(), &wal) != 0 ? errno == ENOENT : wal.st_size < kWalHeaderBytes;
  if (!wal_empty) return false;
  std::ifstream shm(file + "-shm", std::ios::binary);
  std::uint32_t max_frame = 0;
  shm.seekg(kShmMaxFrameOffset);
  shm.read(reinterpret_cast<char*>(&max_frame), sizeof max_frame);
  return shm.good() && max_frame > 0;
}

// A file: URI for `path` (SQLite's URI rules: '%', '?' and '#' escaped).
std::string FileUri(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "file:";
  for (unsigned char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 0xf];
    } else {
      uri += static_cast<char>(c);
    }
  }
  return uri;
}

}  // namespace

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement& Statement::Bind(int index, std::int64_t v) {
  [[maybe_unused]] int rc = sqlite3_bind_int64(stmt_, index, v);
  assert(rc == SQLITE_OK);
  return *this;
}

Statement& Statement::Bind(int index, double v) {
  [[maybe_unused]] int rc = sqlite3_bind_double(stmt_, index, v);
  assert(rc == SQLITE_OK);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view v) {
  [[maybe_unused]] int rc =
      sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  assert(rc == SQLITE_OK);
  return *this;
}

Statement& Statement::Bind(int index, std::optional<std::int64_t> v) {
  return v ? Bind(index, *v) : BindNull(index);
}

Statement& Statement::BindNull(int index) {
  [[maybe_unused]] int rc = sqlite3_bind_null(stmt_, index);
  assert(rc == SQLITE_OK);
  return *this;
}

Result<bool> Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return ErrorFor(db_, rc, std::string("executing \"") + sqlite3_sql(stmt_) + "\"");
}

Status Statement::Run() {
  for (;;) {
    auto row = Step();
    if (!row.ok()) return row.error();
    if (!*row) return OkStatus();
  }
}

void Statement::Reset() { sqlite3_reset(stmt_); }

bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
std::int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::Double(int col) const {
  if (IsNull(col)) return std::numeric_limits<double>::quiet_NaN();
  return sqlite3_column_double(stmt_, col);
}
int Statement::ColumnCount() const { return sqlite3_column_count(stmt_); }

std::string Statement::Text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (p == nullptr) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, OpenMode mode) {
  int flags = SQLITE_OPEN_NOMUTEX;  // one thread per connection (see header)
  std::string name = path;
  switch (mode) {
    case OpenMode::kReadOnly: flags |= SQLITE_OPEN_READONLY; break;
    case OpenMode::kImmutable:
      flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
      name = FileUri(path) + "?immutable=1";
      break;
    case OpenMode::kReadWrite: flags |= SQLITE_OPEN_READWRITE; break;
    case OpenMode::kReadWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
  }
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(name.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error e = ErrorFor(db, rc, "opening " + path);
    sqlite3_close_v2(db);
    return e;
  }
  sqlite3_extended_result_codes(db, 0);
  return std::unique_ptr<Database>(new Database(db, path));
}

Database::~Database() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status Database::Exec(const char* sql) {
  last_code_ = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (last_code_ != SQLITE_OK) return MakeError(std::string("executing \"") + sql + "\"");
  return OkStatus();
}

bool Database::LastWasBusy() const { return last_code_ == SQLITE_BUSY || last_code_ == SQLITE_LOCKED; }

Result<Statement> Database::Prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    last_code_ = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (last_code_ != SQLITE_OK) return MakeError(std::string("preparing \"") + sql + "\"");
    it = cache_.emplace(sql, stmt).first;
  }
  return Statement(db_, it->second);
}

Status Database::ExecWithBusyBudget(const char* sql, int budget_ms) {
  // Short waits inside SQLite's own busy handler, then a jittered pause out
  // here, so many processes do not wake in lock step after a commit.
  constexpr int kSliceMs = 200;
  constexpr int kMaxJitterUs = 2000;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(budget_ms);
  thread_local std::minstd_rand jitter{std::random_device{}()};
  sqlite3_busy_timeout(db_, kSliceMs);
  for (;;) {
    Status s = Exec(sql);
    if (s.ok() || !LastWasBusy()) return s;
    if (std::chrono::steady_clock::now() >= deadline) {
      return Error::Io("database " + path_ + " stayed locked by another process for more than " +
                       std::to_string(budget_ms) + " ms (" + sql + ")");
    }
    std::this_thread::sleep_for(std::chrono::microseconds(jitter() % kMaxJitterUs));
  }
}

Status Database::BeginImmediate(int budget_ms) { return ExecWithBusyBudget("BEGIN IMMEDIATE", budget_ms); }
Status Database::Commit(int budget_ms) {
  Status status = ExecWithBusyBudget("COMMIT", budget_ms);
  if (status.ok()) committed_ = true;
  return status;
}
void Database::Rollback() {
  if (InTransaction()) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

std::int64_t Database::Changes() const { return sqlite3_changes64(db_); }
std::int64_t Database::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }
void Database::SetBusyTimeoutMs(int ms) { sqlite3_busy_timeout(db_, ms); }
bool Database::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Error Database::MakeError(std::string_view what) const { return ErrorFor(db_, last_code_, what); }

WalSync::~WalSync() {
  if (fd_ >= 0) ::close(fd_);
}

Status WalSync::Sync() {
  std::lock_guard lock(mu_);
  if (fd_ < 0) {
    fd_ = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
    // No log: nothing was written since the last connection closed, and
    // that close checkpointed (and synced) the log into the database.
    if (fd_ < 0 && errno == ENOENT) return OkStatus();
    if (fd_ < 0) return Error::Io("cannot open " + wal_path_ + " to flush it: " + std::strerror(errno));
  }
  if (::fdatasync(fd_) != 0) {
    return Error::Io("cannot flush " + wal_path_ + " to disk: " + std::strerror(errno) +
                     " (the latest results may not survive a power cut)");
  }
  return OkStatus();
}

}  // namespace sweep::sqlite
