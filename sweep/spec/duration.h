// Durations in a spec (`timeout: 90s`): a number of seconds, or a number with
// one unit suffix s, m, h or d ("90s", "30m", "2h", "1.5h"). Pure function,
// thread-safe.
#pragma once

#include <string_view>

#include "core/result.h"

namespace sweep {

// Shortest duration: deadlines are kept in whole milliseconds, and a shorter
// one would round to none at all.
inline constexpr double kMinDurationSeconds = 0.001;
// Longest duration: a year is longer than any trial or sweep runs, and
// deadlines computed from it stay far inside steady_clock's range (about
// 292 years of nanoseconds). Leave the key out for no limit.
inline constexpr double kMaxDurationSeconds = 365.0 * 24 * 60 * 60;

// Seconds in [kMinDurationSeconds, kMaxDurationSeconds]; kInvalidInput
// naming the text otherwise.
Result<double> ParseDuration(std::string_view text);

}  // namespace sweep
