// The embedded SQLite Store. Private to the tracking module: callers use
// OpenStore (tracking/store.h), which dispatches here for file paths.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "tracking/store.h"

namespace sweep {

// The schema version this build writes (PRAGMA user_version) and the
// application id that marks a file as a Sweep database.
inline constexpr int kSqliteSchemaVersion = 5;
// "SWEP" in ASCII, so `file` and sqlite3 show whose database it is.
inline constexpr int kSqliteApplicationId = 0x53574550;

// Opens or creates the database at `path` (parent directories created),
// switches it to WAL, and applies pending migrations in one transaction.
// Refuses, without writing, files that are not SQLite, SQLite files of another
// application, damaged files, and schema versions newer than this build.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

// Opens the existing database at `path` read-only (SQLITE_OPEN_READONLY):
// nothing is created or migrated. Refuses what OpenSqliteStore refuses, a
// missing file (kNotFound) and a schema older than this build (kInvalidInput).
Result<std::unique_ptr<Store>> OpenSqliteStoreReadOnly(const std::string& path);

}  // namespace sweep
