#include "optimizers/bayes/log_ei.h"

#include <cmath>
#include <limits>

#include "optimizers/special_functions.h"

namespace sweep::bayes {
namespace {

// Below this z the direct formula φ(z) + zΦ(z) loses more than ~2 digits to
// cancellation (h(-3) = 3.8e-4 against terms of 4e-3); the continued
// fraction needs few terms there.
constexpr double kTailStart = -3.0;
// Terms of the backward continued fraction; at t = 3 the remainder after
// 200 terms is far below double precision (checked against mpmath in the
// tests), and beyond it converges faster.
constexpr int kContinuedFractionTerms = 200;
const double kLogSqrt2Pi = 0.5 * std::log(2.0 * M_PI);

// g(t) = t + 2/(t + 3/(t + 4/(...))), evaluated from the tail backwards.
double TailG(double t) {
  double f = t;
  for (int k = kContinuedFractionTerms; k >= 2; --k) f = t + k / f;
  return f;
}

double NormalPdf(double z) { return std::exp(-0.5 * z * z - kLogSqrt2Pi); }

}  // namespace

double LogH(double z) {
  if (std::isnan(z)) return z;
  if (z == -std::numeric_limits<double>::infinity()) return z;
  if (z >= kTailStart) return std::log(NormalPdf(z) + z * NormalCdf(z));
  const double t = -z;
  // log φ(z) - log(1 + t g(t)); t g(t) ~ t^2 overflows only past 1e154.
  return -0.5 * z * z - kLogSqrt2Pi - std::log1p(t * TailG(t));
}

double LogHDerivative(double z) {
  if (z >= kTailStart) return NormalCdf(z) / (NormalPdf(z) + z * NormalCdf(z));
  return TailG(-z);
}

}  // namespace sweep::bayes
