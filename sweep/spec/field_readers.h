// Typed reads of spec fields: each checks the node's type and range and, on
// failure, reports "KEY: expected ..., got ..." at the node and returns
// nullopt, so a parser can keep going and report every problem at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sweep/spec/spec_diagnostic.h"
#include "sweep/spec/yaml_tree.h"

namespace sweep::spec {

// A finite number (integer or float).
std::optional<double> ReadNumber(const YamlNode& node, std::string_view key, DiagnosticList& diagnostics);
// An integer >= min_value.
std::optional<std::int64_t> ReadInt(const YamlNode& node, std::string_view key, std::int64_t min_value,
                                    DiagnosticList& diagnostics);
// An integer in [min_value, max_value].
std::optional<std::int64_t> ReadInt(const YamlNode& node, std::string_view key, std::int64_t min_value,
                                    std::int64_t max_value, DiagnosticList& diagnostics);
std::optional<bool> ReadBool(const YamlNode& node, std::string_view key, DiagnosticList& diagnostics);
// Any non-null scalar, as written (`name: 2024` is the name "2024").
std::optional<std::string> ReadText(const YamlNode& node, std::string_view key, DiagnosticList& diagnostics);

// A map's entries by key, reporting non-text keys and duplicate keys (PyYAML
// would silently keep the last one, hiding a mistake).
struct MapEntry {
  const YamlNode* key = nullptr;
  const YamlNode* value = nullptr;
};
std::vector<std::pair<std::string, MapEntry>> ReadMapEntries(const YamlNode& map, DiagnosticList& diagnostics);

}  // namespace sweep::spec
