#include "sweep/record_json.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "core/value_json.h"

namespace sweep {
namespace {

TEST(RecordJson, SeedIsTheUnsignedNumberSeedAccepts) {
  SweepRecord sweep;
  sweep.id = "s1";
  sweep.seed = std::numeric_limits<std::uint64_t>::max();
  const std::string json = ToJson(SweepToValue(sweep, nullptr));
  EXPECT_NE(json.find("\"seed\":\"18446744073709551615\""), std::string::npos) << json;
  sweep.seed = 42;
  EXPECT_NE(ToJson(SweepToValue(sweep, nullptr)).find("\"seed\":\"42\""), std::string::npos);
}

}  // namespace
}  // namespace sweep
