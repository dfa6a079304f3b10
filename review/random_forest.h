// A regression random forest (CART trees on bootstrap samples, every feature
// considered at every split, as scikit-learn's RandomForestRegressor does with
// its defaults) whose trees keep their structure for fANOVA. Categorical
// features are split natively on category subsets: the categories present in
// a node are ordered by their mean target and the best prefix is taken, which
// is the optimal subset split for squared error (Breiman et al. 1984, 9.4).
//
// Thread-safety: FitForest is a pure function; trees are immutable values.
#pragma once

#include <cstdint>
#include <vector>

namespace sweep::review {

// Categorical features carry at most this many categories, so that a node's
// category subset fits one 64-bit mask.
inline constexpr int kMaxCategories = 64;

struct FeatureSpec {
  bool categorical = false;
  int num_categories = 0;       // categorical: values are 0..num_categories-1
  double low = 0, high = 0;     // numeric: the domain box fANOVA integrates over
};

struct TreeNode {
  int feature = -1;                 // -1 for a leaf
  double threshold = 0;             // numeric: x <= threshold goes left
  std::uint64_t left_categories = 0;  // categorical: categories going left
  int left = -1, right = -1;        // child node indices
  double value = 0;                 // leaf: mean target of its samples
};

struct RegressionTree {
  std::vector<TreeNode> nodes;  // nodes[0] is the root
};

struct ForestOptions {
  int trees = 64;      // Optuna's FanovaImportanceEvaluator default
  int max_depth = 64;  // Optuna's default
  int min_samples_split = 2;
  int min_samples_leaf = 1;
  std::uint64_t seed = 0;
};

// Fits `options.trees` trees to rows of `x` (row-major, n rows of
// features.size() values; categorical values are category indices) and
// targets `y`. Tree i depends only on (seed, i, data): deterministic.
// Preconditions: y.size() == n >= 1, x.size() == n * features.size(),
// categorical indices within range and num_categories <= kMaxCategories.
std::vector<RegressionTree> FitForest(const std::vector<FeatureSpec>& features, const std::vector<double>& x,
                                      const std::vector<double>& y, const ForestOptions& options);

}  // namespace sweep::review
