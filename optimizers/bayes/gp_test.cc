#include "optimizers/bayes/gp.h"

#include <gtest/gtest.h>

#include <cmath>

#include "optimizers/prng.h"

namespace sweep::bayes {
namespace {

double Matern(double s2, double r) {
  return s2 * (1 + std::sqrt(5.0) * r + 5.0 / 3.0 * r * r) * std::exp(-std::sqrt(5.0) * r);
}

GpHyper Hyper1D(double l, double s2, double noise) {
  GpHyper h;
  h.log_lengthscale = Eigen::VectorXd::Constant(1, std::log(l));
  h.log_signal_var = std::log(s2);
  h.log_noise_var = std::log(noise);
  h.jitter = 1e-14;
  return h;
}

Eigen::MatrixXd RandomMatrix(int rows, int cols, std::uint64_t seed) {
  Xoshiro256StarStar rng(seed);
  Eigen::MatrixXd m(rows, cols);
  for (int i = 0; i < rows; ++i) for (int j = 0; j < cols; ++j) m(i, j) = rng.NextUnit();
  return m;
}

TEST(GaussianProcess, PosteriorMatchesClosedFormOnTwoPoints) {
  const double l = 0.3, s2 = 1.5, noise = 0.01;
  GaussianProcess gp(Hyper1D(l, s2, noise));
  Eigen::MatrixXd x(2, 1);
  x << 0.2, 0.6;
  Eigen::VectorXd y(2);
  y << 1.0, -0.5;
  ASSERT_TRUE(gp.Reset(x));
  gp.SetTargets(y);

  // K = [[a, b], [b, a]], K⁻¹ = [[a, -b], [-b, a]] / (a² - b²).
  const double a = s2 + noise + 1e-14, b = Matern(s2, 0.4 / l), det = a * a - b * b;
  const double xs = 0.45;
  const double k1 = Matern(s2, std::abs(xs - 0.2) / l), k2 = Matern(s2, std::abs(xs - 0.6) / l);
  const double w1 = (a * k1 - b * k2) / det, w2 = (-b * k1 + a * k2) / det;  // K⁻¹ k*
  const double mean = w1 * y[0] + w2 * y[1];
  const double var = s2 - (k1 * w1 + k2 * w2);

  Eigen::VectorXd m, v;
  gp.Predict(Eigen::MatrixXd::Constant(1, 1, xs), &m, &v);
  EXPECT_NEAR(m[0], mean, 1e-12);
  EXPECT_NEAR(v[0], var, 1e-12);
  double m1 = 0, v1 = 0;
  Eigen::VectorXd dm, dv;
  gp.PredictWithGradient(Eigen::VectorXd::Constant(1, xs), &m1, &v1, &dm, &dv);
  EXPECT_NEAR(m1, mean, 1e-12);
  EXPECT_NEAR(v1, var, 1e-12);
}

TEST(GaussianProcess, PredictionGradientsMatchFiniteDifferences) {
  GpHyper h;
  h.log_lengthscale = Eigen::Vector3d(std::log(0.3), std::log(0.7), std::log(1.5));
  h.log_signal_var = 0.2;
  h.log_noise_var = std::log(1e-3);
  GaussianProcess gp(h);
  ASSERT_TRUE(gp.Reset(RandomMatrix(15, 3, 1)));
  gp.SetTargets(RandomMatrix(15, 1, 2).col(0));
  const Eigen::VectorXd x = Eigen::Vector3d(0.3, 0.55, 0.8);
  double m = 0, v = 0;
  Eigen::VectorXd dm, dv;
  gp.PredictWithGradient(x, &m, &v, &dm, &dv);
  for (int j = 0; j < 3; ++j) {
    const double eps = 1e-6;
    Eigen::VectorXd xp = x, xm = x;
    xp[j] += eps;
    xm[j] -= eps;
    double mp, vp, mm, vm;
    Eigen::VectorXd g1, g2;
    gp.PredictWithGradient(xp, &mp, &vp, &g1, &g2);
    gp.PredictWithGradient(xm, &mm, &vm, &g1, &g2);
    EXPECT_NEAR(dm[j], (mp - mm) / (2 * eps), 1e-6 * (1 + std::abs(dm[j])));
    EXPECT_NEAR(dv[j], (vp - vm) / (2 * eps), 1e-6 * (1 + std::abs(dv[j])));
  }
}

TEST(GaussianProcess, AppendingRowsGivesExactlyTheFullFactorization) {
  const Eigen::MatrixXd x = RandomMatrix(20, 2, 3);
  const Eigen::VectorXd y = RandomMatrix(20, 1, 4).col(0);
  GpHyper h = PriorModeHyper(2);
  GaussianProcess full(h), grown(h);
  ASSERT_TRUE(full.Reset(x));
  ASSERT_TRUE(grown.Reset(x.topRows(12)));
  for (int i = 12; i < 20; ++i) ASSERT_TRUE(grown.Append(x.row(i).transpose()));
  full.SetTargets(y);
  grown.SetTargets(y);
  Eigen::VectorXd m1, v1, m2, v2;
  const Eigen::MatrixXd q = RandomMatrix(2, 5, 5);
  full.Predict(q, &m1, &v1);
  grown.Predict(q, &m2, &v2);
  EXPECT_EQ(m1, m2);
  EXPECT_EQ(v1, v2);
}

TEST(GaussianProcess, JitterEscalatesWhenTheCovarianceIsNumericallySingular) {
  // Length scale 1e4 on [0, 1]: every covariance is s2 up to 1e-9, so the
  // 60 x 60 matrix has rank ~3 in double precision and, without noise, some
  // pivot comes out <= 0 until the jitter is raised.
  GpHyper h = Hyper1D(1e4, 1.0, 1e-300);
  h.jitter = 1e-300;
  GaussianProcess gp(h);
  const Eigen::MatrixXd x = Eigen::VectorXd::LinSpaced(60, 0, 1);
  ASSERT_TRUE(gp.Reset(x));
  EXPECT_GT(gp.hyper().jitter, 1e-300);
  gp.SetTargets(Eigen::VectorXd::Constant(60, 0.5));
  Eigen::VectorXd m, v;
  gp.Predict(Eigen::MatrixXd::Constant(1, 1, 0.5), &m, &v);
  EXPECT_NEAR(m[0], 0.5, 0.05);
  EXPECT_GE(v[0], 0.0);
  EXPECT_FALSE(gp.Reset(Eigen::MatrixXd::Constant(2, 1, std::nan(""))));
}

TEST(NegLogPosterior, GradientMatchesFiniteDifferences) {
  const Eigen::MatrixXd x = RandomMatrix(12, 3, 6);
  Eigen::VectorXd y = (x.col(0).array() * 6).sin().matrix() + x.col(1);
  y = (y.array() - y.mean()) / std::sqrt((y.array() - y.mean()).square().mean());
  Eigen::VectorXd theta(5);
  theta << std::log(0.4), std::log(0.9), std::log(2.0), 0.3, std::log(1e-2);
  Eigen::VectorXd grad;
  const double f = NegLogPosterior(x, y, theta, 1e-10, &grad);
  ASSERT_TRUE(std::isfinite(f));
  EXPECT_NEAR(NegLogPosterior(x, y, theta, 1e-10, nullptr), f, 1e-12);
  for (int j = 0; j < theta.size(); ++j) {
    const double eps = 1e-5;
    Eigen::VectorXd tp = theta, tm = theta;
    tp[j] += eps;
    tm[j] -= eps;
    const double fd = (NegLogPosterior(x, y, tp, 1e-10, nullptr) - NegLogPosterior(x, y, tm, 1e-10, nullptr)) / (2 * eps);
    EXPECT_NEAR(grad[j], fd, 1e-5 * (1 + std::abs(fd))) << "theta " << j;
  }
}

TEST(FitHyper, LearnsThatAnIrrelevantDimensionHasALongLengthScale) {
  const Eigen::MatrixXd x = RandomMatrix(40, 2, 7);
  Eigen::VectorXd y = (x.col(0).array() * 8).sin().matrix();
  y = (y.array() - y.mean()) / std::sqrt((y.array() - y.mean()).square().mean());
  const GpHyper h = FitHyper(x, y, 1, 3);
  EXPECT_LT(h.log_lengthscale[0] + 1.0, h.log_lengthscale[1]);
  EXPECT_LT(std::exp(h.log_noise_var), 0.05);
  // The fit is a minimum: no worse than the prior's mode.
  EXPECT_LE(NegLogPosterior(x, y, h.Theta(), h.jitter, nullptr),
            NegLogPosterior(x, y, PriorModeHyper(2).Theta(), h.jitter, nullptr));
}

}  // namespace
}  // namespace sweep::bayes
