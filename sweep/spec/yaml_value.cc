#include "sweep/spec/yaml_value.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string_view>

namespace sweep::spec {
namespace {

bool OneOf(std::string_view s, std::initializer_list<std::string_view> options) {
  for (auto o : options)
    if (s == o) return true;
  return false;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// PyYAML's YAML 1.1 integer forms: decimal, 0x hex, 0o octal, 0b binary,
// with optional sign and '_' separators.
std::optional<Result<Value>> ParseInteger(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  constexpr std::string_view kDigits = "0123456789abcdefABCDEF";
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b')) {
    base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
    s.remove_prefix(2);
  } else if (s.size() > 1 && s[0] == '0') {
    return std::nullopt;  // "012": not an integer in YAML 1.2 and ambiguous in 1.1
  }
  std::string digits;
  for (char c : s) {
    if (c == '_') continue;
    const auto d = kDigits.find(c);
    const int v = d == std::string_view::npos ? 99 : static_cast<int>(d < 16 ? d : d - 6);
    if (v >= base) return std::nullopt;
    digits.push_back(c);
  }
  if (digits.empty()) return std::nullopt;
  if (negative) digits.insert(digits.begin(), '-');
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (ec == std::errc::result_out_of_range)
    return Result<Value>(Error::InvalidInput("integer does not fit in 64 bits"));
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return Result<Value>(Value(value));
}

// [-+]? (digits [. digits?] | . digits) ([eE] [-+]? digits)?, with a dot or an
// exponent; also .inf / .nan in PyYAML's spellings.
std::optional<Result<Value>> ParseFloat(std::string_view s) {
  std::string_view body = s;
  const bool negative = !body.empty() && body[0] == '-';
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
  if (OneOf(body, {".inf", ".Inf", ".INF"}))
    return Result<Value>(Value(negative ? -std::numeric_limits<double>::infinity()
                                        : std::numeric_limits<double>::infinity()));
  if (OneOf(s, {".nan", ".NaN", ".NAN"})) return Result<Value>(Value(std::numeric_limits<double>::quiet_NaN()));
  std::string text;
  if (negative) text.push_back('-');
  std::size_t i = 0, mantissa_digits = 0;
  bool dot = false, exponent = false;
  for (; i < body.size() && (IsDigit(body[i]) || body[i] == '_'); ++i)
    if (body[i] != '_') text.push_back(body[i]), ++mantissa_digits;
  if (i < body.size() && body[i] == '.') {
    dot = true;
    text.push_back('.');
    for (++i; i < body.size() && (IsDigit(body[i]) || body[i] == '_'); ++i)
      if (body[i] != '_') text.push_back(body[i]), ++mantissa_digits;
  }
  if (mantissa_digits == 0) return std::nullopt;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    exponent = true;
    text.push_back('e');
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) text.push_back(body[i++]);
    const std::size_t start = i;
    for (; i < body.size() && IsDigit(body[i]); ++i) text.push_back(body[i]);
    if (i == start) return std::nullopt;
  }
  if (i != body.size() || (!dot && !exponent)) return std::nullopt;
  errno = 0;
  const double value = std::strtod(text.c_str(), nullptr);
  if (errno == ERANGE && std::isinf(value))
    return Result<Value>(Error::InvalidInput("number is too large for a double"));
  return Result<Value>(Value(value));
}

}  // namespace

Result<Value> ScalarValue(const YamlNode& node) {
  if (node.is_null()) return Value();
  const std::string& s = node.text;
  if (node.quoted) return Value(s);
  if (OneOf(s, {"", "~", "null", "Null", "NULL"})) return Value();
  if (OneOf(s, {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"})) return Value(true);
  if (OneOf(s, {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"})) return Value(false);
  if (auto i = ParseInteger(s)) return std::move(*i);
  if (auto f = ParseFloat(s)) return std::move(*f);
  return Value(s);
}

Value ToValue(const YamlNode& node, DiagnosticList& diagnostics) {
  switch (node.kind) {
    case YamlNode::Kind::kNull:
    case YamlNode::Kind::kScalar: {
      auto v = ScalarValue(node);
      if (v.ok()) return std::move(v).value();
      diagnostics.Error(node, v.error().message + ": " + node.text);
      return Value();
    }
    case YamlNode::Kind::kSequence: {
      ValueList list;
      list.reserve(node.items.size());
      for (const auto& item : node.items) list.push_back(ToValue(*item, diagnostics));
      return list;
    }
    case YamlNode::Kind::kMap: {
      ValueMap map;
      map.reserve(node.entries.size());
      for (const auto& [key, value] : node.entries) {
        if (!key->is_scalar()) {
          diagnostics.Error(*key, "mapping keys must be plain text, got " + DescribeNode(*key));
          continue;
        }
        map.emplace_back(key->text, ToValue(*value, diagnostics));
      }
      return map;
    }
  }
  return Value();
}

std::string DescribeNode(const YamlNode& node) {
  switch (node.kind) {
    case YamlNode::Kind::kNull: return "nothing";
    case YamlNode::Kind::kSequence: return "a list";
    case YamlNode::Kind::kMap: return "a mapping";
    case YamlNode::Kind::kScalar: break;
  }
  auto v = ScalarValue(node);
  if (!v.ok()) return "an out-of-range number '" + node.text + "'";
  switch (v->kind()) {
    case Value::Kind::kNull: return "null";
    case Value::Kind::kBool: return "a boolean '" + node.text + "'";
    case Value::Kind::kInt: return "an integer '" + node.text + "'";
    case Value::Kind::kDouble: return "a number '" + node.text + "'";
    default: return "a string '" + node.text + "'";
  }
}

}  // namespace sweep::spec
