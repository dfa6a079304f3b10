#include "sweep/spec/duration.h"

#include <charconv>
#include <cmath>
#include <string>

namespace sweep {
namespace {

constexpr double kSecondsPerMinute = 60;
constexpr double kSecondsPerHour = 60 * kSecondsPerMinute;
constexpr double kSecondsPerDay = 24 * kSecondsPerHour;

}  // namespace

Result<double> ParseDuration(std::string_view text) {
  const std::string shown(text);
  auto bad = [&](const std::string& why) {
    return Error::InvalidInput("invalid duration '" + shown + "': " + why +
                               " (write seconds, or a number with s, m, h or d: 90s, 30m, 2h)");
  };
  if (text.empty()) return bad("empty");
  double unit = 1;
  switch (text.back()) {
    case 's': unit = 1, text.remove_suffix(1); break;
    case 'm': unit = kSecondsPerMinute, text.remove_suffix(1); break;
    case 'h': unit = kSecondsPerHour, text.remove_suffix(1); break;
    case 'd': unit = kSecondsPerDay, text.remove_suffix(1); break;
    default: break;
  }
  double number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return bad("not a number");
  const double seconds = number * unit;
  if (!std::isfinite(seconds)) return bad("not finite");
  if (seconds <= 0) return bad("must be positive");
  if (seconds < kMinDurationSeconds) return bad("shorter than a millisecond");
  if (seconds > kMaxDurationSeconds) return bad("longer than a year, the most allowed (leave the key out for no limit)");
  return seconds;
}

}  // namespace sweep
