// Rank correlations, with ties: Spearman's rho (Pearson correlation of
// average ranks, as scipy.stats.spearmanr and W&B's parameter importance
// panel compute it) and Kendall's tau-b (as scipy.stats.kendalltau).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <vector>

namespace sweep::review {

// Average ranks (1-based): tied values share the mean of their positions.
std::vector<double> AverageRanks(const std::vector<double>& values);

// nullopt when the sizes differ, n < 2, or either side is constant (the
// correlation is undefined). Inputs must be free of NaN.
std::optional<double> SpearmanCorrelation(const std::vector<double>& a, const std::vector<double>& b);
std::optional<double> KendallTauB(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace sweep::review
