#include "sweep/spec/initial_points_parser.h"

#include <string>

#include "core/space_point.h"
#include "sweep/spec/yaml_value.h"

namespace sweep::spec {
namespace {

// The key node (or with `value`, the value node) written for dotted `name`
// inside an entry (nested maps walked), or nullptr.
const YamlNode* NodeFor(const YamlNode& entry, const std::string& name, bool want_value) {
  const YamlNode* map = &entry;
  std::string rest = name;
  while (map != nullptr && map->is_map()) {
    const YamlNode* next = nullptr;
    for (const auto& [key, value] : map->entries) {
      if (key->text == rest) return want_value ? value.get() : key.get();
      if (rest.starts_with(key->text + ".")) {
        next = value.get();
        rest = rest.substr(key->text.size() + 1);
        break;
      }
    }
    map = next;
  }
  return nullptr;
}

}  // namespace

std::vector<Config> ReadInitialPoints(const YamlNode& node, const SearchSpace& space, DiagnosticList& diagnostics) {
  std::vector<Config> points;
  if (!node.is_sequence()) {
    diagnostics.Error(node, "initial_points: expected a list of parameter mappings, got " + DescribeNode(node));
    return points;
  }
  if (node.items.size() > kMaxInitialPoints) {
    diagnostics.Error(node, "initial_points: at most " + std::to_string(kMaxInitialPoints) + " points, got " +
                                std::to_string(node.items.size()));
    return points;
  }
  for (std::size_t i = 0; i < node.items.size(); ++i) {
    const YamlNode& entry = *node.items[i];
    const std::string where = "initial_points[" + std::to_string(i) + "]";
    if (!entry.is_map()) {
      diagnostics.Error(entry, where + ": expected a mapping of parameter names to values, got " +
                                   DescribeNode(entry));
      continue;
    }
    const Value given = ToValue(entry, diagnostics);
    if (!given.is_map()) continue;
    PointProblem problem;
    Result<Config> point = NormalizePoint(space, FlattenPoint(space, given.as_map()), &problem);
    if (!point.ok()) {
      const YamlNode* at = NodeFor(entry, problem.parameter, problem.bad_value);
      diagnostics.Error(at != nullptr ? *at : entry, where + ": " + point.error().message);
      continue;
    }
    points.push_back(std::move(*point));
  }
  return points;
}

}  // namespace sweep::spec
