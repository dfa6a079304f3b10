#include "tracking/postgres/pg_connection.h"

#include <libpq-fe.h>

#include <chrono>
#include <random>
#include <thread>
#include <utility>

namespace sweep::pg {
namespace {

// Serialization failures and deadlocks are transient: another claimer won a
// race. Twenty attempts with exponential backoff (capped) outlast any
// realistic burst of 16-64 agents without hiding a genuine livelock forever.
constexpr int kMaxTransactionAttempts = 20;
constexpr int kBackoffBaseMicros = 500;
constexpr int kBackoffCapMicros = 50'000;

// Server options of a read-only session (libpq's `options` connection key).
constexpr const char* kReadOnlySessionOptions = "-c default_transaction_read_only=on";

constexpr const char* kSerializationFailure = "40001";
constexpr const char* kDeadlockDetected = "40P01";
// Reconnection backoff: starts short (a dropped session reconnects at once),
// doubles to a cap that keeps polling a restarting server every second.
constexpr auto kReconnectFirstDelay = std::chrono::milliseconds(50);
constexpr auto kReconnectMaxDelay = std::chrono::milliseconds(1000);
// SQLSTATE classes of a session the server ended or could not serve:
// 08 connection exception; 57P01-57P03 admin/crash shutdown, starting up.
constexpr const char* kConnectionExceptionClass = "08";
constexpr const char* kOperatorInterventionPrefix = "57P0";

std::string Describe(PGconn* conn) {
  auto or_default = [](const char* s, const char* fallback) { return std::string(s && *s ? s : fallback); };
  return "user '" + or_default(PQuser(conn), "?") + "' at " + or_default(PQhost(conn), "localhost") + ":" +
         or_default(PQport(conn), "5432") + " database '" + or_default(PQdb(conn), "?") + "'";
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

void IgnoreNotice(void*, const char*) {}

}  // namespace

PgResult::PgResult(pg_result* res) : res_(res) {}
PgResult::~PgResult() {
  if (res_) PQclear(res_);
}
PgResult::PgResult(PgResult&& other) noexcept : res_(std::exchange(other.res_, nullptr)) {}
PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    if (res_) PQclear(res_);
    res_ = std::exchange(other.res_, nullptr);
  }
  return *this;
}
int PgResult::rows() const { return PQntuples(res_); }
int PgResult::columns() const { return res_ ? PQnfields(res_) : 0; }
bool PgResult::is_null(int row, int col) const { return PQgetisnull(res_, row, col) != 0; }
std::string PgResult::text(int row, int col) const {
  return std::string(PQgetvalue(res_, row, col), PQgetlength(res_, row, col));
}
const char* PgResult::c_str(int row, int col) const { return PQgetvalue(res_, row, col); }
long PgResult::affected() const {
  const char* n = PQcmdTuples(res_);
  return (n && *n) ? std::strtol(n, nullptr, 10) : 0;
}

Status RequireServerVersion(int server_version, const std::string& server) {
  if (server_version >= kMinServerVersion) return OkStatus();
  // Refused at connection rather than by the first migration's SQL error,
  // which names a function, not the cause.
  return Error::InvalidInput("PostgreSQL " + std::to_string(server_version / 10000) + " at " + server +
                             " is too old: the store needs PostgreSQL 13 or later");
}

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& url, bool read_only) {
  if (url.rfind("postgresql://", 0) != 0 && url.rfind("postgres://", 0) != 0) {
    return Error::InvalidInput("not a PostgreSQL URL (expected postgresql://...): scheme of '" +
                               url.substr(0, url.find(':')) + "'");
  }
  // The URL is expanded first; the options that follow it override any it
  // names, so a URL cannot turn the read-only session back into a writer.
  const char* keys[] = {"dbname", read_only ? "options" : nullptr, nullptr};
  const char* values[] = {url.c_str(), read_only ? kReadOnlySessionOptions : nullptr, nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Error::Io("cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    Error e = Error::Io("cannot connect to PostgreSQL as " + Describe(conn) + ": " + Trim(PQerrorMessage(conn)));
    PQfinish(conn);
    return e;
  }
  if (Status version = RequireServerVersion(PQserverVersion(conn), Describe(conn)); !version.ok()) {
    PQfinish(conn);
    return version.error();
  }
  // CREATE ... IF NOT EXISTS and friends emit NOTICEs; they are not errors.
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

Error PgConnection::Fail(const std::string& what, pg_result* res) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const char* constraint = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : nullptr;
  last_sqlstate_ = state ? state : "";
  last_constraint_ = constraint ? constraint : "";
  std::string msg = Trim(res ? PQresultErrorMessage(res) : PQerrorMessage(conn_));
  if (msg.empty()) msg = Trim(PQerrorMessage(conn_));
  if (res) PQclear(res);
  return Error::Io("PostgreSQL " + what + " failed: " + msg);
}

bool PgConnection::ConnectionLost() const {
  if (PQstatus(conn_) == CONNECTION_BAD) return true;
  return last_sqlstate_.rfind(kConnectionExceptionClass, 0) == 0 ||
         last_sqlstate_.rfind(kOperatorInterventionPrefix, 0) == 0;
}

bool PgConnection::Reconnect() {
  const auto give_up = std::chrono::steady_clock::now() + kReconnectPatience;
  auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(kReconnectFirstDelay);
  for (;;) {
    PQreset(conn_);
    if (PQstatus(conn_) == CONNECTION_OK) {
      PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr);
      return true;
    }
    if (std::chrono::steady_clock::now() + delay > give_up) return false;
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::duration_cast<std::chrono::milliseconds>(kReconnectMaxDelay));
  }
}

