#include "review/rank_correlation.h"

#include <gtest/gtest.h>

namespace sweep::review {
namespace {

TEST(AverageRanks, TiesShareTheMeanPosition) {
  EXPECT_EQ(AverageRanks({10, 20, 20, 5}), (std::vector<double>{2, 3.5, 3.5, 1}));
}

TEST(Spearman, MonotoneIsOneAndReversedIsMinusOne) {
  EXPECT_DOUBLE_EQ(*SpearmanCorrelation({1, 2, 3, 4}, {1, 8, 27, 64}), 1.0);
  EXPECT_DOUBLE_EQ(*SpearmanCorrelation({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
}

TEST(Spearman, WithTiesMatchesScipy) {
  // scipy.stats.spearmanr([1, 2, 2, 3, 4], [2, 1, 3, 3, 5]).correlation
  EXPECT_NEAR(*SpearmanCorrelation({1, 2, 2, 3, 4}, {2, 1, 3, 3, 5}), 0.7631578947368421, 1e-12);
}

TEST(Spearman, UndefinedForConstantOrShortInput) {
  EXPECT_FALSE(SpearmanCorrelation({1, 1, 1}, {1, 2, 3}).has_value());
  EXPECT_FALSE(SpearmanCorrelation({1}, {1}).has_value());
  EXPECT_FALSE(SpearmanCorrelation({1, 2}, {1, 2, 3}).has_value());
}

TEST(KendallTauB, WithTiesMatchesScipy) {
  // scipy.stats.kendalltau([1, 2, 2, 3, 4], [2, 1, 3, 3, 5]).correlation
  EXPECT_NEAR(*KendallTauB({1, 2, 2, 3, 4}, {2, 1, 3, 3, 5}), 0.6666666666666666, 1e-12);
  EXPECT_DOUBLE_EQ(*KendallTauB({1, 2, 3}, {3, 2, 1}), -1.0);
}

}  // namespace
}  // namespace sweep::review
