// Conditional parameters (our extension; W&B sweeps have none): a parameter
// with `conditions` (core/search_space.h) is active only while every parent
// it names is active and has one of the allowed values. Inactive parameters
// are absent from a trial's configuration, so conditions chain: `units_2`
// on `layers: [2, 3]` is inactive whenever `layers` itself is.
//
// Pure functions and an immutable class; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/search_space.h"
#include "core/value.h"

namespace sweep {

// True when some parameter of the space carries a condition.
bool HasConditions(const SearchSpace& space);

// Why `parent` cannot be a condition's parent (it must take countably many
// spelled-out values: a constant, `values:` or int_uniform), or nullopt.
std::optional<std::string> ConditionParentProblem(const ParameterSpec& parent);
// True when `parent` can take `v` (a constant's value, one of its `values:`,
// an integer within int_uniform's bounds); values match as Value equality.
bool ParentCanTake(const ParameterSpec& parent, const Value& v);

// Indices into space.parameters of the first cycle of conditions found
// (a condition on itself is a cycle of one), in the order they chain; empty
// when there is none. Conditions naming unknown parameters are ignored here.
std::vector<std::size_t> ConditionCycle(const SearchSpace& space);

// Every problem of the space's conditions in one message (unknown parent,
// parent without discrete values, an allowed value the parent never takes, a
// cycle), or nullopt. For spaces built in code; the spec parser reports the
// same problems at their file:line:column.
std::optional<std::string> ConditionProblem(const SearchSpace& space);

// A space's conditions with parents resolved once, so that checking the many
// candidate configurations of an optimizer is cheap. A parameter whose
// conditions name an unknown parent or lie on a cycle is never active.
class ActivityRules {
 public:
  explicit ActivityRules(const SearchSpace& space);

  // False when no parameter has a condition (then everything is active).
  bool conditional() const { return conditional_; }

  // The activity of every parameter (space order), given values[i] for
  // parameter i (nullptr = absent; an absent parent deactivates its
  // children). Values of inactive parameters are ignored.
  std::vector<bool> Active(const std::vector<const Value*>& values) const;
  // The same for a configuration, parameters matched by name.
  std::vector<bool> Active(const Config& config) const;
  // `full` (one entry per parameter, in space order, as samplers draw them)
  // without the entries of inactive parameters.
  Config DropInactive(Config full) const;

 private:
  struct Rule {
    std::size_t parent = 0;
    ValueList allowed;
  };
  std::vector<std::string> names_;
  std::vector<std::vector<Rule>> rules_;  // per parameter
  std::vector<std::size_t> order_;        // parents before children; unresolvable ones left out
  bool conditional_ = false;
};

}  // namespace sweep
