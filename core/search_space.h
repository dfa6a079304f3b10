// The search space of a sweep: one ParameterSpec per leaf parameter, in the
// order the spec lists them, nested `parameters:` blocks flattened into paths.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"

namespace sweep {

// Every distribution W&B documents, with W&B's semantics:
//   log_uniform, inv_log_uniform, q_log_uniform: min/max are natural-log exponents;
//   *_values variants: min/max are the values themselves.
enum class Distribution {
  kConstant,             // value
  kCategorical,          // values (+ probabilities)
  kIntUniform,           // min, max (integers, inclusive)
  kUniform,              // min, max
  kQUniform,             // min, max, q: round(U(min,max)/q)*q
  kLogUniform,           // exp(U(min,max))
  kLogUniformValues,     // exp(U(log min, log max))
  kInvLogUniform,        // 1/exp(U(min,max))
  kInvLogUniformValues,  // 1/exp(U(log(1/max), log(1/min)))
  kQLogUniform,          // round(exp(U(min,max))/q)*q
  kQLogUniformValues,    // round(exp(U(log min, log max))/q)*q
  kNormal,               // N(mu, sigma)
  kQNormal,              // round(N(mu,sigma)/q)*q
  kLogNormal,            // exp(N(mu, sigma))
  kQLogNormal,           // round(exp(N(mu,sigma))/q)*q
  kBeta,                 // Beta(a, b)
  kQBeta,                // round(Beta(a,b)/q)*q
};

// The spec spelling ("q_log_uniform_values") of a distribution, and back.
std::string_view DistributionName(Distribution d);
std::optional<Distribution> ParseDistributionName(std::string_view name);

// True for the distributions whose values spread over orders of magnitude
// (the log_* and inv_log_* families, log_normal): models, plots and
// importance work on them in log space.
bool IsLogScale(Distribution d);

// `condition:` on a parameter (our extension; W&B has no conditional
// parameters): the parameter exists only while the parameter named `parent`
// (its dotted name) is itself active and has one of `allowed`.
struct ParameterCondition {
  std::string parent;
  ValueList allowed;
};

struct ParameterSpec {
  // Path from the top-level `parameters:` block, one element per nesting level.
  std::vector<std::string> path;
  Distribution distribution = Distribution::kConstant;

  Value value;                        // kConstant
  ValueList values;                   // kCategorical
  std::vector<double> probabilities;  // kCategorical, empty = uniform
  double min = 0, max = 0;            // uniform families
  double mu = 0, sigma = 1;           // normal families
  double a = 1, b = 1;                // beta families
  double q = 1;                       // q_* families
  // W&B's q_* return ints only when q is a Python int (isinstance(q, int)).
  // The spec parser sets this from how q was written; without q it is false,
  // since W&B's schema default is q: 1.0. Specs built in code keep true: an
  // integral q there means an integer q.
  bool integer_q = true;
  // True when min/max were written as integers (W&B infers int_uniform from
  // them; q_* with integer q produce integers).
  bool integer_bounds = false;
  // Every one must hold for the parameter to be active (conditional_space.h);
  // empty = always active, as in every W&B spec.
  std::vector<ParameterCondition> conditions;

  // "a.b.c" for nested parameters: the display and storage name.
  std::string name() const;
};

// A top-level parameter of a law bounded by min and max (the uniform
// families), the shape benchmarks and tests build spaces from.
ParameterSpec BoundedParameter(std::string name, Distribution distribution, double min, double max);

struct SearchSpace {
  std::vector<ParameterSpec> parameters;

  const ParameterSpec* find(std::string_view name) const;
};

// A configuration: one (name, value) per active ParameterSpec, same order
// (inactive conditional parameters are absent, conditional_space.h). Names are
// ParameterSpec::name(); nesting is restored by ToNestedConfig.
using Config = std::vector<std::pair<std::string, Value>>;

// {"a": {"b": 1}} from [("a.b", 1)], for JSON files and W&B-style configs.
Value ToNestedConfig(const SearchSpace& space, const Config& config);

}  // namespace sweep
