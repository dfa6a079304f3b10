#include "optimizers/bayes/gp.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <functional>

#include "optimizers/bayes/box_minimizer.h"
#include "optimizers/prng.h"
#include "optimizers/special_functions.h"

namespace sweep::bayes {
namespace {

const double kSqrt5 = std::sqrt(5.0);
const double kLog2Pi = std::log(2.0 * M_PI);

// Priors (log space). Length scales: LogNormal(μ0 + log(d)/2, √3), the
// dimension-scaled prior of Hvarfner et al. 2024 ("Vanilla BO performs great
// in high dimensions"): longer scales as d grows keep the model from
// over-fitting sparse data. Their μ0 = √2 targets d in the hundreds; for
// sweep-sized spaces (d <= ~20) it made the model one smooth bowl that
// stayed in the first basin found (bench/bayes: Styblinski-Tang-4 regret 14
// at μ0 = √2, 0.25 at μ0 = -0.5; Ackley-5 2.8 vs 2.1; 5 seeds). Signal variance: targets are standardized, so
// centred on 1 with a factor-e spread. Noise: centred on 1e-4 of the
// standardized variance (sweeps are mostly near-deterministic) but wide
// enough (3 nats) to learn real noise.
constexpr double kLengthPriorStd = 1.7320508075688772;  // √3
constexpr double kSignalPriorMean = 0.0;
constexpr double kSignalPriorStd = 1.0;
const double kNoisePriorMean = std::log(1e-4);
constexpr double kNoisePriorStd = 3.0;

// Bounds (log space). Length scales from 1/200 of the cube (sharper is not
// identifiable from a few hundred points) to 50 cubes (the feature is
// irrelevant). Noise from 1e-8 (conditioning with ~1e3 points stays near
// 1e11) to the whole variance.
const double kLogLengthMin = std::log(5e-3);
const double kLogLengthMax = std::log(50.0);
const double kLogSignalMin = std::log(1e-2);
const double kLogSignalMax = std::log(1e2);
const double kLogNoiseMin = std::log(1e-8);
const double kLogNoiseMax = std::log(1.0);

// Cholesky jitter: start small enough not to bias the fit, raise tenfold
// until positive definite, give up (non-finite input) beyond this.
constexpr double kBaseJitter = 1e-10;
constexpr double kMaxJitter = 1e-1;

constexpr double kLengthPriorOffset = -0.5;  // μ0 above
double LengthPriorMean(int d) { return kLengthPriorOffset + 0.5 * std::log(std::max(d, 1)); }

// Matérn-5/2 of scaled distance r, and the factor f with dk/d(r²) = -f/2 ·
// (so dk/dlogℓ_j = f d_j²/ℓ_j² and dk/dx_j = -f (x_j - x'_j)/ℓ_j²).
inline double MaternOfR(double s2, double r) { return s2 * (1 + kSqrt5 * r + 5.0 / 3.0 * r * r) * std::exp(-kSqrt5 * r); }
inline double MaternSlope(double s2, double r) { return s2 * 5.0 / 3.0 * (1 + kSqrt5 * r) * std::exp(-kSqrt5 * r); }

}  // namespace

Eigen::VectorXd GpHyper::Theta() const {
  const int d = static_cast<int>(log_lengthscale.size());
  Eigen::VectorXd t(d + 2);
  t.head(d) = log_lengthscale;
  t[d] = log_signal_var;
  t[d + 1] = log_noise_var;
  return t;
}

GpHyper GpHyper::FromTheta(const Eigen::VectorXd& theta, double jitter) {
  const int d = static_cast<int>(theta.size()) - 2;
  GpHyper h;
  h.log_lengthscale = theta.head(d);
  h.log_signal_var = theta[d];
  h.log_noise_var = theta[d + 1];
  h.jitter = jitter;
  return h;
}

GpHyper PriorModeHyper(int d) {
  GpHyper h;
  h.log_lengthscale = Eigen::VectorXd::Constant(d, LengthPriorMean(d));
  h.log_signal_var = kSignalPriorMean;
  h.log_noise_var = kNoisePriorMean;
  h.jitter = kBaseJitter;
  return h;
}

double Matern52(const GpHyper& h, const Eigen::Ref<const Eigen::VectorXd>& a,
                const Eigen::Ref<const Eigen::VectorXd>& b) {
  const double r = ((a - b).array() * (-h.log_lengthscale.array()).exp()).matrix().norm();
  return MaternOfR(std::exp(h.log_signal_var), r);
}

GaussianProcess::GaussianProcess(GpHyper hyper) : hyper_(std::move(hyper)) {
  if (hyper_.jitter <= 0) hyper_.jitter = kBaseJitter;
}

void GaussianProcess::Reserve(int rows, int cols) {
  if (x_.cols() != cols) x_.resize(0, cols);
  if (x_.rows() >= rows) return;
  const int capacity = std::max(rows, 2 * static_cast<int>(x_.rows()) + 8);
  x_.conservativeResize(capacity, cols);
  l_.conservativeResize(capacity, capacity);
}

bool GaussianProcess::Reset(const Eigen::MatrixXd& x) {
  if (!x.allFinite()) return false;
  for (;;) {
    n_ = 0;
    bool ok = true;
    for (int i = 0; i < x.rows() && ok; ++i) ok = Append(x.row(i).transpose());
    if (ok) return true;
    if (hyper_.jitter * 10 > kMaxJitter) return false;
    hyper_.jitter *= 10;
  }
}

bool GaussianProcess::Append(const Eigen::VectorXd& x, bool noiseless) {
  if (!x.allFinite()) return false;
  const int d = static_cast<int>(x.size());
  Reserve(n_ + 1, d);
  const Eigen::ArrayXd inv_l = (-hyper_.log_lengthscale.array()).exp();
  const double s2 = std::exp(hyper_.log_signal_var);
  Eigen::VectorXd k(n_);
  for (int i = 0; i < n_; ++i) {
    k[i] = MaternOfR(s2, ((x_.row(i).transpose() - x).array() * inv_l).matrix().norm());
  }
  Eigen::VectorXd c = k;
  if (n_ > 0) l_.topLeftCorner(n_, n_).triangularView<Eigen::Lower>().solveInPlace(c);
  const double pivot = s2 + (noiseless ? 0.0 : std::exp(hyper_.log_noise_var)) + hyper_.jitter - c.squaredNorm();
  if (!(pivot > 0) || !std::isfinite(pivot)) return false;
  x_.row(n_) = x.transpose();
  l_.row(n_).head(n_) = c.transpose();
  l_(n_, n_) = std::sqrt(pivot);
  ++n_;
  return true;
}

void GaussianProcess::SetTargets(const Eigen::VectorXd& y) {
  alpha_ = y;
  const auto l = l_.topLeftCorner(n_, n_).triangularView<Eigen::Lower>();
  l.solveInPlace(alpha_);
  l.transpose().solveInPlace(alpha_);
}

Eigen::VectorXd GaussianProcess::MeanAtInputs(const Eigen::VectorXd& y) const {
  return y - (std::exp(hyper_.log_noise_var) + hyper_.jitter) * alpha_.head(y.size());
}

void GaussianProcess::Predict(const Eigen::MatrixXd& xs, Eigen::VectorXd* mean, Eigen::VectorXd* var) const {
  const int m = static_cast<int>(xs.cols());
  const double s2 = std::exp(hyper_.log_signal_var);
  const Eigen::VectorXd inv_l = (-hyper_.log_lengthscale.array()).exp().matrix();
  const Eigen::MatrixXd zx = x_.topRows(n_) * inv_l.asDiagonal();  // n x d
  const Eigen::MatrixXd zq = inv_l.asDiagonal() * xs;             // d x m
  // r² = |a|² + |b|² - 2 a·b: one matrix product instead of n·m loops.
  Eigen::MatrixXd ks = -2.0 * zx * zq;
  ks.colwise() += zx.rowwise().squaredNorm();
  ks.rowwise() += zq.colwise().squaredNorm();
  ks = ks.unaryExpr([s2](double r2) { return MaternOfR(s2, std::sqrt(std::max(r2, 0.0))); });
  *mean = ks.transpose() * alpha_;
  l_.topLeftCorner(n_, n_).triangularView<Eigen::Lower>().solveInPlace(ks);
  *var = (Eigen::VectorXd::Constant(m, s2) - ks.colwise().squaredNorm().transpose()).cwiseMax(0.0);
}

void GaussianProcess::PredictWithGradient(const Eigen::VectorXd& x, double* mean, double* var,
                                          Eigen::VectorXd* dmean, Eigen::VectorXd* dvar) const {
  const int d = static_cast<int>(x.size());
  const double s2 = std::exp(hyper_.log_signal_var);
  const Eigen::ArrayXd inv_l2 = (-2.0 * hyper_.log_lengthscale.array()).exp();
  Eigen::VectorXd k(n_);
  Eigen::MatrixXd dk(n_, d);  // dk_i/dx
  for (int i = 0; i < n_; ++i) {
    const Eigen::ArrayXd diff = x.array() - x_.row(i).transpose().array();
    const double r = std::sqrt((diff.square() * inv_l2).sum());
    k[i] = MaternOfR(s2, r);
    dk.row(i) = (-MaternSlope(s2, r) * diff * inv_l2).matrix().transpose();
  }
  *mean = k.dot(alpha_);
  *dmean = dk.transpose() * alpha_;
  Eigen::VectorXd w = k;
  const auto l = l_.topLeftCorner(n_, n_).triangularView<Eigen::Lower>();
  l.solveInPlace(w);
  *var = std::max(s2 - w.squaredNorm(), 0.0);
  l.transpose().solveInPlace(w);  // w = K⁻¹ k
  *dvar = -2.0 * (dk.transpose() * w);
}

void ThetaBounds(int d, Eigen::VectorXd* lower, Eigen::VectorXd* upper) {
  lower->resize(d + 2);
  upper->resize(d + 2);
  lower->head(d).setConstant(kLogLengthMin);
  upper->head(d).setConstant(kLogLengthMax);
  (*lower)[d] = kLogSignalMin;
  (*upper)[d] = kLogSignalMax;
  (*lower)[d + 1] = kLogNoiseMin;
  (*upper)[d + 1] = kLogNoiseMax;
}

double NegLogPosterior(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& theta,
                       double jitter, Eigen::VectorXd* grad) {
  const int n = static_cast<int>(x.rows());
  const int d = static_cast<int>(x.cols());
  const double s2 = std::exp(theta[d]);
  const double noise = std::exp(theta[d + 1]);
  const Eigen::ArrayXd inv_l = (-theta.head(d).array()).exp();
  const Eigen::MatrixXd z = x * inv_l.matrix().asDiagonal();

  Eigen::MatrixXd r(n, n);
  Eigen::MatrixXd k(n, n);
  for (int j = 0; j < n; ++j) {
    for (int i = j; i < n; ++i) {
      const double rij = (z.row(i) - z.row(j)).norm();
      r(i, j) = r(j, i) = rij;
      k(i, j) = k(j, i) = MaternOfR(s2, rij);
    }
  }
  Eigen::MatrixXd cov = k;
  cov.diagonal().array() += noise + jitter;
  Eigen::LLT<Eigen::MatrixXd> llt(cov);
  if (llt.info() != Eigen::Success) return std::numeric_limits<double>::infinity();
  const Eigen::VectorXd alpha = llt.solve(y);
  const Eigen::MatrixXd& l = llt.matrixLLT();
  double value = 0.5 * y.dot(alpha) + l.diagonal().array().log().sum() + 0.5 * n * kLog2Pi;

  const double mu_l = LengthPriorMean(d);
  auto prior = [&](double t, double mean, double sd, double* g) {
    value += 0.5 * (t - mean) * (t - mean) / (sd * sd);
    if (g) *g += (t - mean) / (sd * sd);
  };
  if (grad) {
    grad->setZero(d + 2);
    // dNLL/dθ = ½ tr((K⁻¹ - ααᵀ) dK/dθ).
    Eigen::MatrixXd w = llt.solve(Eigen::MatrixXd::Identity(n, n));
    w.noalias() -= alpha * alpha.transpose();
    for (int j = 0; j < n; ++j) {
      for (int i = j + 1; i < n; ++i) {
        // Off-diagonal pairs count twice, which cancels the ½.
        const double f = w(i, j) * MaternSlope(s2, r(i, j));
        if (f == 0) continue;
        grad->head(d).array() += f * (z.row(i) - z.row(j)).array().square().transpose();
      }
    }
    (*grad)[d] = 0.5 * (w.array() * k.array()).sum();
    (*grad)[d + 1] = 0.5 * noise * w.trace();
    for (int j = 0; j < d; ++j) prior(theta[j], mu_l, kLengthPriorStd, &(*grad)[j]);
    prior(theta[d], kSignalPriorMean, kSignalPriorStd, &(*grad)[d]);
    prior(theta[d + 1], kNoisePriorMean, kNoisePriorStd, &(*grad)[d + 1]);
  } else {
    for (int j = 0; j < d; ++j) prior(theta[j], mu_l, kLengthPriorStd, nullptr);
    prior(theta[d], kSignalPriorMean, kSignalPriorStd, nullptr);
    prior(theta[d + 1], kNoisePriorMean, kNoisePriorStd, nullptr);
  }
  return value;
}

namespace {

// L-BFGS-B objective that remembers the best finite point it evaluated, so a
// failed line search still leaves a usable answer.
struct FitObjective {
  const Eigen::MatrixXd& x;
  const Eigen::VectorXd& y;
  double jitter;
  double best = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_theta;

