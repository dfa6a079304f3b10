#include "optimizers/bayes/design.h"

#include <gtest/gtest.h>

#include <set>

namespace sweep::bayes {
namespace {

TEST(LatinHypercube, EveryCellOfEveryDimensionHoldsOnePoint) {
  constexpr int kSize = 17, kDims = 4;
  std::vector<std::set<int>> cells(kDims);
  for (int i = 0; i < kSize; ++i) {
    const std::vector<double> p = LatinHypercubePoint(42, kSize, i, kDims);
    for (int j = 0; j < kDims; ++j) {
      ASSERT_GE(p[j], 0.0);
      ASSERT_LT(p[j], 1.0);
      cells[j].insert(static_cast<int>(p[j] * kSize));
    }
  }
  for (int j = 0; j < kDims; ++j) EXPECT_EQ(cells[j].size(), static_cast<std::size_t>(kSize));
  EXPECT_NE(LatinHypercubePoint(42, kSize, 0, kDims), LatinHypercubePoint(43, kSize, 0, kDims));
  EXPECT_EQ(LatinHypercubePoint(42, kSize, 3, kDims), LatinHypercubePoint(42, kSize, 3, kDims));
}

TEST(ShiftedRdSequence, FillsTheCubeEvenly) {
  // Every one of the 4^3 sub-cubes gets close to its share of 4096 points;
  // a bad generator (or a shared shift) would leave some empty.
  constexpr int kCount = 4096, kDims = 3, kPerSide = 4;
  const std::vector<double> p = ShiftedRdSequence(7, kCount, kDims);
  std::vector<int> counts(kPerSide * kPerSide * kPerSide, 0);
  for (int i = 0; i < kCount; ++i) {
    int cell = 0;
    for (int j = 0; j < kDims; ++j) cell = cell * kPerSide + static_cast<int>(p[i * kDims + j] * kPerSide);
    ++counts[cell];
  }
  for (int c : counts) {
    EXPECT_GT(c, 64 * 0.8);
    EXPECT_LT(c, 64 * 1.2);
  }
}

TEST(AxisSlices, RunEachCoordinateOverItsRangeWithTheOthersAtTheCenter) {
  const std::vector<double> center = {0.25, 0.5, 0.75};
  constexpr int kPerAxis = 8, kDims = 3;
  const std::vector<double> p = AxisSlices(center, 11, kPerAxis);
  ASSERT_EQ(p.size(), static_cast<std::size_t>(kDims * kPerAxis * kDims));
  for (int j = 0; j < kDims; ++j) {
    std::set<int> cells;
    for (int t = 0; t < kPerAxis; ++t) {
      const double* point = &p[(j * kPerAxis + t) * kDims];
      for (int k = 0; k < kDims; ++k) {
        if (k != j) {
          EXPECT_EQ(point[k], center[k]);
        }
      }
      ASSERT_GE(point[j], 0.0);
      ASSERT_LT(point[j], 1.0);
      cells.insert(static_cast<int>(point[j] * kPerAxis));
    }
    EXPECT_EQ(cells.size(), static_cast<std::size_t>(kPerAxis));  // one point per 1/8 of the axis
  }
  EXPECT_NE(AxisSlices(center, 11, kPerAxis), AxisSlices(center, 12, kPerAxis));
}

}  // namespace
}  // namespace sweep::bayes
