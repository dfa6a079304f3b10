#include "optimizers/space_transform.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

#include "optimizers/special_functions.h"

namespace sweep {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Unbounded laws (normal, log-normal) read u from [2^-53, 1 - 2^-53]: the
// finest resolution a 53-bit uniform draw has, symmetric around 0.5, so
// u = 0 and u = 1 give ±8.2 sigma instead of infinities.
constexpr double kNormalTailProbability = 0x1p-53;

// Doubles at or beyond 2^63 do not fit an int64; integer results saturate.
constexpr double kInt64Limit = 0x1p63;

double ClampUnit(double u) {
  if (!(u > 0)) return 0;  // NaN too
  return u < 1 ? u : 1;
}

double Lerp(double lo, double hi, double u) { return lo + u * (hi - lo); }

// (x - lo) / (hi - lo) clamped to [0, 1]; 0.5 for a degenerate range.
double InverseLerp(double lo, double hi, double x) {
  if (std::isnan(x)) return kNaN;
  if (!(hi > lo)) return 0.5;
  return std::clamp((x - lo) / (hi - lo), 0.0, 1.0);
}

// NaN (only from an invalid spec, e.g. q = 0) maps to 0 rather than to the
// undefined behaviour of casting it.
std::int64_t SaturatingInt(double x) {
  if (std::isnan(x)) return 0;
  if (x >= kInt64Limit) return std::numeric_limits<std::int64_t>::max();
  if (x <= -kInt64Limit) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(x);
}

// W&B returns ints from q-distributions when q is an integer (Python
// isinstance(q, int)): ParameterSpec::integer_q says how q was written.
bool HasIntegerQ(const ParameterSpec& p) {
  return p.integer_q && std::floor(p.q) == p.q && std::abs(p.q) < kInt64Limit;
}

// round(x / q) * q as numpy computes it: ties go to even (numpy.round).
Value QuantizeValue(const ParameterSpec& p, double x) {
  const double rounded = std::nearbyint(x / p.q) * p.q;
  if (HasIntegerQ(p)) return Value(SaturatingInt(rounded));
  return Value(rounded);
}

double NormalZ(double u) {
  return NormalQuantile(std::clamp(u, kNormalTailProbability, 1 - kNormalTailProbability));
}

// The Beta CDF lives on [0, 1]; W&B's beta has no location or scale.
double BetaQuantile(const ParameterSpec& p, double u) { return InverseRegularizedIncompleteBeta(p.a, p.b, u); }

// Cumulative category weights; uniform when no probabilities are given.
std::vector<double> CumulativeWeights(const ParameterSpec& p) {
  std::vector<double> cumulative(p.values.size(), 1.0);
  if (p.probabilities.size() == p.values.size()) {
    std::copy(p.probabilities.begin(), p.probabilities.end(), cumulative.begin());
  }
  std::partial_sum(cumulative.begin(), cumulative.end(), cumulative.begin());
  return cumulative;
}

// The first category whose cumulative weight exceeds u * total, as W&B's
// argmin(u >= cdf); u = 1 (where W&B would wrap to index 0) picks the last
// category with positive weight.
Value CategoricalFromUnit(const ParameterSpec& p, double u) {
  if (p.values.empty()) return Value();
  const std::vector<double> cumulative = CumulativeWeights(p);
  const double target = u * cumulative.back();
  auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
  if (it == cumulative.end()) {
    size_t last = cumulative.size() - 1;
    while (last > 0 && cumulative[last] == cumulative[last - 1]) --last;
    return p.values[last];
  }
  return p.values[static_cast<size_t>(it - cumulative.begin())];
}

double CategoricalToUnit(const ParameterSpec& p, const Value& v) {
  auto it = std::find(p.values.begin(), p.values.end(), v);
  if (it == p.values.end()) return kNaN;
  const size_t i = static_cast<size_t>(it - p.values.begin());
  const std::vector<double> cumulative = CumulativeWeights(p);
  const double below = i == 0 ? 0.0 : cumulative[i - 1];
  return 0.5 * (below + cumulative[i]) / cumulative.back();
}

// int_uniform: min + floor(u * n) over the n = max - min + 1 integers.
Value IntUniformFromUnit(const ParameterSpec& p, double u) {
  const double count = p.max - p.min + 1;
  const double offset = std::min(std::floor(u * count), count - 1);
  return Value(SaturatingInt(p.min + std::max(offset, 0.0)));
}

double IntUniformToUnit(const ParameterSpec& p, double x) {
  const double count = p.max - p.min + 1;
  if (!(count >= 1)) return 0.5;
  return std::clamp((std::round(x) - p.min + 0.5) / count, 0.0, 1.0);
}

double Log(double x) { return x > 0 ? std::log(x) : -std::numeric_limits<double>::infinity(); }

// W&B: inv_log_uniform is exp(-U(min, max)) drawn at 1 - u, so it increases with u.
double InvLogUniform(double lo, double hi, double u) { return std::exp(-Lerp(lo, hi, 1 - u)); }

}  // namespace

