#include "optimizers/special_functions.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sweep {
namespace {

// Evaluates c[0] + c[1] r + ... + c[7] r^7 (Horner).
double Polynomial8(const double (&c)[8], double r) {
  double v = c[7];
  for (int i = 6; i >= 0; --i) v = v * r + c[i];
  return v;
}

// Wichura, AS241 (Applied Statistics 37(3), 1988), PPND16 coefficients.
constexpr double kCentralSplit = 0.425;  // |p - 0.5| up to here: central rational form
constexpr double kTailSplit = 5.0;       // sqrt(-log(min(p, 1-p))) up to here: near tail
constexpr double kCentralOffset = 0.180625;
constexpr double kNearTailOffset = 1.6;
constexpr double kA[8] = {3.3871328727963666080e0, 1.3314166789178437745e+2, 1.9715909503065514427e+3,
                          1.3731693765509461125e+4, 4.5921953931549871457e+4, 6.7265770927008700853e+4,
                          3.3430575583588128105e+4, 2.5090809287301226727e+3};
constexpr double kB[8] = {1.0, 4.2313330701600911252e+1, 6.8718700749205790830e+2, 5.3941960214247511077e+3,
                          2.1213794301586595867e+4, 3.9307895800092710610e+4, 2.8729085735721942674e+4,
                          5.2264952788528545610e+3};
constexpr double kC[8] = {1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
                          3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
                          2.27238449892691845833e-2, 7.74545014278341407640e-4};
constexpr double kD[8] = {1.0, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
                          1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4,
                          1.05075007164441684324e-9};
constexpr double kE[8] = {6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
                          2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
                          2.71155556874348757815e-5, 2.01033439929228813265e-7};
constexpr double kF[8] = {1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
                          7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7,
                          2.04426310338993978564e-15};

// Continued fraction for I_x(a, b) (modified Lentz), converging quickly for
// x < (a + 1) / (a + b + 2).
constexpr int kMaxContinuedFractionTerms = 10000;  // enough for a, b up to ~1e7
constexpr double kContinuedFractionTolerance = 1e-16;
constexpr double kLentzFloor = 1e-300;  // keeps Lentz's denominators away from 0

double BetaContinuedFraction(double a, double b, double x) {
  const double qab = a + b, qap = a + 1, qam = a - 1;
  auto floored = [](double v) { return std::abs(v) < kLentzFloor ? kLentzFloor : v; };
  double c = 1;
  double d = 1 / floored(1 - qab * x / qap);
  double h = d;
  for (int m = 1; m <= kMaxContinuedFractionTerms; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 / floored(1 + aa * d);
    c = floored(1 + aa / c);
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 / floored(1 + aa * d);
    c = floored(1 + aa / c);
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1) < kContinuedFractionTolerance) break;
  }
  return h;
}

// log Γ(x) for x > 0. glibc's lgamma writes the global `signgam`, a data
// race when called from several threads; lgamma_r does not.
double LogGamma(double x) {
#if defined(__GLIBC__)
  int sign = 0;
  return ::lgamma_r(x, &sign);
#else
  return std::lgamma(x);
#endif
}

double LogBeta(double a, double b) { return LogGamma(a) + LogGamma(b) - LogGamma(a + b); }

// log of x^a (1-x)^b / B(a, b), the common factor of both continued-fraction forms.
double LogBetaFront(double a, double b, double x, double log_beta) {
  return a * std::log(x) + b * std::log1p(-x) - log_beta;
}

// A starting point for the Beta quantile (Numerical Recipes 3rd ed., §6.14.1):
// a normal approximation when both shapes are >= 1, else the power-law tails.
double InitialBetaQuantile(double a, double b, double p) {
  if (a >= 1 && b >= 1) {
    const double pp = p < 0.5 ? p : 1 - p;
    const double t = std::sqrt(-2 * std::log(pp));
    double x = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t;
    if (p < 0.5) x = -x;
    const double al = (x * x - 3) / 6;
    const double h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
    const double w = x * std::sqrt(al + h) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5.0 / 6 - 2 / (3 * h));
    return a / (a + b * std::exp(2 * w));
  }
  const double lna = std::log(a / (a + b)), lnb = std::log(b / (a + b));
  const double t = std::exp(a * lna) / a, u = std::exp(b * lnb) / b, w = t + u;
  if (p < t / w) return std::pow(a * w * p, 1 / a);
  return 1 - std::pow(b * w * (1 - p), 1 / b);
}

constexpr int kMaxQuantileIterations = 2200;  // bisection alone resolves any double in < 2100 halvings
constexpr double kQuantileRelativeTolerance = 4 * std::numeric_limits<double>::epsilon();

}  // namespace

double NormalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double NormalQuantile(double p) {
  if (std::isnan(p) || p < 0 || p > 1) return std::numeric_limits<double>::quiet_NaN();
  if (p == 0) return -std::numeric_limits<double>::infinity();
  if (p == 1) return std::numeric_limits<double>::infinity();
  const double q = p - 0.5;
  if (std::abs(q) <= kCentralSplit) {
    const double r = kCentralOffset - q * q;
    return q * Polynomial8(kA, r) / Polynomial8(kB, r);
  }
  double r = std::sqrt(-std::log(q < 0 ? p : 1 - p));
  double z;
  if (r <= kTailSplit) {
    r -= kNearTailOffset;
    z = Polynomial8(kC, r) / Polynomial8(kD, r);
  } else {
    r -= kTailSplit;
    z = Polynomial8(kE, r) / Polynomial8(kF, r);
  }
  return q < 0 ? -z : z;
}

double RegularizedIncompleteBeta(double a, double b, double x) {
  if (!(x > 0)) return 0;
  if (x >= 1) return 1;
  const double log_beta = LogBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) {
    return std::exp(LogBetaFront(a, b, x, log_beta)) * BetaContinuedFraction(a, b, x) / a;
  }
  return 1 - std::exp(LogBetaFront(b, a, 1 - x, log_beta)) * BetaContinuedFraction(b, a, 1 - x) / b;
}

double InverseRegularizedIncompleteBeta(double a, double b, double p) {
  if (!(p > 0)) return 0;
  if (p >= 1) return 1;
  // Solve on the side where the answer is near 0, where doubles are dense:
  // a quantile like 1 - 1e-30 is found as 1 - (the Beta(b, a) quantile).
  // 1 - p is exact for p >= 0.5.
  if (p > 0.5) return 1 - InverseRegularizedIncompleteBeta(b, a, 1 - p);
  const double log_beta = LogBeta(a, b);
  double lo = 0, hi = 1;
  double x = std::clamp(InitialBetaQuantile(a, b, p), 0.0, 1.0);
  if (!(x > 0 && x < 1)) x = 0.5;
  for (int i = 0; i < kMaxQuantileIterations; ++i) {
    const double f = RegularizedIncompleteBeta(a, b, x) - p;
    if (f == 0) return x;
    (f < 0 ? lo : hi) = x;
    const double log_density = (a - 1) * std::log(x) + (b - 1) * std::log1p(-x) - log_beta;
    double next = x - f / std::exp(log_density);
    // Newton may overshoot where the density is steep or nearly flat; the
    // bracket then halves instead, which also walks into deep tails.
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::abs(next - x) <= kQuantileRelativeTolerance * next || next == lo || next == hi) return next;
    x = next;
  }
  return x;
}

}  // namespace sweep
