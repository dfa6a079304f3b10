#include "agents/metric_line_parser.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "agents/json_metric_value.h"
#include "core/json_limits.h"

namespace sweep {
namespace {

bool IsKeyStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsKeyChar(char c) {
  return IsKeyStart(c) || (c >= '0' && c <= '9') || c == '.' || c == '/' || c == '-';
}
bool IsSeparator(char c) { return c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\v' || c == '\f'; }

bool IsValidKey(std::string_view key) {
  if (key.empty() || !IsKeyStart(key.front())) return false;
  for (char c : key) {
    if (!IsKeyChar(c)) return false;
  }
  return true;
}

bool IsStepKey(std::string_view key) { return key == "step" || key == "_step"; }

// A step must be a whole number that fits in int64.
std::optional<std::int64_t> AsStep(double value) {
  // 2^63: the first double beyond int64's range.
  constexpr double kInt64Limit = 9223372036854775808.0;
  if (!std::isfinite(value) || value != std::floor(value) || value < -kInt64Limit || value >= kInt64Limit) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(value);
}

}  // namespace

std::optional<double> ParseMetricNumber(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string QuoteNonFiniteJsonLiterals(std::string_view json) {
  std::string out;
  out.reserve(json.size() + json.size() / 8);
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < json.size()) {
        out += json[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    bool replaced = false;
    for (std::string_view literal : {"NaN", "Infinity", "-Infinity"}) {
      if (json.substr(i, literal.size()) == literal) {
        out += '"';
        out += literal;
        out += '"';
        i += literal.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return out;
}

std::optional<double> NonFiniteJsonValue(std::string_view text) {
  if (text == "NaN") return std::nan("");
  if (text == "Infinity") return HUGE_VAL;
  if (text == "-Infinity") return -HUGE_VAL;
  return std::nullopt;
}

std::vector<MetricPoint> MetricLineParser::Parse(std::string_view line, double now) {
  if (line.size() > kMaxMetricLineBytes) return {};
  std::size_t first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  if (line[first] == '{') return ParseJson(line.substr(first), now);
  return ParsePairs(line, now);
}

std::vector<MetricPoint> MetricLineParser::ParseJson(std::string_view line, double now) {
  // Free text, not a protocol: a line past the JSON limits is just not metrics.
  if (!CheckJsonLimits(line, kMaxMetricLineBytes).ok()) return {};
  // Exceptions off: invalid JSON (or invalid UTF-8 inside strings) gives a discarded value.
  nlohmann::json doc = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) doc = nlohmann::json::parse(QuoteNonFiniteJsonLiterals(line), nullptr, false);
  if (!doc.is_object()) return {};
  std::optional<std::int64_t> step;
  for (const char* name : {"step", "_step"}) {
    auto it = doc.find(name);
    if (it != doc.end() && it->is_number()) step = AsStep(it->get<double>());
  }
  std::vector<MetricPoint> points;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (IsStepKey(it.key())) continue;
    if (const std::optional<double> value = JsonMetricValue(*it)) points.push_back(MetricPoint{it.key(), 0, *value, now});
  }
  for (MetricPoint& p : points) p.step = steps_.Next(p.key, step);
  return points;
}

std::vector<MetricPoint> MetricLineParser::ParsePairs(std::string_view line, double now) {
  std::vector<MetricPoint> points;
  std::optional<std::int64_t> step;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsSeparator(line[i])) ++i;
    std::size_t start = i;
    while (i < line.size() && !IsSeparator(line[i])) ++i;
    std::string_view token = line.substr(start, i - start);
    std::size_t eq = token.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = token.substr(0, eq);
    if (!IsValidKey(key)) continue;
    std::optional<double> value = ParseMetricNumber(token.substr(eq + 1));
    if (!value) continue;
    if (IsStepKey(key)) {
      if (auto s = AsStep(*value)) step = s;
      continue;
    }
    points.push_back(MetricPoint{std::string(key), 0, *value, now});
  }
  for (MetricPoint& p : points) p.step = steps_.Next(p.key, step);
  return points;
}

}  // namespace sweep
