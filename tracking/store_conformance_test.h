// The Store conformance suite: every Store implementation runs it through
// INSTANTIATE_TEST_SUITE_P with a factory that opens a fresh, empty store.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tracking/store.h"

namespace sweep::testing {

struct StoreFactory {
  std::string name;  // what tests print for it and their name suffix: "sqlite", "postgres"
  // Opens a fresh, empty store; each call gets its own database.
  std::function<std::unique_ptr<Store>()> open;
  // When set and returning a reason, every test skips with it (e.g. no
  // PostgreSQL server to test against).
  std::function<std::optional<std::string>()> skip_reason;
};

// GoogleTest prints a parameter in test listings and failure messages; without
// this it dumps the struct's raw bytes (pointers that change every run).
inline void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

// The name generator for INSTANTIATE_TEST_SUITE_P: ".../sqlite", ".../postgres".
inline std::string StoreFactoryName(const ::testing::TestParamInfo<StoreFactory>& info) { return info.param.name; }

// Every field of every run, in order: what a claim's ProposeFn saw (or a
// reopened store lists) against what ListRuns returns.
void ExpectSameRuns(const std::vector<RunRecord>& got, const std::vector<RunRecord>& want);

}  // namespace sweep::testing
