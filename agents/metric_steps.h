// Per-key step counters for trials that log metrics without a step: each
// key's points get 0, 1, 2, ... (as wandb.log does), and an explicit step
// sets where the key's count continues. Shared by the stdout line parser and
// the metric channel parser so both number a trial's points the same way.
//
// Not thread-safe (one per trial stream).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sweep {

class MetricSteps {
 public:
  // The step of the next point of `key`: `explicit_step` when given,
  // otherwise one past the key's previous point (0 for its first).
  std::int64_t Next(std::string_view key, std::optional<std::int64_t> explicit_step) {
    auto it = next_.find(key);
    if (it == next_.end()) it = next_.emplace(std::string(key), 0).first;
    const std::int64_t step = explicit_step.value_or(it->second);
    // Saturate rather than overflow on a step of INT64_MAX.
    it->second = step == INT64_MAX ? step : step + 1;
    return step;
  }

 private:
  std::map<std::string, std::int64_t, std::less<>> next_;
};

}  // namespace sweep
