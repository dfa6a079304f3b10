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

// The value at quantile u (clamped to [0, 1]; NaN reads as 0). Integer and
// q-distributions are rounded here (W&B: round(x / q) * q; ints for integer q
// and for int_uniform), categoricals pick by cumulative probabilities,
// constants ignore u. The returned Value is an int for integer-valued
// parameters and a double otherwise, matching what W&B would pass to the
// program:
//   constant, categorical: the spec's value (any kind), as written;
//   int_uniform: int, min + floor(u * (max - min + 1)), u = 1 gives max;
//   q_uniform, q_log_uniform(_values), q_normal, q_log_normal, q_beta: int
//     when q is integral (saturating at the int64 range), else double;
//   every other law: double.
// Bounded laws reach their bounds at u = 0 and 1; normal and log_normal read
// u from [2^-53, 1 - 2^-53], so they stay finite (about ±8.2 sigma).
// Categorical with probabilities: the first value whose cumulative
// probability exceeds u (as W&B), and at u = 1 the last value with positive
// probability; without probabilities, values[floor(u * n)].
Value FromUnit(const ParameterSpec& p, double u);

// The CDF of the parameter at `v`, in [0, 1]. Numeric laws accept int or
// double values and use the CDF of the unrounded law (as W&B's bayes does);
// int_uniform uses the middle of the integer's interval, (k - min + 0.5) / n;
// categoricals the middle of the value's probability interval (values match
// by Value equality, so 2 and 2.0 differ); constants 0.5. NaN when `v` is not
// one of a categorical's values, or not a number for a numeric law. Inverse
// of FromUnit up to rounding.
double ToUnit(const ParameterSpec& p, const Value& v);

// True when the parameter takes finitely many values (constant, categorical,
// int_uniform, q_uniform, q_log_uniform(_values), q_beta). q_normal and
// q_log_normal are unbounded and count as continuous.
bool IsDiscrete(const ParameterSpec& p);

}  // namespace sweep
