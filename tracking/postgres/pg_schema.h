// The PostgreSQL store's schema and its migrations. Private to
// tracking/postgres.
#pragma once

#include "core/result.h"
#include "tracking/postgres/pg_connection.h"

namespace sweep::pg {

// The schema version this build writes and understands.
inline constexpr int kSchemaVersion = 5;

// Brings the database to kSchemaVersion in one transaction under an advisory
// lock, so several agents starting at once apply each migration exactly once
// (the others wait, then find nothing to do). Refuses a database whose
// version is newer than this build.
Status Migrate(PgConnection& conn);

// For a reader that must not write (the dashboard): OK when the database
// holds this build's schema version; kNotFound when it holds no Sweep
// store, kInvalidInput when its schema is older (any other sweep command
// upgrades it), kIo when newer. Reads only.
Status RequireCurrentSchema(PgConnection& conn);

}  // namespace sweep::pg
