#include "optimizers/bayes/trust_region.h"

#include <gtest/gtest.h>

#include <vector>

namespace sweep::bayes {
namespace {

Eigen::VectorXd Values(const std::vector<double>& v) {
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

TEST(TrustRegionSide, TheDesignAloneLeavesTheInitialSide) {
  EXPECT_DOUBLE_EQ(TrustRegionSide(Values({5, 4, 3, 2, 1}), 5, 2), kTrustRegionInitial);
}

TEST(TrustRegionSide, ARunOfImprovementsDoublesIt) {
  // Design best 10; three improvements beyond the 1e-3 margin.
  EXPECT_DOUBLE_EQ(TrustRegionSide(Values({10, 12, 9, 8, 7}), 2, 2), 2 * kTrustRegionInitial);
  // Six improvements: capped at the maximum.
  EXPECT_DOUBLE_EQ(TrustRegionSide(Values({10, 9, 8, 7, 6, 5, 4}), 1, 2), kTrustRegionMax);
  // Gains below the margin are not improvements: four of them are failures.
  EXPECT_DOUBLE_EQ(TrustRegionSide(Values({10, 9.9999, 9.9998, 9.9997, 9.9996}), 1, 2),
                   kTrustRegionInitial / 2);
}

TEST(TrustRegionSide, FailuresHalveItAfterMaxOfFourAndTheDimension) {
  std::vector<double> y = {1};
  for (int i = 0; i < 5; ++i) y.push_back(2);
  EXPECT_DOUBLE_EQ(TrustRegionSide(Values(y), 1, 6), kTrustRegionInitial);  // 5 < 6 failures
  y.push_back(2);
  EXPECT_DOUBLE_EQ(TrustRegionSide(Values(y), 1, 6), kTrustRegionInitial / 2);
  // An improvement resets the failure count.
  EXPECT_DOUBLE_EQ(TrustRegionSide(Values({1, 2, 2, 2, 0.5, 2, 2, 2}), 1, 2), kTrustRegionInitial);
}

TEST(TrustRegionSide, CollapsingBelowTheMinimumStartsOver) {
  std::vector<double> y = {1};
  // Halvings from 0.8: 0.4, 0.2, ..., 0.00625 < 1/128 after 7, which restarts at 0.8.
  for (int i = 0; i < 6 * kTrustRegionMinFailures; ++i) y.push_back(2);
  EXPECT_DOUBLE_EQ(TrustRegionSide(Values(y), 1, 2), kTrustRegionInitial / 64);
  for (int i = 0; i < kTrustRegionMinFailures; ++i) y.push_back(2);
  EXPECT_DOUBLE_EQ(TrustRegionSide(Values(y), 1, 2), kTrustRegionInitial);
}

TEST(TrustRegionBox, StretchesByLengthScaleAndClipsToTheCube) {
  // Length scales 0.5 and 2: geometric mean 1, so half-widths side/4 and side.
  const Box box = TrustRegionBox({0.5, 0.9}, {0.5, 2.0}, {false, false}, 0.4);
  EXPECT_DOUBLE_EQ(box.lower[0], 0.4);
  EXPECT_DOUBLE_EQ(box.upper[0], 0.6);
  EXPECT_DOUBLE_EQ(box.lower[1], 0.5);
  EXPECT_DOUBLE_EQ(box.upper[1], 1.0);
}

TEST(TrustRegionBox, CategoricalsSpanTheirWholeRangeAndDoNotScaleTheOthers) {
  const Box box = TrustRegionBox({0.5, 0.1, 0.5}, {1.0, 1e-3, 1.0}, {false, true, false}, 0.2);
  EXPECT_DOUBLE_EQ(box.lower[1], 0.0);
  EXPECT_DOUBLE_EQ(box.upper[1], 1.0);
  EXPECT_NEAR(box.lower[0], 0.4, 1e-12);
  EXPECT_NEAR(box.upper[2], 0.6, 1e-12);
}

}  // namespace
}  // namespace sweep::bayes
