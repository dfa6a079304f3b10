#include "sweep/spec/condition_parser.h"

#include <string_view>

#include "core/conditional_space.h"
#include "sweep/spec/field_readers.h"
#include "sweep/spec/nearest_key.h"
#include "sweep/spec/yaml_value.h"

namespace sweep::spec {
namespace {

// The allowed-value nodes of one condition entry: the scalar, or the list's items.
std::vector<const YamlNode*> ValueNodes(const YamlNode& node) {
  std::vector<const YamlNode*> out;
  if (node.is_sequence()) {
    for (const auto& item : node.items) out.push_back(item.get());
  } else {
    out.push_back(&node);
  }
  return out;
}

}  // namespace

std::vector<ParameterCondition> ReadCondition(const YamlNode& node, const std::string& where,
                                              DiagnosticList& diagnostics, bool& ok) {
  std::vector<ParameterCondition> conditions;
  if (!node.is_map() || node.entries.empty()) {
    diagnostics.Error(node, where + ": condition: expected a mapping of parameter names to a value or a list of "
                                    "values (e.g. {optimizer: sgd}), got " + DescribeNode(node));
    ok = false;
    return conditions;
  }
  for (const auto& [parent, entry] : ReadMapEntries(node, diagnostics)) {
    ParameterCondition c;
    c.parent = parent;
    const YamlNode& values = *entry.value;
    if (values.is_sequence() && values.items.empty()) {
      diagnostics.Error(values, where + ": condition on '" + parent + "': the list of values is empty");
      ok = false;
      continue;
    }
    for (const YamlNode* v : ValueNodes(values)) {
      if (!v->is_scalar() && !v->is_null()) {
        diagnostics.Error(*v, where + ": condition on '" + parent + "': expected a value, got " + DescribeNode(*v));
        ok = false;
        continue;
      }
      c.allowed.push_back(ToValue(*v, diagnostics));
    }
    conditions.push_back(std::move(c));
  }
  return conditions;
}

void CheckConditions(const SearchSpace& space, const std::vector<const YamlNode*>& condition_nodes,
                     DiagnosticList& diagnostics) {
  std::vector<std::string> names;
  for (const ParameterSpec& p : space.parameters) names.push_back(p.name());
  const std::vector<std::string_view> candidates(names.begin(), names.end());
  bool parents_known = true;
  for (std::size_t i = 0; i < space.parameters.size() && i < condition_nodes.size(); ++i) {
    if (condition_nodes[i] == nullptr || !condition_nodes[i]->is_map()) continue;
    const std::string where = "parameter '" + names[i] + "': condition on '";
    for (const auto& [key, value] : condition_nodes[i]->entries) {
      const std::string parent_name = key->text;
      const ParameterSpec* parent = space.find(parent_name);
      if (parent == nullptr) {
        diagnostics.Error(*key, where + parent_name + "': " +
                                    UnknownKeyMessage("parameter", parent_name, candidates));
        parents_known = false;
        continue;
      }
      if (auto why = ConditionParentProblem(*parent)) {
        diagnostics.Error(*key, where + parent_name + "': " + *why);
        continue;
      }
      for (const YamlNode* v : ValueNodes(*value)) {
        auto scalar = ScalarValue(*v);
        if (!scalar.ok() || ParentCanTake(*parent, *scalar)) continue;
        diagnostics.Error(*v, where + parent_name + "': " + v->text + " is not among the values of '" +
                                  parent_name + "'" + (parent->distribution == Distribution::kIntUniform
                                                           ? " (an integer within its min and max)"
                                                           : ""));
      }
    }
  }
  if (!parents_known) return;
  const std::vector<std::size_t> cycle = ConditionCycle(space);
  if (cycle.empty()) return;
  std::string chain;
  for (std::size_t i : cycle) chain += "'" + names[i] + "' -> ";
  chain += "'" + names[cycle.front()] + "'";
  for (std::size_t i : cycle) {
    if (i < condition_nodes.size() && condition_nodes[i] != nullptr) {
      diagnostics.Error(*condition_nodes[i], "parameter '" + names[i] + "': conditions form a cycle: " + chain);
    }
  }
}

}  // namespace sweep::spec
