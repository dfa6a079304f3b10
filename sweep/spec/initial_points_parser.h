// `initial_points:` (our extension, Optuna's enqueue_trial in a spec): a list
// of configurations run before the method proposes anything.
//
//   initial_points:
//     - {optimizer: sgd, lr: 0.01, momentum: 0.9}
//     - {optimizer: adam, lr: 0.001, model: {depth: 4}}
//
// Each entry maps parameter names (dotted, or nested maps) to values; every
// active parameter must be given (constants may be left out), none inactive
// or unknown, each value one its law can take (core/space_point.h). Problems
// are reported at the offending value (or entry).
#pragma once

#include <vector>

#include "core/search_space.h"
#include "sweep/spec/spec_diagnostic.h"
#include "sweep/spec/yaml_tree.h"

namespace sweep::spec {

// More points than this are not a warm start but a second sweep.
constexpr std::size_t kMaxInitialPoints = 10'000;

// The points of the `initial_points:` value node, normalized against `space`
// (parsed first); invalid entries are reported and left out.
std::vector<Config> ReadInitialPoints(const YamlNode& node, const SearchSpace& space, DiagnosticList& diagnostics);

}  // namespace sweep::spec
