// The SQLite schema: versioned by PRAGMA user_version, marked by PRAGMA
// application_id, and advanced by an ordered list of migrations.
#pragma once

#include <string>

#include "core/result.h"
#include "tracking/sqlite_db.h"

namespace sweep::sqlite {

// How long a write waits for other processes' transactions before giving up.
// Trials commit in milliseconds; 30 s only runs out when a process is stuck
// holding the lock, which is then worth reporting.
inline constexpr int kBusyBudgetMs = 30'000;

// Checks that `db` (opened on an existing, non-empty file) is a Sweep
// database this build can read, reading only: foreign, damaged and newer
// files are refused without being modified.
Status CheckExisting(Database& db);

// The error for a store file SQLite cannot read (no SQLite header, or a
// header or schema it rejects), naming the file and `cause`. kIo: the user's
// command was fine, the store failed (exit 1), unlike a readable database of
// another application or a newer Sweep, which the user chose (kInvalidInput).
Error DamagedDatabase(const std::string& path, const std::string& cause);

// For read-only use: kInvalidInput unless `db` (CheckExisting passed) has
// exactly this build's schema version, which a reader cannot migrate to.
Status RequireCurrentSchema(Database& db);

// Sets connection pragmas (WAL, foreign keys) and applies pending
// migrations in one immediate transaction.
Status ConfigureAndMigrate(Database& db);

}  // namespace sweep::sqlite
