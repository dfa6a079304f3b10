#include "tracking/postgres/pg_codec.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace sweep::pg {

std::string FormatDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  // Shortest representation that parses back to the same bits.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  return std::string(buf, end);
}

double ParseDouble(const char* text) {
  // strtod accepts "NaN", "Infinity" and "-Infinity" case-insensitively.
  return std::strtod(text, nullptr);
}

std::int64_t ParseInt64(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return 0;
  return value;
}

std::string TextArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

void AppendCopyText(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

namespace {
constexpr std::pair<SweepState, std::string_view> kSweepStates[] = {
    {SweepState::kRunning, "running"},
    {SweepState::kFinished, "finished"},
    {SweepState::kStopped, "stopped"},
    {SweepState::kFailed, "failed"},
};
}  // namespace

std::string_view SweepStateText(SweepState s) {
  for (const auto& [state, name] : kSweepStates) {
    if (state == s) return name;
  }
  return "running";
}

std::optional<SweepState> ParseSweepState(std::string_view s) {
  for (const auto& [state, name] : kSweepStates) {
    if (name == s) return state;
  }
  return std::nullopt;
}

}  // namespace sweep::pg
