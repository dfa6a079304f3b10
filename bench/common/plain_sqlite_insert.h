// The physical limit the metric-ingest benchmarks print beside the store:
// the same rows inserted as bare rows of an unindexed WAL table, in
// transactions of `batch` rows through one prepared statement. Any
// SQLite-backed ingest pays at least this much.
//
// Not thread-safe (one call at a time per database file).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>

namespace sweep::bench {

struct PlainRow {
  std::int64_t key = 0;  // the metric's index (the store keeps a key table)
  std::int64_t step = 0;
  double time = 0;
  double value = 0;
};

// Creates `db` and inserts rows 0..count-1, row i from row(i); returns the
// seconds the inserts took (table creation excluded). Exits the process
// with a message on any SQLite error: a benchmark has nothing to recover.
double PlainSqliteInsertSeconds(const std::filesystem::path& db, std::int64_t count, std::size_t batch,
                                const std::function<PlainRow(std::int64_t)>& row);

}  // namespace sweep::bench
