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

// Durability rule. The database runs in WAL mode with synchronous=NORMAL:
// each commit is atomic and survives a crash of the process, but is written
// to disk only at the next checkpoint, so a power cut may take the latest
// commits with it (the database stays consistent). A commit is on stable
// storage once SyncWrites returned after it (an fdatasync of the log: one
// covers every commit before it) or once the store that made it was
// destroyed. The controller releases a run's end to its observer (the
// console, --events) only after such a sync, from a background thread that
// groups the ends of many runs into one fsync (sweep/durable_observer.h):
// what `sweep run` reported finished survives a power cut, and a trial does
// not wait ~4 ms for a disk flush before the next one starts. Claims,
// heartbeats, metrics and tags written since the last sync may be lost on
// power loss; resume treats such runs as it treats a dead agent's.
//
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
