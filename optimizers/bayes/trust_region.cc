#include "optimizers/bayes/trust_region.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sweep::bayes {

double TrustRegionSide(const Eigen::VectorXd& y, int design, int dims) {
  const int failures_to_shrink = std::max(kTrustRegionMinFailures, dims);
  double side = kTrustRegionInitial;
  int successes = 0, failures = 0;
  double best = std::numeric_limits<double>::infinity();
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    if (i >= design) {
      if (y[i] < best - kTrustRegionImprovement * std::abs(best)) {
        ++successes;
        failures = 0;
      } else {
        ++failures;
        successes = 0;
      }
      if (successes == kTrustRegionSuccesses) side = std::min(2 * side, kTrustRegionMax), successes = 0;
      if (failures == failures_to_shrink) side /= 2, failures = 0;
      if (side < kTrustRegionMin) side = kTrustRegionInitial;
    }
    best = std::min(best, y[i]);
  }
  return side;
}

Box TrustRegionBox(const std::vector<double>& center, const std::vector<double>& lengthscale,
                   const std::vector<bool>& unbounded, double side) {
  const std::size_t d = center.size();
  double log_sum = 0;
  int bounded = 0;
  for (std::size_t j = 0; j < d; ++j) {
    if (!unbounded[j]) log_sum += std::log(lengthscale[j]), ++bounded;
  }
  const double geometric_mean = bounded > 0 ? std::exp(log_sum / bounded) : 1.0;
  Box box{std::vector<double>(d, 0.0), std::vector<double>(d, 1.0)};
  for (std::size_t j = 0; j < d; ++j) {
    if (unbounded[j]) continue;
    const double half = 0.5 * side * lengthscale[j] / geometric_mean;
    box.lower[j] = std::max(0.0, center[j] - half);
    box.upper[j] = std::min(1.0, center[j] + half);
  }
  return box;
}

}  // namespace sweep::bayes
