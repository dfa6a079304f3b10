// Gaussian-process regression for the Bayesian optimizer (private to
// optimizers/bayes: exposes Eigen). Zero-mean GP on standardized targets,
// Matérn-5/2 kernel with ARD length scales:
//   k(x, x') = s2 (1 + √5 r + 5r²/3) exp(-√5 r),  r² = Σ_j (x_j - x'_j)² / ℓ_j²
// plus noise variance on the diagonal. Hyperparameters live in log space,
// as in Limbo: theta = [log ℓ_1..d, log s2, log noise].
//
// Value types; not thread-safe (use one instance per thread).
#pragma once

#include <cstdint>

#include <Eigen/Dense>

namespace sweep::bayes {

struct GpHyper {
  Eigen::VectorXd log_lengthscale;
  double log_signal_var = 0;
  double log_noise_var = 0;
  // Added to the diagonal for numerical safety; raised tenfold whenever a
  // factorization fails (see GaussianProcess::Reset).
  double jitter = 0;

  // Packs/unpacks theta (jitter is not a fitted hyperparameter).
  Eigen::VectorXd Theta() const;
  static GpHyper FromTheta(const Eigen::VectorXd& theta, double jitter);
};

// Matérn-5/2 covariance of rows a and b (without noise).
double Matern52(const GpHyper& h, const Eigen::Ref<const Eigen::VectorXd>& a,
                const Eigen::Ref<const Eigen::VectorXd>& b);

// The GP posterior for fixed hyperparameters. The Cholesky factor is built
// row by row (Cholesky–Banachiewicz), so appending a row gives bit-for-bit
// the factor a full factorization would: caches cannot change answers.
class GaussianProcess {
 public:
  explicit GaussianProcess(GpHyper hyper);

  // Factors the covariance of the rows of x, raising the jitter tenfold until
  // it succeeds (from hyper.jitter; at most kMaxJitter). False when even the
  // largest jitter fails (non-finite inputs).
  bool Reset(const Eigen::MatrixXd& x);
  // Appends one input row (rank-1 update, O(n²)); false when the new pivot is
  // not positive with the current jitter (then call Reset on all rows).
  // noiseless: the row's observation is exact (a fantasy at the posterior
  // mean), so the variance there collapses to ~0, not to the noise level.
  bool Append(const Eigen::VectorXd& x, bool noiseless = false);
  // Targets for the current rows (size() of them); computes α = K⁻¹y.
  void SetTargets(const Eigen::VectorXd& y);

  // Posterior mean and latent (noise-free) variance at the columns of xs,
  // one column per query point. Batched: one triangular solve for all.
  void Predict(const Eigen::MatrixXd& xs, Eigen::VectorXd* mean, Eigen::VectorXd* var) const;
  // Mean, variance and their gradients with respect to x at one point.
  void PredictWithGradient(const Eigen::VectorXd& x, double* mean, double* var,
                           Eigen::VectorXd* dmean, Eigen::VectorXd* dvar) const;

  // Posterior mean at the training inputs, K_f α = y - (noise + jitter) α:
  // O(n), no solve. Needs SetTargets(y) first.
  Eigen::VectorXd MeanAtInputs(const Eigen::VectorXd& y) const;

  int size() const { return n_; }
  const GpHyper& hyper() const { return hyper_; }
  const Eigen::MatrixXd& inputs() const { return x_; }  // first size() rows valid

 private:
  void Reserve(int rows, int cols);

  GpHyper hyper_;
  int n_ = 0;
  Eigen::MatrixXd x_;  // rows = inputs, capacity grows geometrically
  Eigen::MatrixXd l_;  // lower Cholesky factor, top-left n_ x n_ valid
  Eigen::VectorXd alpha_;
};

// Negative log marginal likelihood of standardized targets y at inputs x,
// minus the log priors of the hyperparameters (so: the quantity to minimize),
// and its gradient with respect to theta when grad is not null. +inf when
// the covariance is not positive definite.
double NegLogPosterior(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& theta,
                       double jitter, Eigen::VectorXd* grad);

// Box bounds of theta for inputs of dimension d.
void ThetaBounds(int d, Eigen::VectorXd* lower, Eigen::VectorXd* upper);

// Maximum a posteriori hyperparameters: L-BFGS-B from the prior's mode and
// from (restarts - 1) draws of the prior, seeded by `seed`; the best wins.
GpHyper FitHyper(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, std::uint64_t seed, int restarts);

// The prior's mode: the hyperparameters used before there is data to fit.
GpHyper PriorModeHyper(int d);

}  // namespace sweep::bayes
