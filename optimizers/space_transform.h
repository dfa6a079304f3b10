// Maps each parameter between its value and a coordinate u in [0, 1] such
// that u ~ Uniform(0, 1) yields exactly the parameter's W&B distribution:
// FromUnit is the quantile function (inverse CDF), ToUnit the CDF. Random
// search samples through FromUnit; Bayesian search models in u-space, which
// is linear in log space for log distributions and follows the prior's CDF
// for normal and beta ones (as W&B's bayes does).
//
// Pure functions of their arguments; thread-safe.
#pragma once

#include "core/search_space.h"
#include "core/value.h"

namespace sweep {

// The value at quantile u (clamped to [0, 1]). Integer and q-distributions
// are rounded here (W&B: round(x / q) * q; ints for integer q and for
// int_uniform), categoricals pick by cumulative probabilities, constants
// ignore u. The returned Value is an int for integer-valued parameters and a
// double otherwise, matching what W&B would pass to the program.
Value FromUnit(const ParameterSpec& p, double u);

// The CDF of the parameter at `v` (for categoricals, the middle of the
// value's probability interval; 0.5 for constants). Inverse of FromUnit up
// to rounding.
double ToUnit(const ParameterSpec& p, const Value& v);

// True when the parameter takes finitely many values (constant, categorical,
// int_uniform, q_uniform, q_log_uniform(_values) over a bounded range).
bool IsDiscrete(const ParameterSpec& p);

}  // namespace sweep
