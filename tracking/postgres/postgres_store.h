// The PostgreSQL implementation of Store, for sweeps whose agents run on
// several machines. Same contracts as tracking/store.h; see there.
//
// Concurrency: every method is one transaction. ClaimRun locks the sweep's
// row (SELECT ... FOR UPDATE), so claimers of one sweep are serialized across
// processes and machines while different sweeps proceed in parallel;
// serialization failures and deadlocks are retried with a bounded budget.
// Each store keeps the sweep's runs between its claims and rereads only the
// runs changed since (change stamps, schema v3), so a claim costs the recent
// changes, not the sweep's whole history.
// Thread-safety: a returned Store holds one connection and is used by one
// thread; open one per thread or process (never share across fork()).
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "tracking/store.h"

namespace sweep {

// Connects to `url` (postgresql://user[:password]@host:port/db or
// postgres://..., anything libpq's PQconnectdb accepts in URI form) and
// applies pending schema migrations. Errors: kInvalidInput for a URL of
// another scheme; kIo when the server cannot be reached (the message names
// user, host, port and database, never the password) or the database schema
// is newer than this build.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url);

// Opens the store at `url` for reading only (the dashboard): nothing is
// created or migrated (errors as pg::RequireCurrentSchema), and the session
// runs every statement in a READ ONLY transaction, so a write method fails
// with kIo and the server never takes a write lock for this reader.
Result<std::unique_ptr<Store>> OpenPostgresStoreReadOnly(const std::string& url);

// True when `location` names a PostgreSQL server rather than a SQLite file:
// how OpenStore-style dispatch picks an implementation.
bool IsPostgresUrl(const std::string& location);

}  // namespace sweep
