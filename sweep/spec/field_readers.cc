#include "sweep/spec/field_readers.h"

#include <cmath>
#include <limits>
#include <unordered_set>

#include "sweep/spec/yaml_value.h"

namespace sweep::spec {
namespace {

void Expected(const YamlNode& node, std::string_view key, std::string_view what, DiagnosticList& diagnostics) {
  diagnostics.Error(node, std::string(key) + ": expected " + std::string(what) + ", got " + DescribeNode(node));
}

}  // namespace

std::optional<double> ReadNumber(const YamlNode& node, std::string_view key, DiagnosticList& diagnostics) {
  auto v = ScalarValue(node);
  if (node.is_scalar() && !v.ok()) {
    diagnostics.Error(node, std::string(key) + ": " + v.error().message + ": " + node.text);
    return std::nullopt;
  }
  if (!node.is_scalar() || !v->is_number()) {
    Expected(node, key, "a number", diagnostics);
    return std::nullopt;
  }
  const double d = v->as_number();
  if (!std::isfinite(d)) {
    diagnostics.Error(node, std::string(key) + ": must be a finite number, got " + node.text);
    return std::nullopt;
  }
  return d;
}

std::optional<std::int64_t> ReadInt(const YamlNode& node, std::string_view key, std::int64_t min_value,
                                    DiagnosticList& diagnostics) {
  return ReadInt(node, key, min_value, std::numeric_limits<std::int64_t>::max(), diagnostics);
}

std::optional<std::int64_t> ReadInt(const YamlNode& node, std::string_view key, std::int64_t min_value,
                                    std::int64_t max_value, DiagnosticList& diagnostics) {
  auto v = ScalarValue(node);
  if (node.is_scalar() && !v.ok()) {
    diagnostics.Error(node, std::string(key) + ": " + v.error().message + ": " + node.text);
    return std::nullopt;
  }
  if (!node.is_scalar() || !v->is_int()) {
    Expected(node, key, "an integer", diagnostics);
    return std::nullopt;
  }
  if (v->as_int() < min_value) {
    diagnostics.Error(node, std::string(key) + ": must be at least " + std::to_string(min_value) + ", got " +
                                node.text);
    return std::nullopt;
  }
  if (v->as_int() > max_value) {
    diagnostics.Error(node, std::string(key) + ": must be at most " + std::to_string(max_value) + ", got " +
                                node.text);
    return std::nullopt;
  }
  return v->as_int();
}

std::optional<bool> ReadBool(const YamlNode& node, std::string_view key, DiagnosticList& diagnostics) {
  auto v = ScalarValue(node);
  if (!node.is_scalar() || !v.ok() || !v->is_bool()) {
    Expected(node, key, "true or false", diagnostics);
    return std::nullopt;
  }
  return v->as_bool();
}

std::optional<std::string> ReadText(const YamlNode& node, std::string_view key, DiagnosticList& diagnostics) {
  auto v = ScalarValue(node);
  if (!node.is_scalar() || (v.ok() && v->is_null())) {
    Expected(node, key, "text", diagnostics);
    return std::nullopt;
  }
  return node.text;
}

std::vector<std::pair<std::string, MapEntry>> ReadMapEntries(const YamlNode& map, DiagnosticList& diagnostics) {
  std::vector<std::pair<std::string, MapEntry>> out;
  out.reserve(map.entries.size());
  // Views into the tree's own key text: no copies for large blocks.
  std::unordered_set<std::string_view> seen;
  seen.reserve(map.entries.size());
  for (const auto& [key, value] : map.entries) {
    if (!key->is_scalar()) {
      diagnostics.Error(*key, "keys must be text, got " + DescribeNode(*key));
      continue;
    }
    if (!seen.insert(key->text).second) {
      diagnostics.Error(*key, "duplicate key '" + key->text + "'");
      continue;
    }
    out.emplace_back(key->text, MapEntry{key.get(), value.get()});
  }
  return out;
}

}  // namespace sweep::spec
