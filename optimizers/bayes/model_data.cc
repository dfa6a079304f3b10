#include "optimizers/bayes/model_data.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <utility>

namespace sweep::bayes {
namespace {

bool IsPending(TrialState s) { return s == TrialState::kQueued || s == TrialState::kRunning; }
bool MayReport(TrialState s) { return s == TrialState::kFinished || s == TrialState::kStopped; }

// Log output warping: y -> log(y - min + delta), delta = 3 x (median - min).
// Objectives of sweeps (losses, errors) and test functions often span orders
// of magnitude; on the raw scale the GP spends its variance on the bad
// region. The log compresses the values above the median, leaving the good
// half nearly linear. Monotone (the best point stays the best). The offset
// was chosen on the bench (bench/bayes): 0.01 and 0.3 over-amplified the
// differences near the best point and stalled Hartmann-6 and Rosenbrock.
constexpr double kWarpOffsetFraction = 3.0;

Eigen::VectorXd Warp(const Eigen::VectorXd& y) {
  if (y.size() < 2) return y;
  std::vector<double> sorted(y.data(), y.data() + y.size());
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  const double median = sorted[sorted.size() / 2];
  const double lo = y.minCoeff();
  const double delta = kWarpOffsetFraction * (median - lo);
  if (!(delta > 0) || !std::isfinite(delta)) return y;  // constant-ish: nothing to warp
  return (y.array() - lo + delta).log();
}

}  // namespace

ModelData Collect(const OptimizerOptions& options, const SpaceEncoding& enc,
                  const std::vector<TrialObservation>& history) {
  const double sign = options.goal == Goal::kMaximize ? -1.0 : 1.0;
  const int fd = enc.feature_dims();
  std::vector<std::vector<double>> raw, pending_raw;
  std::vector<std::optional<double>> y;  // nullopt: to impute
  for (const TrialObservation& t : history) {
    std::optional<std::vector<double>> r = enc.EncodeRaw(t.config);
    if (!r) continue;  // not a point of this space: nothing to learn
    if (IsPending(t.state)) {
      pending_raw.push_back(std::move(*r));
      continue;
    }
    const bool usable = MayReport(t.state) && t.objective && std::isfinite(*t.objective);
    if (!usable && options.bayes.failed_trials == BayesOptions::FailedTrials::kExclude) continue;
    raw.push_back(std::move(*r));
    y.push_back(usable ? std::optional<double>(sign * *t.objective) : std::nullopt);
  }
  double worst = -std::numeric_limits<double>::infinity(), best = std::numeric_limits<double>::infinity();
  for (const auto& v : y) {
    if (v) worst = std::max(worst, *v), best = std::min(best, *v);
  }
  std::optional<double> imputed;
  switch (options.bayes.failed_trials) {
    case BayesOptions::FailedTrials::kImputeWorst: if (std::isfinite(worst)) imputed = worst; break;
    case BayesOptions::FailedTrials::kImputeBest: if (std::isfinite(best)) imputed = best; break;
    case BayesOptions::FailedTrials::kImputeValue:
      if (std::isfinite(options.bayes.impute_value)) imputed = sign * options.bayes.impute_value;
      break;
    case BayesOptions::FailedTrials::kExclude: break;
  }
  ModelData data;
  std::vector<int> keep;
  for (int i = 0; i < static_cast<int>(y.size()); ++i) {
    if (y[i] || imputed) keep.push_back(i);  // nothing to impute from yet: skip
  }
  data.x.resize(static_cast<Eigen::Index>(keep.size()), fd);
  data.y.resize(static_cast<Eigen::Index>(keep.size()));
  std::vector<double> f(fd);
  for (int k = 0; k < static_cast<int>(keep.size()); ++k) {
    // Eigen is column-major: fill a row through a contiguous buffer.
    enc.Features(raw[keep[k]].data(), f.data());
    data.x.row(k) = Eigen::Map<const Eigen::RowVectorXd>(f.data(), fd);
    data.y[k] = y[keep[k]] ? *y[keep[k]] : *imputed;
    data.raw.push_back(std::move(raw[keep[k]]));
  }
  data.pending.resize(static_cast<Eigen::Index>(pending_raw.size()), fd);
  for (int k = 0; k < static_cast<int>(pending_raw.size()); ++k) {
    enc.Features(pending_raw[k].data(), f.data());
    data.pending.row(k) = Eigen::Map<const Eigen::RowVectorXd>(f.data(), fd);
  }
  data.pending_raw = std::move(pending_raw);
  return data;
}

Eigen::VectorXd Standardize(const Eigen::VectorXd& raw, bool warp) {
  const Eigen::VectorXd y = warp ? Warp(raw) : raw;
  if (y.size() == 0) return y;
  const double mean = y.mean();
  const double sd = std::sqrt((y.array() - mean).square().mean());
  const double scale = (sd > 0 && std::isfinite(sd)) ? sd : 1.0;
  return (y.array() - mean) / scale;
}

std::vector<int> Subset(const Eigen::VectorXd& y, int limit, bool recent) {
  const int n = static_cast<int>(y.size());
  std::vector<int> all(n);
  std::iota(all.begin(), all.end(), 0);
  if (n <= limit) return all;
  std::vector<int> order = all;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return y[a] < y[b]; });
  std::vector<char> chosen(n, 0);
  for (int k = 0; k < limit / 2; ++k) chosen[order[k]] = 1;
  std::vector<int> rest;
  for (int i = 0; i < n; ++i) if (!chosen[i]) rest.push_back(i);
  const int need = limit - limit / 2;
  for (int k = 0; k < need; ++k) {
    const int idx = recent ? static_cast<int>(rest.size()) - need + k
                           : static_cast<int>(static_cast<long long>(k) * rest.size() / need);
    chosen[rest[idx]] = 1;
  }
  std::vector<int> out;
  for (int i = 0; i < n; ++i) if (chosen[i]) out.push_back(i);
  return out;
}

Eigen::MatrixXd Rows(const Eigen::MatrixXd& x, const std::vector<int>& idx) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(idx.size()), x.cols());
  for (int k = 0; k < static_cast<int>(idx.size()); ++k) out.row(k) = x.row(idx[k]);
  return out;
}
Eigen::VectorXd Rows(const Eigen::VectorXd& y, const std::vector<int>& idx) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(idx.size()));
  for (int k = 0; k < static_cast<int>(idx.size()); ++k) out[k] = y[idx[k]];
  return out;
}

}  // namespace sweep::bayes
