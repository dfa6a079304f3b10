// The `parameters:` block of a spec -> SearchSpace, with W&B's rules:
//   value -> constant; values (+ probabilities) -> categorical;
//   min and max, both integers -> int_uniform, otherwise uniform;
//   `distribution:` names any other (see core/search_space.h), with defaults
//   mu 0, sigma 1, a 1, b 1, q 1; `parameters:` nests a block (dotted names).
// Every problem is reported at its node; parsing continues after errors.
#pragma once

#include <vector>

#include "core/search_space.h"
#include "sweep/spec/spec_diagnostic.h"
#include "sweep/spec/yaml_tree.h"

namespace sweep::spec {

// Deeper nesting is certainly a mistake (or an attack) and would make the
// recursive walk a stack risk.
constexpr int kMaxParameterDepth = 64;

// Probabilities must sum to 1 within this, as W&B checks.
constexpr double kProbabilitySumTolerance = 1e-6;

// Parses the value node of the top-level `parameters:` key. When `keys` is
// given it receives, parallel to the result's parameters, each one's key node
// (owned by `block`'s tree), so later checks can point at the parameter.
SearchSpace ParseParameters(const YamlNode& block, DiagnosticList& diagnostics,
                            std::vector<const YamlNode*>* keys = nullptr);

}  // namespace sweep::spec
