// Test helpers for the PostgreSQL store: finding the test server and giving
// each test a database of its own. Test-only; not part of sweep_store_pg.
#pragma once

#include <optional>
#include <string>

#include "core/result.h"

namespace sweep::pg_test {

// The test server's URL: $SWEEP_TEST_PG_URL, else the first line of the file
// named by $SWEEP_TEST_PG_URL_FILE (written by the CTest fixture). nullopt
// when neither is available: tests then skip.
std::optional<std::string> TestServerUrl();

// Message for GTEST_SKIP when TestServerUrl() is nullopt.
std::string NoServerMessage();

// Creates an empty database on the server of `base_url` and returns its URL.
Result<std::string> CreateFreshDatabase(const std::string& base_url);

// Runs `sql` on `url` and returns the first cell of the first row.
Result<std::string> QueryScalar(const std::string& url, const std::string& sql);

}  // namespace sweep::pg_test
