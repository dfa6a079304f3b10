#include "tracking/postgres/pg_test_support.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>

namespace sweep::pg_test {

std::optional<std::string> TestServerUrl() {
  if (const char* url = std::getenv("SWEEP_TEST_PG_URL"); url && *url) return std::string(url);
  if (const char* file = std::getenv("SWEEP_TEST_PG_URL_FILE"); file && *file) {
    std::ifstream in(file);
    std::string line;
    if (std::getline(in, line) && !line.empty()) return line;
  }
  return std::nullopt;
}

std::string NoServerMessage() {
  return "no PostgreSQL test server: set SWEEP_TEST_PG_URL (eval \"$(tests/pg/start_postgres.sh)\") "
         "or run through ctest, whose fixture starts one when PostgreSQL is installed";
}

Result<std::string> QueryScalar(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    return Error::Io("connect: " + msg);
  }
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  PGresult* res = PQexec(conn, sql.c_str());
  Result<std::string> out = Error::Io("query failed");
  if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0) {
    out = std::string(PQgetvalue(res, 0, 0));
  } else if (PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK) {
    out = std::string();
  } else {
    out = Error::Io(sql + ": " + PQresultErrorMessage(res));
  }
  PQclear(res);
  PQfinish(conn);
  return out;
}

Result<std::string> CreateFreshDatabase(const std::string& base_url) {
  std::random_device rd;
  const std::string name = "t_" + std::to_string(getpid()) + "_" + std::to_string(rd() % 1000000000u);
  auto made = QueryScalar(base_url, "CREATE DATABASE " + name);
  if (!made.ok()) return made.error();
  // Replace the database part of the URL (after the last '/', before any '?').
  size_t slash = base_url.rfind('/');
  size_t query = base_url.find('?', slash);
  return base_url.substr(0, slash + 1) + name + (query == std::string::npos ? "" : base_url.substr(query));
}

}  // namespace sweep::pg_test
