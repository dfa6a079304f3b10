// SqlSession: the little both stores' databases have in common, so the
// artifact catalog and the model registry (artifact_catalog.h,
// model_registry_records.h) are written once over it. Private to tracking/.
//
// SQL given to Query uses $1..$N parameters and the dialect SQLite and
// PostgreSQL share (INSERT ... ON CONFLICT, RETURNING); values travel as text
// (NULL as nullopt) and the database converts them by column type.
// Thread-safety: as the store that owns it (one thread).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace sweep::sql {

using SqlValue = std::optional<std::string>;
using SqlRow = std::vector<SqlValue>;

class SqlSession {
 public:
  virtual ~SqlSession() = default;
  // Runs one statement; returns its rows, every column as text.
  virtual Result<std::vector<SqlRow>> Query(const std::string& sql, const std::vector<SqlValue>& params = {}) = 0;
  // Runs `body` in a write transaction that excludes other writers of what
  // it locks (RowLock); commits when it returns OK, rolls back otherwise.
  // `body` may be run more than once (PostgreSQL retries serialization
  // failures), so it must only touch the database.
  virtual Status Write(const std::function<Status()>& body) = 0;
  // Runs `body` in one read snapshot.
  virtual Status Read(const std::function<Status()>& body) = 0;
  // Appended to a SELECT inside Write to lock the rows it reads until the
  // commit: " FOR UPDATE" on PostgreSQL, "" on SQLite, whose write
  // transactions already exclude each other.
  virtual const char* RowLock() const = 0;
};

// Column conversions for rows Query returned (NULL reads as 0 or "").
std::int64_t AsInt(const SqlValue& v);
double AsDouble(const SqlValue& v);
std::string AsText(const SqlValue& v);
// Parameters: integers as decimal, doubles with round-trip precision.
std::string IntParam(std::int64_t v);
std::string DoubleParam(double v);

}  // namespace sweep::sql