Result<PgResult> PgConnection::Exec(const std::string& sql, const std::vector<Param>& params) {
  auto result = ExecOnce(sql, params);
  if (result.ok() || in_transaction_ || !ConnectionLost()) return result;
  if (!Reconnect()) return result;
  return ExecOnce(sql, params);
}

Result<PgResult> PgConnection::ExecOnce(const std::string& sql, const std::vector<Param>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  PGresult* res = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                               nullptr, nullptr, /*resultFormat=text*/ 0);
  ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Fail("statement", res);
  return PgResult(res);
}

Status PgConnection::ExecScript(const std::string& sql) {
  PGresult* res = PQexec(conn_, sql.c_str());
  if (res == nullptr || PQresultStatus(res) != PGRES_COMMAND_OK) return Fail("script", res);
  PQclear(res);
  return OkStatus();
}

Status PgConnection::CopyIn(const std::string& copy_sql, const std::string& rows) {
  PGresult* res = PQexec(conn_, copy_sql.c_str());
  if (res == nullptr || PQresultStatus(res) != PGRES_COPY_IN) return Fail("COPY", res);
  PQclear(res);
  if (PQputCopyData(conn_, rows.data(), static_cast<int>(rows.size())) != 1 || PQputCopyEnd(conn_, nullptr) != 1) {
    return Fail("COPY data", nullptr);
  }
  Status status = OkStatus();
  while ((res = PQgetResult(conn_)) != nullptr) {
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
      if (status.ok()) status = Fail("COPY", res);
      else PQclear(res);
    } else {
      PQclear(res);
    }
  }
  return status;
}

Status PgConnection::Transaction(const std::function<Status()>& body) {
  thread_local std::minstd_rand jitter(std::random_device{}());
  Status last = OkStatus();
  for (int attempt = 0; attempt < kMaxTransactionAttempts; ++attempt) {
    last_sqlstate_.clear();
    last_constraint_.clear();
    in_transaction_ = true;
    auto begin = ExecOnce("BEGIN");
    if (begin.ok()) {
      last = body();
      if (last.ok()) {
        auto commit = ExecOnce("COMMIT");
        in_transaction_ = false;
        if (commit.ok()) return OkStatus();
        last = commit.error();
      }
    } else {
      last = begin.error();
    }
    in_transaction_ = false;
    if (ConnectionLost()) {
      // The server rolled the transaction back with the session: run it
      // again, whole, on a new connection.
      if (!Reconnect()) return last;
      continue;
    }
    if (!last.ok() && begin.ok()) {
      std::string state = last_sqlstate_, constraint = last_constraint_;
      (void)ExecOnce("ROLLBACK");  // the error already says what went wrong
      last_sqlstate_ = state;
      last_constraint_ = constraint;
    }
    if (last_sqlstate_ != kSerializationFailure && last_sqlstate_ != kDeadlockDetected) return last;
    int cap = std::min(kBackoffCapMicros, kBackoffBaseMicros << std::min(attempt, 10));
    std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, cap)(jitter)));
  }
  return Error::Io("gave up after " + std::to_string(kMaxTransactionAttempts) +
                   " attempts on a contended transaction: " + last.error().message);
}

}  // namespace sweep::pg
