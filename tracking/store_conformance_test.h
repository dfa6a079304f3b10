// The Store conformance suite: every Store implementation runs it through
// INSTANTIATE_TEST_SUITE_P with a factory that opens a fresh, empty store.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "tracking/store.h"

namespace sweep::testing {

struct StoreFactory {
  std::string name;  // test-name suffix, e.g. "Sqlite"
  // Opens a fresh, empty store; each call gets its own database.
  std::function<std::unique_ptr<Store>()> open;
  // When set and returning a reason, every test skips with it (e.g. no
  // PostgreSQL server to test against).
  std::function<std::optional<std::string>()> skip_reason;
};

}  // namespace sweep::testing
