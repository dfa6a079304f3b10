#include "optimizers/space_transform.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace sweep {
namespace {

ParameterSpec Spec(Distribution d) {
  ParameterSpec p;
  p.path = {"x"};
  p.distribution = d;
  return p;
}

ParameterSpec Bounded(Distribution d, double min, double max) {
  ParameterSpec p = Spec(d);
  p.min = min;
  p.max = max;
  return p;
}

constexpr double kUnitGrid[] = {0.0, 1e-9, 0.01, 0.25, 0.5, 0.75, 0.99, 1 - 1e-9, 1.0};

TEST(FromUnit, UniformFamiliesFollowWandbFormulas) {
  const double log10 = std::log(10.0);
  EXPECT_DOUBLE_EQ(FromUnit(Bounded(Distribution::kUniform, -2, 6), 0.25).as_double(), 0.0);
  EXPECT_DOUBLE_EQ(FromUnit(Bounded(Distribution::kLogUniform, 0, log10), 0.5).as_double(), std::sqrt(10.0));
  EXPECT_DOUBLE_EQ(FromUnit(Bounded(Distribution::kLogUniformValues, 1e-4, 1e-2), 0.5).as_double(), 1e-3);
  // inv_log_uniform: 1/exp(U(min, max)) drawn at 1 - u, so increasing in u.
  const ParameterSpec inv = Bounded(Distribution::kInvLogUniform, 0, log10);
  EXPECT_DOUBLE_EQ(FromUnit(inv, 0).as_double(), 0.1);
  EXPECT_DOUBLE_EQ(FromUnit(inv, 1).as_double(), 1.0);
  // inv_log_uniform_values spans [min, max] with log-uniform density.
  const ParameterSpec inv_values = Bounded(Distribution::kInvLogUniformValues, 0.01, 1);
  EXPECT_DOUBLE_EQ(FromUnit(inv_values, 0).as_double(), 0.01);
  EXPECT_DOUBLE_EQ(FromUnit(inv_values, 0.5).as_double(), 0.1);
  EXPECT_DOUBLE_EQ(FromUnit(inv_values, 1).as_double(), 1.0);
}

TEST(FromUnit, IntUniformCoversEveryIntegerEqually) {
  const ParameterSpec p = Bounded(Distribution::kIntUniform, -2, 2);
  EXPECT_EQ(FromUnit(p, 0), Value(-2));
  EXPECT_EQ(FromUnit(p, 0.19999), Value(-2));
  EXPECT_EQ(FromUnit(p, 0.2), Value(-1));
  EXPECT_EQ(FromUnit(p, 0.99999), Value(2));
  EXPECT_EQ(FromUnit(p, 1), Value(2));
  for (int k = -2; k <= 2; ++k) {
    EXPECT_EQ(FromUnit(p, ToUnit(p, Value(k))), Value(k));
  }
}

TEST(FromUnit, QDistributionsRoundToMultiplesAndKeepIntegerQAsInt) {
  ParameterSpec p = Bounded(Distribution::kQUniform, 0, 10);
  p.q = 2;
  EXPECT_EQ(FromUnit(p, 0.33), Value(4));  // 3.3 -> 4
  EXPECT_EQ(FromUnit(p, 0.5), Value(4));   // 5 / 2 = 2.5 ties to even, as numpy.round
  EXPECT_EQ(FromUnit(p, 1), Value(10));
  p.q = 0.25;
  const Value v = FromUnit(p, 0.333);
  ASSERT_TRUE(v.is_double());
  EXPECT_DOUBLE_EQ(v.as_double(), 3.25);

  ParameterSpec qlog = Bounded(Distribution::kQLogUniformValues, 32, 256);
  qlog.q = 8;
  for (double u : kUnitGrid) {
    const Value x = FromUnit(qlog, u);
    ASSERT_TRUE(x.is_int());
    EXPECT_EQ(x.as_int() % 8, 0);
    EXPECT_GE(x.as_int(), 32);
    EXPECT_LE(x.as_int(), 256);
  }
  ParameterSpec qbeta = Spec(Distribution::kQBeta);
  qbeta.q = 0.1;
  EXPECT_TRUE(FromUnit(qbeta, 0.42).is_double());
}

TEST(FromUnit, ResultTypesPerDistribution) {
  ParameterSpec constant = Spec(Distribution::kConstant);
  constant.value = Value("adam");
  EXPECT_EQ(FromUnit(constant, 0.7), Value("adam"));
  for (Distribution d : {Distribution::kUniform, Distribution::kLogUniformValues, Distribution::kInvLogUniformValues,
                         Distribution::kNormal, Distribution::kLogNormal, Distribution::kBeta}) {
    EXPECT_TRUE(FromUnit(Bounded(d, 1, 4), 0.3).is_double()) << static_cast<int>(d);
  }
  for (Distribution d : {Distribution::kQNormal, Distribution::kQLogNormal, Distribution::kQLogUniform}) {
    ParameterSpec p = Bounded(d, 1, 4);
    p.q = 1;
    EXPECT_TRUE(FromUnit(p, 0.3).is_int()) << static_cast<int>(d);
    // q written as 1.0, or left to W&B's default 1.0: floats, as W&B gives.
    p.integer_q = false;
    EXPECT_TRUE(FromUnit(p, 0.3).is_double()) << static_cast<int>(d);
  }
}

TEST(FromUnit, UnboundedLawsStayFiniteAtTheEnds) {
  ParameterSpec normal = Spec(Distribution::kNormal);
  normal.mu = 3;
  normal.sigma = 2;
  for (double u : {0.0, 1.0, -5.0, 7.0, std::nan("")}) {
    const double x = FromUnit(normal, u).as_double();
    EXPECT_TRUE(std::isfinite(x)) << u;
    EXPECT_LT(std::abs(x - 3), 2 * 9) << u;
  }
  EXPECT_LT(FromUnit(normal, 0).as_double(), FromUnit(normal, 1e-15).as_double());
  ParameterSpec lognormal = Spec(Distribution::kLogNormal);
  EXPECT_GT(FromUnit(lognormal, 0).as_double(), 0.0);
  EXPECT_TRUE(std::isfinite(FromUnit(lognormal, 1).as_double()));
  ParameterSpec qlognormal = Spec(Distribution::kQLogNormal);
  qlognormal.sigma = 100;  // exp(820) overflows a double: the int saturates
  EXPECT_EQ(FromUnit(qlognormal, 1).as_int(), std::numeric_limits<std::int64_t>::max());
}

TEST(FromUnit, BetaStaysInTheUnitInterval) {
  ParameterSpec p = Spec(Distribution::kBeta);
  p.a = 0.5;
  p.b = 0.5;
  EXPECT_EQ(FromUnit(p, 0).as_double(), 0.0);
  EXPECT_EQ(FromUnit(p, 1).as_double(), 1.0);
  EXPECT_NEAR(FromUnit(p, 0.5).as_double(), 0.5, 1e-14);
  EXPECT_NEAR(FromUnit(p, 0.25).as_double(), std::pow(std::sin(std::numbers::pi / 8), 2), 1e-14);
}

TEST(FromUnit, CategoricalPicksByCumulativeProbability) {
  ParameterSpec p = Spec(Distribution::kCategorical);
  p.values = {Value("a"), Value(2), Value(0.5), Value("never")};
  EXPECT_EQ(FromUnit(p, 0), Value("a"));
  EXPECT_EQ(FromUnit(p, 0.26), Value(2));
  EXPECT_EQ(FromUnit(p, 1), Value("never"));
  p.probabilities = {0.1, 0.6, 0.3, 0.0};
  EXPECT_EQ(FromUnit(p, 0), Value("a"));
  EXPECT_EQ(FromUnit(p, 0.0999), Value("a"));
  EXPECT_EQ(FromUnit(p, 0.1), Value(2));
  EXPECT_EQ(FromUnit(p, 0.69), Value(2));
  EXPECT_EQ(FromUnit(p, 0.71), Value(0.5));
  // u = 1 lands on the last value that has probability, never on a zero one.
  EXPECT_EQ(FromUnit(p, 1), Value(0.5));
  EXPECT_DOUBLE_EQ(ToUnit(p, Value(2)), 0.4);
  EXPECT_TRUE(std::isnan(ToUnit(p, Value(2.0))));  // 2.0 is not the value 2
  EXPECT_TRUE(std::isnan(ToUnit(p, Value("b"))));
}

TEST(ToUnit, InvertsFromUnitForContinuousLaws) {
  std::vector<ParameterSpec> laws = {
      Bounded(Distribution::kUniform, -3, 8),           Bounded(Distribution::kLogUniform, -9, 1),
      Bounded(Distribution::kLogUniformValues, 1e-5, 1), Bounded(Distribution::kInvLogUniform, 1, 6),
      Bounded(Distribution::kInvLogUniformValues, 2, 700)};
  ParameterSpec normal = Spec(Distribution::kNormal);
  normal.mu = -1;
  normal.sigma = 0.3;
  ParameterSpec lognormal = Spec(Distribution::kLogNormal);
  lognormal.mu = 1;
  lognormal.sigma = 2;
  ParameterSpec beta = Spec(Distribution::kBeta);
  beta.a = 2.5;
  beta.b = 0.7;
  laws.insert(laws.end(), {normal, lognormal, beta});
  for (const ParameterSpec& p : laws) {
    for (double u : {1e-6, 0.01, 0.3, 0.5, 0.77, 0.999}) {
      EXPECT_NEAR(ToUnit(p, FromUnit(p, u)), u, 1e-9) << DistributionName(p.distribution) << " u=" << u;
    }
  }
}

TEST(ToUnit, HandlesOutOfRangeAndNonNumericValues) {
  const ParameterSpec p = Bounded(Distribution::kLogUniformValues, 1, 100);
  EXPECT_EQ(ToUnit(p, Value(1000.0)), 1.0);
  EXPECT_EQ(ToUnit(p, Value(-3.0)), 0.0);
  EXPECT_EQ(ToUnit(p, Value(10)), 0.5);  // ints are numbers too
  EXPECT_TRUE(std::isnan(ToUnit(p, Value("ten"))));
  EXPECT_EQ(ToUnit(Spec(Distribution::kConstant), Value(4)), 0.5);
}

TEST(IsDiscrete, SeparatesFiniteFromContinuousLaws) {
  for (Distribution d : {Distribution::kConstant, Distribution::kCategorical, Distribution::kIntUniform,
                         Distribution::kQUniform, Distribution::kQLogUniform, Distribution::kQLogUniformValues,
                         Distribution::kQBeta}) {
    EXPECT_TRUE(IsDiscrete(Spec(d))) << DistributionName(d);
  }
  for (Distribution d : {Distribution::kUniform, Distribution::kLogUniform, Distribution::kLogUniformValues,
                         Distribution::kInvLogUniform, Distribution::kInvLogUniformValues, Distribution::kNormal,
                         Distribution::kQNormal, Distribution::kLogNormal, Distribution::kQLogNormal,
                         Distribution::kBeta}) {
    EXPECT_FALSE(IsDiscrete(Spec(d))) << DistributionName(d);
  }
}

}  // namespace
}  // namespace sweep
