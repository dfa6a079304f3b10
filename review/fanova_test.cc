#include "review/fanova.h"

#include <gtest/gtest.h>

namespace sweep::review {
namespace {

TreeNode Leaf(double v) {
  TreeNode n;
  n.value = v;
  return n;
}

TreeNode NumericSplit(int feature, double threshold, int left, int right) {
  TreeNode n;
  n.feature = feature;
  n.threshold = threshold;
  n.left = left;
  n.right = right;
  return n;
}

const std::vector<FeatureSpec> kUnitSquare = {{false, 0, 0, 1}, {false, 0, 0, 1}};

TEST(Fanova, SingleSplitExplainsEverything) {
  RegressionTree t{{NumericSplit(0, 0.25, 1, 2), Leaf(0), Leaf(4)}};
  EXPECT_EQ(FirstOrderVarianceShares(t, kUnitSquare), (std::vector<double>{1.0, 0.0}));
}

TEST(Fanova, PureInteractionHasNoMainEffects) {
  // XOR on the unit square: each feature alone averages to 0.5 everywhere.
  RegressionTree t{{NumericSplit(0, 0.5, 1, 4), NumericSplit(1, 0.5, 2, 3), Leaf(1), Leaf(0),
                    NumericSplit(1, 0.5, 5, 6), Leaf(0), Leaf(1)}};
  auto shares = FirstOrderVarianceShares(t, kUnitSquare);
  EXPECT_NEAR(shares[0], 0.0, 1e-12);
  EXPECT_NEAR(shares[1], 0.0, 1e-12);
}

TEST(Fanova, AdditiveTreeSplitsVarianceExactly) {
  // f = 2*[x0 > 0.5] + 1*[x1 > 0.5]: variances 1 and 0.25 of a total 1.25.
  RegressionTree t{{NumericSplit(0, 0.5, 1, 4), NumericSplit(1, 0.5, 2, 3), Leaf(0), Leaf(1),
                    NumericSplit(1, 0.5, 5, 6), Leaf(2), Leaf(3)}};
  auto shares = FirstOrderVarianceShares(t, kUnitSquare);
  EXPECT_NEAR(shares[0], 0.8, 1e-12);
  EXPECT_NEAR(shares[1], 0.2, 1e-12);
}

TEST(Fanova, CategoricalSubsetsWeighEachCategoryEqually) {
  TreeNode root;
  root.feature = 0;
  root.left_categories = 0b001;  // category 0 left, 1 and 2 right
  root.left = 1;
  root.right = 2;
  RegressionTree t{{root, Leaf(0), Leaf(3)}};
  std::vector<FeatureSpec> features = {{true, 3, 0, 0}, {false, 0, 0, 1}};
  auto shares = FirstOrderVarianceShares(t, features);
  EXPECT_NEAR(shares[0], 1.0, 1e-12);
  EXPECT_EQ(shares[1], 0.0);
}

TEST(Fanova, ConstantTreeHasNoShares) {
  RegressionTree t{{Leaf(5)}};
  EXPECT_EQ(FirstOrderVarianceShares(t, kUnitSquare), (std::vector<double>{0.0, 0.0}));
}

}  // namespace
}  // namespace sweep::review
