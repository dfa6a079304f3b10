// libFuzzer target: `sweep runs --filter` expressions. Parse must return a
// filter or an error for any text; a parsed filter is evaluated on fixed rows
// (with parameters, metrics including NaN, times and an exit code, and one
// with almost nothing known).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "review/run_filter.h"
#include "review/run_row.h"

namespace {

sweep::review::RunRow FullRow() {
  using sweep::Value;
  sweep::review::RunRow row;
  row.id = "run-7";
  row.number = 7;
  row.state = sweep::TrialState::kFinished;
  row.params = {
      {"lr", Value(0.001)},
      {"batch_size", Value(std::int64_t{64})},
      {"optimizer", Value("adam")},
      {"use_bn", Value(true)},
      {"opt", Value(sweep::ValueMap{{"betas", Value(sweep::ValueMap{{"b1", Value(0.9)}})},
                                    {"name", Value("sgd")}})},
      {"layers", Value(sweep::ValueList{Value(1), Value(2)})},
  };
  row.metrics = {{"loss", 0.25}, {"val/acc", 0.91}, {"bad", std::numeric_limits<double>::quiet_NaN()},
                 {"big", std::numeric_limits<double>::infinity()}};
  row.created_at = 1.7e9;
  row.started_at = 1.7e9 + 5;
  row.ended_at = 1.7e9 + 65;
  row.exit_code = 0;
  return row;
}

sweep::review::RunRow EmptyRow() {
  sweep::review::RunRow row;
  row.id = "";
  row.state = sweep::TrialState::kQueued;
  return row;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const sweep::review::RunRow full = FullRow();
  static const sweep::review::RunRow empty = EmptyRow();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto filter = sweep::review::RunFilter::Parse(text);
  if (filter.ok()) {
    (void)filter.value().Matches(full);
    (void)filter.value().Matches(empty);
  }
  return 0;
}
