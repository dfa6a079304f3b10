// Functional ANOVA of one regression tree (Hutter, Hoos, Leyton-Brown 2014,
// "An Efficient Approach for Assessing Hyperparameter Importance"): the share
// of the tree's variance over the feature box explained by each feature's
// main effect, computed exactly from the tree's partition of the box (no
// sampling), the same quantity as Optuna's FanovaImportanceEvaluator.
//
// Thread-safety: a pure function.
#pragma once

#include <vector>

#include "review/random_forest.h"

namespace sweep::review {

// For each feature f, Var_f(marginal_f) / Var(tree) under the uniform measure
// on the box (numeric: [low, high]; categorical: each category equally
// likely). All zeros when the tree is constant over the box.
// Cost: O(leaves * (features + categories) + split points).
std::vector<double> FirstOrderVarianceShares(const RegressionTree& tree, const std::vector<FeatureSpec>& features);

}  // namespace sweep::review
