#include "sweep/early_stop/hyperband_bands.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

using Bands = std::vector<std::int64_t>;

EarlyStopOptions MinIter(std::int64_t min_iter, double eta) {
  EarlyStopOptions o;
  o.type = EarlyStopOptions::kHyperband;
  o.min_iter = min_iter;
  o.eta = eta;
  return o;
}

EarlyStopOptions MaxIter(std::int64_t max_iter, double eta, std::int64_t s) {
  EarlyStopOptions o;
  o.type = EarlyStopOptions::kHyperband;
  o.max_iter = max_iter;
  o.eta = eta;
  o.s = s;
  return o;
}

// Expected values are those of W&B's hyperband_stop_runs band loops
// (and its own tests: min_iter 3 -> [3, 9, 27, ...], (81, 3, 3) -> [3, 9, 27],
// (18, 3, 2) -> [2, 6]; docstring example (5, 2, 2) -> [1, 2]).
TEST(HyperbandBandsTest, MaxIterForm) {
  EXPECT_EQ(HyperbandBands(MaxIter(81, 3, 3)).value(), (Bands{3, 9, 27}));
  EXPECT_EQ(HyperbandBands(MaxIter(18, 3, 2)).value(), (Bands{2, 6}));
  EXPECT_EQ(HyperbandBands(MaxIter(5, 2, 2)).value(), (Bands{1, 2}));   // 2.5, 1.25 truncated
  EXPECT_EQ(HyperbandBands(MaxIter(81, 3, 10)).value(), (Bands{1, 3, 9, 27}));  // stops below 1
  EXPECT_EQ(HyperbandBands(MaxIter(10, 2.5, 3)).value(), (Bands{1, 4}));  // 4.0, 1.6, 0.64
  EXPECT_EQ(HyperbandBands(MaxIter(100, 3, 3)).value(), (Bands{3, 11, 33}));  // 33.3, 11.1, 3.7
}

TEST(HyperbandBandsTest, MinIterForm) {
  const Bands b = HyperbandBands(MinIter(3, 3)).value();
  ASSERT_GE(b.size(), 4u);
  EXPECT_EQ((Bands{b[0], b[1], b[2], b[3]}), (Bands{3, 9, 27, 81}));
  const Bands c = HyperbandBands(MinIter(2, 2.5)).value();
  EXPECT_EQ((Bands{c[0], c[1], c[2], c[3]}), (Bands{2, 5, 12, 31}));  // 12.5, 31.25 truncated
}

TEST(HyperbandBandsTest, MinIterFormIsCappedBelowTwoToThe53) {
  // 2^0 .. 2^53: 54 bands instead of W&B's 100, the rest exceeding kMaxBand.
  const Bands b = HyperbandBands(MinIter(1, 2)).value();
  ASSERT_EQ(b.size(), 54u);
  EXPECT_EQ(b.back(), kMaxBand);
  for (std::size_t i = 1; i < b.size(); ++i) EXPECT_EQ(b[i], 2 * b[i - 1]);
  // eta 1000: 1, 1e3, ..., 1e15; 1e18 is past the cap.
  EXPECT_EQ(HyperbandBands(MinIter(1, 1000)).value().size(), 6u);
}

TEST(HyperbandBandsTest, Errors) {
  EXPECT_FALSE(HyperbandBands(MinIter(0, 3)).ok());
  EXPECT_FALSE(HyperbandBands(MinIter(3, 1.5)).ok());
  EXPECT_FALSE(HyperbandBands(MaxIter(81, 3, 0)).ok());
  EXPECT_FALSE(HyperbandBands(MaxIter(0, 3, 2)).ok());
  EXPECT_FALSE(HyperbandBands(MaxIter(2, 3, 1)).ok());  // 2/3 < 1: no band
  EarlyStopOptions both = MinIter(3, 3);
  both.max_iter = 81;
  both.s = 3;
  EXPECT_EQ(HyperbandBands(both).error().code, ErrorCode::kInvalidInput);
  EarlyStopOptions none;
  none.type = EarlyStopOptions::kHyperband;
  EXPECT_FALSE(HyperbandBands(none).ok());
  EarlyStopOptions no_s = MaxIter(81, 3, 1);
  no_s.s.reset();
  EXPECT_FALSE(HyperbandBands(no_s).ok());
}

}  // namespace
}  // namespace sweep
