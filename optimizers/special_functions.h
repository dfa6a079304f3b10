// Special functions behind the parameter distributions: the standard normal
// CDF and quantile, and the regularized incomplete beta function and its
// inverse. Standard library only (no Boost outside agents/).
//
// Pure functions; thread-safe.
#pragma once

namespace sweep {

// Φ(x), the standard normal CDF, accurate to a few ulps in both tails
// (computed through erfc, so Φ(-30) is ~5e-198, not 0).
double NormalCdf(double x);

// Φ⁻¹(p) by Wichura's algorithm AS241 (PPND16), relative error below 1e-15.
// Returns -inf at p = 0, +inf at p = 1 and NaN outside [0, 1]; callers that
// need finite values clamp p first.
double NormalQuantile(double p);

// I_x(a, b), the regularized incomplete beta function (the CDF of
// Beta(a, b) at x), for a, b > 0. x is clamped to [0, 1]. Evaluated by the
// modified Lentz continued fraction on whichever of x and 1-x converges fast.
double RegularizedIncompleteBeta(double a, double b, double x);

// The x in [0, 1] with I_x(a, b) = p (the Beta(a, b) quantile), for a, b > 0.
// p is clamped to [0, 1]. Safeguarded Newton iteration inside a bracket that
// shrinks every step, so it converges even far in the tails.
double InverseRegularizedIncompleteBeta(double a, double b, double p);

}  // namespace sweep
