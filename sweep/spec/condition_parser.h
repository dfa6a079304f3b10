// The `condition:` key of a parameter (our extension; no W&B spec has it):
//
//   momentum:
//     values: [0.0, 0.9]
//     condition: {optimizer: sgd}          # active only when optimizer == sgd
//   units_3:
//     min: 16
//     max: 256
//     condition: {layers: [3, 4]}          # a list: any of these values
//
// Keys name other parameters (dotted names for nested ones); several keys
// must all hold. A parent must be a constant, a `values:` list or int_uniform,
// and every listed value one it takes; conditions must not form a cycle.
// Inactive parameters are absent from the trial's configuration
// (core/conditional_space.h).
#pragma once

#include <string>
#include <vector>

#include "core/search_space.h"
#include "sweep/spec/spec_diagnostic.h"
#include "sweep/spec/yaml_tree.h"

namespace sweep::spec {

// Conditions from the value node of `condition:`; shape problems are
// reported at their node and clear `ok`. `where` names the parameter.
std::vector<ParameterCondition> ReadCondition(const YamlNode& node, const std::string& where,
                                              DiagnosticList& diagnostics, bool& ok);

// Checks the conditions of a whole space against it: unknown parents (with a
// "did you mean"), parents without discrete values, values the parent never
// takes, and cycles, each at its node. `condition_nodes` runs parallel to
// space.parameters: each parameter's `condition:` value node, or nullptr.
void CheckConditions(const SearchSpace& space, const std::vector<const YamlNode*>& condition_nodes,
                     DiagnosticList& diagnostics);

}  // namespace sweep::spec
