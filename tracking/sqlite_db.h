// A thin RAII layer over the SQLite C API, private to the tracking module.
// It forward-declares the sqlite3 handles so that no header outside tracking/*.cc
// sees sqlite3.h.
//
// Thread-safety: a Database and its Statements belong to one thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sweep::sqlite {

// A cached prepared statement, borrowed from its Database. Destruction resets
// it and clears its bindings so the next borrower starts clean. Columns and
// parameters are numbered as in SQLite: parameters from 1, columns from 0.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& Bind(int index, std::int64_t v);
  Statement& Bind(int index, double v);  // NaN is stored as NULL by SQLite
  Statement& Bind(int index, std::string_view v);
  Statement& Bind(int index, std::optional<std::int64_t> v);
  Statement& BindNull(int index);

  // Advances one row: true while a row is available, false when done.
  Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  Status Run();
  // Rewinds for another execution, keeping bindings (they are rebound anyway).
  void Reset();

  bool IsNull(int col) const;
  std::int64_t Int(int col) const;
  double Double(int col) const;  // NULL reads as NaN (see Bind(double))
  std::string Text(int col) const;
  int ColumnCount() const;  // of the statement's result rows

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// kReadOnly opens with SQLite's mode=ro (it still reads the -wal file, which
// needs the -shm file to exist or be creatable); kImmutable promises SQLite
// that nobody changes the file (immutable=1: no locks, no -shm, the -wal file
// ignored), for a store on a read-only filesystem without a -wal file.
enum class OpenMode { kReadOnly, kImmutable, kReadWrite, kReadWriteCreate };

class Database {
 public:
  // Opens without reading: the file is not touched until the first query.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, OpenMode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements; the SQLite result code is kept in last_code().
  Status Exec(const char* sql);
  // True when the last failed call failed because another connection held a lock.
  bool LastWasBusy() const;
  // BEGIN IMMEDIATE (resp. COMMIT), retried while another connection holds
  // the write lock, for at most `budget_ms` in total; past it, a kIo error
  // that says the database stayed locked.
  Status BeginImmediate(int budget_ms);
  Status Commit(int budget_ms);
  // Rolls back the open transaction, if any; errors are ignored because the
  // caller is already returning the error that caused the rollback.
  void Rollback();
  // Returns the statement for `sql`, compiled once per Database and reused.
  Result<Statement> Prepare(const char* sql);
  std::int64_t Changes() const;
  std::int64_t LastInsertRowid() const;
  void SetBusyTimeoutMs(int ms);
  bool InTransaction() const;
  // True once a transaction committed through this connection.
  bool committed() const { return committed_; }
  const std::string& path() const { return path_; }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Error MakeError(std::string_view what) const;
  Status ExecWithBusyBudget(const char* sql, int budget_ms);

  sqlite3* db_;
  std::string path_;
  int last_code_ = 0;
  bool committed_ = false;
  // Keyed by the SQL text's address: every caller passes a string literal.
  std::map<const char*, sqlite3_stmt*> cache_;

  friend class Statement;
};

// True when `error` (from a Database or Statement of this file) says the
// store is read-only or lost its write-ahead log: causes the caller must not
// re-describe as "damaged or not a database".
bool NamesACauseOtherThanDamage(const Error& error);

// Puts the commits made so far to the database at `db_path`, through any
// connection of this process, on stable storage: an fdatasync of its
// write-ahead log. The store runs with WAL and synchronous=NORMAL: every
// commit is atomic and survives a crash of the process, but reaches the disk
// only at checkpoints (which SQLite syncs before copying the log into the
// database, and after); a commit's log frames synced here are replayed by
// the next open after a power cut. One fsync covers every commit before it,
// which is what lets a background thread group the commits of many runs.
//
// Thread-safe, and independent of any Database object (it opens the log
// file itself), so it may run on another thread while a connection writes.
class WalSync {
 public:
  explicit WalSync(std::string db_path) : wal_path_(std::move(db_path) + "-wal") {}
  ~WalSync();
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;

  Status Sync();

 private:
  std::mutex mu_;
  const std::string wal_path_;
  int fd_ = -1;  // guarded by mu_; opened on the first Sync
};

}  // namespace sweep::sqlite
