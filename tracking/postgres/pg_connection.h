// PgConnection: one libpq connection with the few operations the PostgreSQL
// store needs (parameterized statements, COPY, transactions with retry).
// Private to tracking/postgres; libpq's header stays in the .cc file.
//
// Thread-safety: none; one connection is used by one thread. A connection
// must not be used by a process forked after it was opened.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

struct pg_conn;    // libpq's PGconn
struct pg_result;  // libpq's PGresult

namespace sweep::pg {

// A statement's result rows, as text. Cells are NULL-aware.
class PgResult {
 public:
  explicit PgResult(pg_result* res);
  ~PgResult();
  PgResult(PgResult&& other) noexcept;
  PgResult& operator=(PgResult&& other) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  int rows() const;
  int columns() const;
  bool is_null(int row, int col) const;
  // The cell's text; empty for NULL.
  std::string text(int row, int col) const;
  const char* c_str(int row, int col) const;
  // Rows touched by INSERT/UPDATE/DELETE.
  long affected() const;

 private:
  pg_result* res_;
};

// A statement parameter: text or SQL NULL.
using Param = std::optional<std::string>;

// The oldest server the schema works on: its change stamps use xid8 and
// pg_current_xact_id() (pg_schema.cc), new in PostgreSQL 13 (libpq's
// PQserverVersion encodes 13.0 as 130000).
inline constexpr int kMinServerVersion = 130000;

// kInvalidInput naming `server` and the version needed when
// `server_version` (PQserverVersion's encoding) is older than 13.
Status RequireServerVersion(int server_version, const std::string& server);

class PgConnection {
 public:
  // Connects to `url` (postgresql:// or postgres://). On failure the error
  // names user, host, port and database, never the password. With
  // `read_only` every transaction of the session is READ ONLY (the server
  // refuses any write with SQLSTATE 25006), reconnections included: the
  // setting travels in the connection's options.
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& url, bool read_only = false);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement with $1.. parameters. On failure the SQLSTATE and the
  // violated constraint (if any) are kept for last_sqlstate()/last_constraint().
  // Outside Transaction, a statement that fails because the connection was
  // lost is run again once the connection is reopened (as Transaction does).
  Result<PgResult> Exec(const std::string& sql, const std::vector<Param>& params = {});
  // Runs several ;-separated statements without parameters (migrations).
  Status ExecScript(const std::string& sql);
  // Streams `rows` (already in COPY text format, one line each) into
  // `copy_sql` (a "COPY t(cols) FROM STDIN" statement).
  Status CopyIn(const std::string& copy_sql, const std::string& rows);

  // Runs `body` between BEGIN and COMMIT. Serialization failures and
  // deadlocks (retryable by definition) restart the whole body, up to a
  // bounded number of attempts with jittered backoff; any other error rolls
  // back and is returned as is. `body` must therefore be safe to repeat.
  // A lost connection (the server restarted, or ended this session) is
  // reopened with backoff for up to kReconnectPatience and the whole body
  // run again: an interrupted transaction was rolled back by the server.
  // One ambiguity remains: a connection lost during COMMIT may have
  // committed, and the body then runs a second time.
  Status Transaction(const std::function<Status()>& body);

  const std::string& last_sqlstate() const { return last_sqlstate_; }
  const std::string& last_constraint() const { return last_constraint_; }

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  Error Fail(const std::string& what, pg_result* res);
  Result<PgResult> ExecOnce(const std::string& sql, const std::vector<Param>& params = {});
  // Whether the last failure was the connection's, not the statement's.
  bool ConnectionLost() const;
  // Reopens the connection with backoff, for up to kReconnectPatience;
  // false when the server stayed out of reach.
  bool Reconnect();

  pg_conn* conn_;
  bool in_transaction_ = false;
  std::string last_sqlstate_;
  std::string last_constraint_;
};

// How long a lost connection is retried before the store's caller sees the
// error: a server restart (pg_ctl restart, a failover) takes seconds; a
// minute outlasts those while an agent still fails visibly well inside the
// heartbeat timeout's order of magnitude when the server is gone for good.
inline constexpr std::chrono::seconds kReconnectPatience{60};

// SQLSTATE of a unique constraint violation.
inline constexpr const char* kUniqueViolation = "23505";

}  // namespace sweep::pg
