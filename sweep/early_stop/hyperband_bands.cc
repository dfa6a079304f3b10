#include "sweep/early_stop/hyperband_bands.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace sweep {
namespace {

// Our minimum for eta. W&B's schema only requires eta > 1, but with
// 1 < eta < 2 int() truncation can produce the same band twice and keeping
// the top 1/eta keeps more than half the runs, which is not hyperband any
// more; eta = 2 (halving) is the smallest meaningful value.
constexpr double kMinEta = 2.0;

}  // namespace

Result<std::vector<std::int64_t>> HyperbandBands(const EarlyStopOptions& o) {
  if (!std::isfinite(o.eta) || o.eta < kMinEta) {
    return Error::InvalidInput("early_terminate.eta must be a number >= 2, got " +
                               std::to_string(o.eta));
  }
  const bool has_min = o.min_iter.has_value();
  const bool has_max = o.max_iter.has_value();
  if (has_min && (has_max || o.s.has_value())) {
    return Error::InvalidInput(
        "early_terminate: give either min_iter or (max_iter and s), not both");
  }
  if (!has_min && !has_max) {
    return Error::InvalidInput(
        "early_terminate: hyperband needs either min_iter or (max_iter and s)");
  }

  std::vector<std::int64_t> bands;
  if (has_min) {
    if (*o.min_iter < 1) {
      return Error::InvalidInput("early_terminate.min_iter must be >= 1, got " +
                                 std::to_string(*o.min_iter));
    }
    double band = static_cast<double>(*o.min_iter);
    for (int i = 0; i < kHyperbandMinIterBandCount; ++i) {
      if (band > static_cast<double>(kMaxBand)) break;
      bands.push_back(static_cast<std::int64_t>(band));
      band *= o.eta;
    }
  } else {
    if (!o.s.has_value()) {
      return Error::InvalidInput("early_terminate: max_iter needs s");
    }
    if (*o.max_iter < 1) {
      return Error::InvalidInput("early_terminate.max_iter must be >= 1, got " +
                                 std::to_string(*o.max_iter));
    }
    if (*o.s < 1) {
      return Error::InvalidInput("early_terminate.s must be >= 1, got " + std::to_string(*o.s));
    }
    double band = static_cast<double>(*o.max_iter);
    for (std::int64_t i = 0; i < *o.s; ++i) {
      band /= o.eta;
      if (band < 1) break;
      bands.push_back(static_cast<std::int64_t>(band));
    }
    std::sort(bands.begin(), bands.end());
  }
  if (bands.empty()) {
    return Error::InvalidInput(
        "early_terminate: no hyperband bands (max_iter / eta < 1); increase max_iter or "
        "decrease eta");
  }
  return bands;
}

}  // namespace sweep
