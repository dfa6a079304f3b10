// Reading YAML nodes as Values, with the scalar rules of PyYAML (what W&B
// reads specs with): yes/no/on/off/true/false are booleans, ~ and null are
// null, 1 and 0x1F are integers, 1.5 and .inf are floats. One deliberate
// difference: 1e-3 (no dot, no exponent sign) is a float here, where PyYAML
// would give the string "1e-3" and W&B would then reject the spec.
#pragma once

#include <string>

#include "core/result.h"
#include "core/value.h"
#include "sweep/spec/spec_diagnostic.h"
#include "sweep/spec/yaml_tree.h"

namespace sweep::spec {

// A scalar or null node as a Value. Errors (kInvalidInput) for integers beyond
// 64 bits and floats beyond the double range: Python would keep them, but no
// C++ consumer could, and silently clamping would change the user's number.
Result<Value> ScalarValue(const YamlNode& node);

// Any node as a Value (maps keep written order); every problem is reported
// into `diagnostics` at its node and the offending part becomes null.
Value ToValue(const YamlNode& node, DiagnosticList& diagnostics);

// "a string", "an integer", "a mapping", ...: for "expected X, got Y".
std::string DescribeNode(const YamlNode& node);

}  // namespace sweep::spec