Value FromUnit(const ParameterSpec& p, double u) {
  u = ClampUnit(u);
  switch (p.distribution) {
    case Distribution::kConstant:
      return p.value;
    case Distribution::kCategorical:
      return CategoricalFromUnit(p, u);
    case Distribution::kIntUniform:
      return IntUniformFromUnit(p, u);
    case Distribution::kUniform:
      return Value(Lerp(p.min, p.max, u));
    case Distribution::kQUniform:
      return QuantizeValue(p, Lerp(p.min, p.max, u));
    case Distribution::kLogUniform:
      return Value(std::exp(Lerp(p.min, p.max, u)));
    case Distribution::kLogUniformValues:
      return Value(std::exp(Lerp(std::log(p.min), std::log(p.max), u)));
    case Distribution::kInvLogUniform:
      return Value(InvLogUniform(p.min, p.max, u));
    case Distribution::kInvLogUniformValues:
      return Value(InvLogUniform(-std::log(p.max), -std::log(p.min), u));
    case Distribution::kQLogUniform:
      return QuantizeValue(p, std::exp(Lerp(p.min, p.max, u)));
    case Distribution::kQLogUniformValues:
      return QuantizeValue(p, std::exp(Lerp(std::log(p.min), std::log(p.max), u)));
    case Distribution::kNormal:
      return Value(p.mu + p.sigma * NormalZ(u));
    case Distribution::kQNormal:
      return QuantizeValue(p, p.mu + p.sigma * NormalZ(u));
    case Distribution::kLogNormal:
      return Value(std::exp(p.mu + p.sigma * NormalZ(u)));
    case Distribution::kQLogNormal:
      return QuantizeValue(p, std::exp(p.mu + p.sigma * NormalZ(u)));
    case Distribution::kBeta:
      return Value(BetaQuantile(p, u));
    case Distribution::kQBeta:
      return QuantizeValue(p, BetaQuantile(p, u));
  }
  return Value();
}

double ToUnit(const ParameterSpec& p, const Value& v) {
  switch (p.distribution) {
    case Distribution::kConstant:
      return 0.5;
    case Distribution::kCategorical:
      return CategoricalToUnit(p, v);
    default:
      break;
  }
  if (!v.is_number()) return kNaN;
  const double x = v.as_number();
  switch (p.distribution) {
    case Distribution::kConstant:
    case Distribution::kCategorical:
      break;  // handled above
    case Distribution::kIntUniform:
      return IntUniformToUnit(p, x);
    case Distribution::kUniform:
    case Distribution::kQUniform:
      return InverseLerp(p.min, p.max, x);
    case Distribution::kLogUniform:
    case Distribution::kQLogUniform:
      return InverseLerp(p.min, p.max, Log(x));
    case Distribution::kLogUniformValues:
    case Distribution::kQLogUniformValues:
    // 1/exp(U(log(1/max), log(1/min))) has log x ~ U(log min, log max).
    case Distribution::kInvLogUniformValues:
      return InverseLerp(std::log(p.min), std::log(p.max), Log(x));
    case Distribution::kInvLogUniform:
      return 1 - InverseLerp(p.min, p.max, -Log(x));
    case Distribution::kNormal:
    case Distribution::kQNormal:
      return NormalCdf((x - p.mu) / p.sigma);
    case Distribution::kLogNormal:
    case Distribution::kQLogNormal:
      return x > 0 ? NormalCdf((std::log(x) - p.mu) / p.sigma) : 0.0;
    case Distribution::kBeta:
    case Distribution::kQBeta:
      return RegularizedIncompleteBeta(p.a, p.b, x);
  }
  return kNaN;
}

bool IsDiscrete(const ParameterSpec& p) {
  switch (p.distribution) {
    case Distribution::kConstant:
    case Distribution::kCategorical:
    case Distribution::kIntUniform:
    case Distribution::kQUniform:
    case Distribution::kQLogUniform:
    case Distribution::kQLogUniformValues:
    case Distribution::kQBeta:  // Beta lives on [0, 1], so its q-grid is finite
      return true;
    default:
      return false;
  }
}

}  // namespace sweep
