// SqlSession over a PgConnection (tracking/sql_session.h), for the artifact
// catalog and model registry. Writes run in PgConnection::Transaction
// (retried on serialization failures and deadlocks); RowLock is FOR UPDATE.
// Lifetime: borrows `conn`, which must outlive it; one thread, like `conn`.
#pragma once

#include "tracking/postgres/pg_connection.h"
#include "tracking/sql_session.h"

namespace sweep::pg {

class PgSqlSession final : public sql::SqlSession {
 public:
  explicit PgSqlSession(PgConnection& conn) : conn_(conn) {}
  Result<std::vector<sql::SqlRow>> Query(const std::string& sql, const std::vector<sql::SqlValue>& params) override;
  Status Write(const std::function<Status()>& body) override { return conn_.Transaction(body); }
  // One transaction, so a read never sees half of a write.
  Status Read(const std::function<Status()>& body) override { return conn_.Transaction(body); }
  const char* RowLock() const override { return " FOR UPDATE"; }

 private:
  PgConnection& conn_;
};

}  // namespace sweep::pg
