#include "sweep/early_stop/order_statistic.h"

#include <algorithm>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace sweep {
namespace {

// Checks AtRank/AfterRank against a sorted copy after every insertion.
void CheckAgainstSorted(OrderStatistic::RankFn rank) {
  OrderStatistic stat(rank);
  std::vector<double> all;
  std::mt19937 gen(7);
  // Few distinct values so duplicates are exercised too.
  std::uniform_int_distribution<int> dist(0, 20);
  EXPECT_FALSE(stat.AtRank().has_value());
  for (int i = 0; i < 500; ++i) {
    const double v = dist(gen);
    stat.Insert(v);
    all.push_back(v);
    std::sort(all.begin(), all.end());
    const std::size_t r = rank(all.size());
    ASSERT_EQ(stat.size(), all.size());
    ASSERT_EQ(*stat.AtRank(), all[r]) << "n=" << all.size();
    if (r + 1 < all.size()) {
      ASSERT_EQ(*stat.AfterRank(), all[r + 1]);
    } else {
      ASSERT_FALSE(stat.AfterRank().has_value());
    }
  }
}

TEST(OrderStatisticTest, HyperbandRankMatchesSortedIndex) {
  const double r = 1.0 / 3.0;
  CheckAgainstSorted([r](std::size_t n) { return static_cast<std::size_t>(r * n); });
}

TEST(OrderStatisticTest, LowerMedianRankMatchesSortedIndex) {
  CheckAgainstSorted([](std::size_t n) { return (n - 1) / 2; });
}

TEST(OrderStatisticTest, HandlesInfinities) {
  OrderStatistic stat([](std::size_t n) { return n / 2; });
  const double inf = std::numeric_limits<double>::infinity();
  stat.Insert(inf);
  stat.Insert(1);
  stat.Insert(-inf);
  EXPECT_EQ(*stat.AtRank(), 1);  // sorted [-inf, 1, inf], rank 1
  stat.Insert(inf);
  EXPECT_EQ(*stat.AtRank(), inf);  // sorted [-inf, 1, inf, inf], rank 2
}

}  // namespace
}  // namespace sweep