  double operator()(const Eigen::VectorXd& theta, Eigen::VectorXd& grad) {
    const double v = NegLogPosterior(x, y, theta, jitter, &grad);
    if (!std::isfinite(v) || !grad.allFinite()) {
      // Steer the line search back: a huge value with a zero gradient.
      grad.setZero(theta.size());
      return std::numeric_limits<double>::max() / 4;
    }
    if (v < best) {
      best = v;
      best_theta = theta;
    }
    return v;
  }
};

// L-BFGS-B settings: the posterior surface is smooth and cheap to evaluate
// relative to its dimension; 60 iterations reach 1e-6 relative gradient on
// every case of the benchmark suite, and a few line-search failures (flat
// regions) are caught and answered with the best point seen.
constexpr int kFitIterations = 60;
constexpr double kFitEpsilon = 1e-6;
constexpr int kFitLineSearches = 30;

}  // namespace

GpHyper FitHyper(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, std::uint64_t seed, int restarts) {
  const int d = static_cast<int>(x.cols());
  Eigen::VectorXd lower, upper;
  ThetaBounds(d, &lower, &upper);
  GpHyper mode = PriorModeHyper(d);
  Xoshiro256StarStar rng(seed);

  const BoxMinimizerSettings settings{kFitIterations, kFitEpsilon, kFitLineSearches};

  // The jitter may need raising for data with duplicate rows and tiny noise.
  double jitter = kBaseJitter;
  while (jitter < kMaxJitter &&
         !std::isfinite(NegLogPosterior(x, y, mode.Theta(), jitter, nullptr))) {
    jitter *= 10;
  }
  FitObjective objective{x, y, jitter, std::numeric_limits<double>::infinity(), mode.Theta()};
  for (int restart = 0; restart < restarts; ++restart) {
    Eigen::VectorXd theta = mode.Theta();
    if (restart > 0) {
      // A draw from the prior: Box–Muller normals, clamped into the box.
      for (int j = 0; j < theta.size(); ++j) {
        const double u1 = std::max(rng.NextUnit(), 1e-300), u2 = rng.NextUnit();
        const double normal = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
        const double sd = j < d ? kLengthPriorStd : (j == d ? kSignalPriorStd : kNoisePriorStd);
        theta[j] = std::clamp(theta[j] + sd * normal, lower[j], upper[j]);
      }
    }
    // On a line-search failure objective.best_theta holds the best point seen.
    MinimizeInBox(std::ref(objective), settings, theta, lower, upper);
  }
  return GpHyper::FromTheta(objective.best_theta, jitter);
}

}  // namespace sweep::bayes
