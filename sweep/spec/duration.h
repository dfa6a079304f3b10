// Durations in a spec (`timeout: 90s`): a number of seconds, or a number with
// one unit suffix s, m, h or d ("90s", "30m", "2h", "1.5h"). Pure function,
// thread-safe.
#pragma once

#include <string_view>

#include "core/result.h"

namespace sweep {

// Seconds, > 0 and finite; kInvalidInput naming the text otherwise.
Result<double> ParseDuration(std::string_view text);

}  // namespace sweep
