// A configuration given by a user (the spec's `initial_points:`, `sweep
// enqueue --params`) checked against a search space and put in the form the
// samplers produce, so it runs, stores and compares like a proposed one.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "core/result.h"
#include "core/search_space.h"

namespace sweep {

struct PointProblem {
  std::string parameter;  // the parameter at fault ("" for the point as a whole)
  std::string message;    // says which parameter and why
  bool bad_value = false;  // the parameter's value is at fault (not its presence)
};

// `given` (names are dotted parameter names, any order) as a configuration
// of `space`: every active parameter present (constants may be left out and
// are filled in), no inactive or unknown one, each value one the parameter
// can take (a categorical's value, an integer within int_uniform's bounds, a
// number within a bounded law's range), numbers typed as the sampler types
// them (int_uniform and integral q laws: ints; other numeric laws: doubles).
// In space order. Otherwise the first problem found.
Result<Config> NormalizePoint(const SearchSpace& space, const Config& given, PointProblem* problem = nullptr);

// Nested maps ({"model": {"depth": 3}}) flattened to dotted names where the
// dotted name is a parameter of `space`; other values are kept as they are.
Config FlattenPoint(const SearchSpace& space, const ValueMap& nested);

}  // namespace sweep
