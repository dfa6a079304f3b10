#include "optimizers/special_functions.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <utility>
#include <vector>

namespace sweep {
namespace {

TEST(NormalQuantile, MatchesReferenceValues) {
  // Reference values from R's qnorm / scipy.stats.norm.ppf.
  const std::vector<std::pair<double, double>> cases = {
      {0.5, 0.0},
      {0.975, 1.959963984540054},
      {0.025, -1.959963984540054},
      {0.9, 1.2815515655446004},
      {0.001, -3.090232306167813},
      {1e-10, -6.361340902404056},
      {1e-20, -9.262340089798408},
  };
  for (const auto& [p, z] : cases) {
    EXPECT_NEAR(NormalQuantile(p), z, 1e-14 * std::max(1.0, std::abs(z))) << "p=" << p;
  }
}

TEST(NormalQuantile, InvertsTheCdfInEveryRegion) {
  // Central (|p-0.5| <= 0.425), near tail and far tail (p < e^-25) forms.
  for (double p : {1e-300, 1e-100, 1e-30, 1e-12, 1e-5, 0.01, 0.07, 0.2, 0.5, 0.8, 0.93, 0.99, 0.999999}) {
    const double z = NormalQuantile(p);
    EXPECT_NEAR(NormalCdf(z) / p, 1.0, 1e-12) << "p=" << p;
  }
}

TEST(NormalQuantile, EdgesAndInvalidInput) {
  EXPECT_EQ(NormalQuantile(0), -INFINITY);
  EXPECT_EQ(NormalQuantile(1), INFINITY);
  EXPECT_TRUE(std::isnan(NormalQuantile(-0.1)));
  EXPECT_TRUE(std::isnan(NormalQuantile(1.5)));
  EXPECT_TRUE(std::isnan(NormalQuantile(std::nan(""))));
}

TEST(NormalCdf, KeepsRelativeAccuracyInTheLowerTail) {
  EXPECT_NEAR(NormalCdf(0), 0.5, 1e-16);
  EXPECT_NEAR(NormalCdf(1.959963984540054), 0.975, 1e-15);
  EXPECT_NEAR(NormalCdf(-10) / 7.619853024160527e-24, 1.0, 1e-13);
}

TEST(RegularizedIncompleteBeta, MatchesClosedForms) {
  for (double x : {0.0, 1e-9, 0.05, 0.3, 0.5, 0.77, 0.999, 1.0}) {
    EXPECT_NEAR(RegularizedIncompleteBeta(1, 1, x), x, 1e-15) << x;
    EXPECT_NEAR(RegularizedIncompleteBeta(3.5, 1, x), std::pow(x, 3.5), 1e-14) << x;
    EXPECT_NEAR(RegularizedIncompleteBeta(1, 2.5, x), 1 - std::pow(1 - x, 2.5), 1e-14) << x;
    // Beta(2, 3): F(x) = 6x^2 - 8x^3 + 3x^4.
    EXPECT_NEAR(RegularizedIncompleteBeta(2, 3, x), 6 * x * x - 8 * x * x * x + 3 * x * x * x * x, 1e-14) << x;
    // Arcsine law Beta(1/2, 1/2): F(x) = (2/pi) asin(sqrt(x)).
    EXPECT_NEAR(RegularizedIncompleteBeta(0.5, 0.5, x), 2 / std::numbers::pi * std::asin(std::sqrt(x)), 1e-14)
        << x;
  }
  EXPECT_NEAR(RegularizedIncompleteBeta(2, 3, 0.5), 0.6875, 1e-15);
  EXPECT_NEAR(RegularizedIncompleteBeta(50, 50, 0.5), 0.5, 1e-13);
  EXPECT_NEAR(RegularizedIncompleteBeta(400, 400, 0.5), 0.5, 1e-12);
}

TEST(RegularizedIncompleteBeta, SatisfiesTheReflectionIdentity) {
  for (auto [a, b] : {std::pair{0.3, 7.0}, {2.0, 5.0}, {40.0, 3.0}, {0.9, 0.2}}) {
    for (double x : {0.01, 0.2, 0.6, 0.95}) {
      EXPECT_NEAR(RegularizedIncompleteBeta(a, b, x) + RegularizedIncompleteBeta(b, a, 1 - x), 1.0, 1e-14);
    }
  }
}

TEST(InverseRegularizedIncompleteBeta, InvertsTheCdfIncludingTails) {
  const std::vector<std::pair<double, double>> shapes = {{0.5, 0.5}, {2, 3},    {0.1, 5}, {5, 0.2},
                                                         {50, 50},   {1, 1},    {0.05, 0.05}, {300, 2}};
  for (const auto& [a, b] : shapes) {
    for (double p : {1e-12, 1e-6, 0.01, 0.3, 0.5, 0.9, 0.999999}) {
      const double x = InverseRegularizedIncompleteBeta(a, b, p);
      ASSERT_GE(x, 0.0);
      ASSERT_LE(x, 1.0);
      // Where the exact quantile falls between two doubles (e.g. 1 - 1e-30),
      // the answer must be one of its neighbours.
      const bool brackets = RegularizedIncompleteBeta(a, b, std::nextafter(x, 0.0)) <= p &&
                            p <= RegularizedIncompleteBeta(a, b, std::nextafter(x, 1.0));
      const bool close = std::abs(RegularizedIncompleteBeta(a, b, x) - p) <= 1e-10 * p;
      EXPECT_TRUE(brackets || close) << "a=" << a << " b=" << b << " p=" << p << " x=" << x;
    }
  }
}

TEST(InverseRegularizedIncompleteBeta, MatchesTheArcsineQuantile) {
  for (double p : {1e-9, 0.1, 0.5, 0.8, 0.99}) {
    const double expected = std::pow(std::sin(std::numbers::pi * p / 2), 2);
    EXPECT_NEAR(InverseRegularizedIncompleteBeta(0.5, 0.5, p), expected, 1e-13 * expected + 1e-16);
  }
  EXPECT_EQ(InverseRegularizedIncompleteBeta(2, 3, 0), 0.0);
  EXPECT_EQ(InverseRegularizedIncompleteBeta(2, 3, 1), 1.0);
}

}  // namespace
}  // namespace sweep
