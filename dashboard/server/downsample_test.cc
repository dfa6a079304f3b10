#include "dashboard/server/downsample.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sweep::dashboard {
namespace {

TEST(Lttb, ShortSeriesAreKeptWhole) {
  const std::vector<double> x{0, 1, 2}, y{5, 6, 7};
  EXPECT_EQ(LttbIndices(x, y, 10), (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(LttbIndices(x, y, 2).size(), 3u);  // below kMinLttbTarget: no downsampling
}

TEST(Lttb, KeepsTargetCountEndsAndSpikes) {
  constexpr std::size_t kPoints = 1'000'000;
  std::vector<double> x(kPoints), y(kPoints);
  for (std::size_t i = 0; i < kPoints; ++i) {
    x[i] = static_cast<double>(i);
    y[i] = std::sin(static_cast<double>(i) / 5000.0);
  }
  y[123'456] = 50;   // a spike the chart must show
  y[654'321] = -50;  // and a dip
  const auto kept = LttbIndices(x, y, 1000);
  ASSERT_EQ(kept.size(), 1000u);
  EXPECT_EQ(kept.front(), 0u);
  EXPECT_EQ(kept.back(), kPoints - 1);
  for (std::size_t i = 1; i < kept.size(); ++i) EXPECT_LT(kept[i - 1], kept[i]);
  EXPECT_NE(std::find(kept.begin(), kept.end(), 123'456u), kept.end());
  EXPECT_NE(std::find(kept.begin(), kept.end(), 654'321u), kept.end());
}

TEST(Lttb, NonFiniteValuesAreNotChosenOverFiniteOnes) {
  std::vector<double> x(100), y(100);
  for (std::size_t i = 0; i < 100; ++i) {
    x[i] = static_cast<double>(i);
    y[i] = i % 2 ? std::nan("") : static_cast<double>(i);
  }
  for (std::size_t i : LttbIndices(x, y, 10)) {
    if (i != 99) EXPECT_FALSE(std::isnan(y[i])) << i;  // the last point is always kept
  }
}

}  // namespace
}  // namespace sweep::dashboard
