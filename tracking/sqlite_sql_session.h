// SqlSession over a SQLite Database (sql_session.h), for the artifact catalog
// and model registry. Writes are BEGIN IMMEDIATE transactions, so writers
// exclude each other and RowLock is empty. Private to tracking/.
// Lifetime: borrows `db`, which must outlive it; one thread, like `db`.
#pragma once

#include <map>
#include <string>

#include "tracking/sql_session.h"
#include "tracking/sqlite_db.h"

namespace sweep::sqlite {

class SqliteSqlSession final : public sql::SqlSession {
 public:
  explicit SqliteSqlSession(Database& db) : db_(db) {}
  // `sql`'s $N parameters are bound as SQLite's ?N.
  Result<std::vector<sql::SqlRow>> Query(const std::string& sql, const std::vector<sql::SqlValue>& params) override;
  Status Write(const std::function<Status()>& body) override;
  Status Read(const std::function<Status()>& body) override;
  const char* RowLock() const override { return ""; }

 private:
  Database& db_;
  // Database::Prepare caches statements by the address of their text, so
  // each translated text is kept here, at a stable address, for the
  // session's life: one entry per distinct statement (a bounded set, built
  // from the catalog's constants).
  std::map<std::string, std::string> translated_;
};

}  // namespace sweep::sqlite
