#include "bench/common/plain_sqlite_insert.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace sweep::bench {
namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "plain SQLite insert: %s\n", what.c_str());
  std::exit(1);
}

void Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) Die(err ? err : sql);
}

}  // namespace

double PlainSqliteInsertSeconds(const std::filesystem::path& path, std::int64_t count, std::size_t batch,
                                const std::function<PlainRow(std::int64_t)>& row) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Die("open " + path.string());
  Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
           "CREATE TABLE m (run INTEGER, key INTEGER, step INTEGER, time REAL, value REAL)");
  sqlite3_stmt* ins = nullptr;
  if (sqlite3_prepare_v2(db, "INSERT INTO m VALUES (1, ?1, ?2, ?3, ?4)", -1, &ins, nullptr) != SQLITE_OK) {
    Die("prepare");
  }
  const auto t0 = std::chrono::steady_clock::now();
  for (std::int64_t start = 0; start < count; start += static_cast<std::int64_t>(batch)) {
    Exec(db, "BEGIN IMMEDIATE");
    const std::int64_t end = std::min(count, start + static_cast<std::int64_t>(batch));
    for (std::int64_t i = start; i < end; ++i) {
      const PlainRow r = row(i);
      sqlite3_bind_int64(ins, 1, r.key);
      sqlite3_bind_int64(ins, 2, r.step);
      sqlite3_bind_double(ins, 3, r.time);
      sqlite3_bind_double(ins, 4, r.value);
      if (sqlite3_step(ins) != SQLITE_DONE) Die("insert");
      sqlite3_reset(ins);
    }
    Exec(db, "COMMIT");
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  sqlite3_finalize(ins);
  sqlite3_close(db);
  return seconds;
}

}  // namespace sweep::bench
