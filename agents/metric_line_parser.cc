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
  const std::size_t first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const std::size_t last = line.find_last_not_of(" \t\r");
  line = line.substr(first, last - first + 1);
  if (line.front() == '{') {
    auto points = ParseJson(line, now);
    if (!points.empty()) return points;
    return ParsePythonDict(line, now);
  }
  return ParsePairs(line, now);
}

std::vector<MetricPoint> MetricLineParser::Number(std::vector<MetricPoint> points,
                                                  std::optional<std::int64_t> step) {
  for (MetricPoint& p : points) p.step = steps_.Next(p.key, step);
  return points;
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
  return Number(std::move(points), step);
}

std::vector<MetricPoint> MetricLineParser::ParsePairs(std::string_view line, double now) {
  std::vector<MetricPoint> points;
  std::optional<std::int64_t> step;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsSeparator(line[i])) ++i;
    if (i == line.size()) break;
    const std::size_t start = i;
    while (i < line.size() && !IsSeparator(line[i])) ++i;
    const std::string_view token = line.substr(start, i - start);
    const std::size_t eq = token.find('=');
    if (eq == std::string_view::npos) return {};  // a word: the line is text
    const std::string_view key = token.substr(0, eq);
    const std::optional<double> value = ParseMetricNumber(token.substr(eq + 1));
    if (!IsValidKey(key) || !value) return {};
    if (IsStepKey(key)) {
      if (auto s = AsStep(*value)) step = s;
      continue;
    }
    points.push_back(MetricPoint{std::string(key), 0, *value, now});
  }
  return Number(std::move(points), step);
}

namespace {

// Reads a Python dict literal of numbers, as repr() writes it.
class PythonDictReader {
 public:
  explicit PythonDictReader(std::string_view text) : text_(text) {}

  // The (key, value) pairs, or nullopt when the text is anything else.
  std::optional<std::vector<std::pair<std::string, double>>> Read() {
    std::vector<std::pair<std::string, double>> items;
    if (!Eat('{')) return std::nullopt;
    SkipBlanks();
    if (Eat('}')) return AtEnd() ? std::optional(items) : std::nullopt;
    while (true) {
      auto key = ReadKey();
      if (!key || !Eat(':')) return std::nullopt;
      auto value = ReadNumber();
      if (!value) return std::nullopt;
      items.emplace_back(std::move(*key), *value);
      if (Eat(',')) {
        SkipBlanks();
        if (Eat('}')) break;  // a trailing comma
        continue;
      }
      if (Eat('}')) break;
      return std::nullopt;
    }
    return AtEnd() ? std::optional(items) : std::nullopt;
  }

 private:
  void SkipBlanks() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool Eat(char c) {
    SkipBlanks();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool AtEnd() {
    SkipBlanks();
    return pos_ == text_.size();
  }
  // 'name' or "name"; a key with escapes is not a metric name.
  std::optional<std::string> ReadKey() {
    SkipBlanks();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) return std::nullopt;
    const char quote = text_[pos_++];
    const std::size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos) return std::nullopt;
    std::string key(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    if (key.empty() || key.find('\\') != std::string::npos) return std::nullopt;
    return key;
  }
  // A float or int repr, nan/inf/-inf, or True/False as 1/0.
  std::optional<double> ReadNumber() {
    SkipBlanks();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '}' && text_[pos_] != ' ') ++pos_;
    const std::string_view token = text_.substr(start, pos_ - start);
    if (token == "True") return 1.0;
    if (token == "False") return 0.0;
    return ParseMetricNumber(token);
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::vector<MetricPoint> MetricLineParser::ParsePythonDict(std::string_view line, double now) {
  auto items = PythonDictReader(line).Read();
  if (!items) return {};
  std::optional<std::int64_t> step;
  std::vector<MetricPoint> points;
  for (auto& [key, value] : *items) {
    if (IsStepKey(key)) {
      if (auto s = AsStep(value)) step = s;
      continue;
    }
    points.push_back(MetricPoint{std::move(key), 0, value, now});
  }
  return Number(std::move(points), step);
}

}  // namespace sweep
