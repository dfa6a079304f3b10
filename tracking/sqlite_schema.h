// The SQLite schema: versioned by PRAGMA user_version, marked by PRAGMA
// application_id, and advanced by an ordered list of migrations.
#pragma once

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

// Sets connection pragmas (WAL, foreign keys) and applies pending
// migrations in one immediate transaction.
Status ConfigureAndMigrate(Database& db);

}  // namespace sweep::sqlite
