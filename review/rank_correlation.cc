#include "review/rank_correlation.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace sweep::review {

std::vector<double> AverageRanks(const std::vector<double>& values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return values[i] < values[j]; });
  std::vector<double> ranks(values.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) ++j;
    const double rank = (static_cast<double>(i + j) / 2) + 1;  // mean of 1-based positions i+1..j+1
    for (std::size_t k = i; k <= j; ++k) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

std::optional<double> SpearmanCorrelation(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.size() < 2) return std::nullopt;
  const std::vector<double> ra = AverageRanks(a), rb = AverageRanks(b);
  const double n = static_cast<double>(a.size());
  const double mean = (n + 1) / 2;  // the mean of average ranks is always (n+1)/2
  double cov = 0, va = 0, vb = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) {
    cov += (ra[i] - mean) * (rb[i] - mean);
    va += (ra[i] - mean) * (ra[i] - mean);
    vb += (rb[i] - mean) * (rb[i] - mean);
  }
  if (!(va > 0) || !(vb > 0)) return std::nullopt;
  return cov / std::sqrt(va * vb);
}

std::optional<double> KendallTauB(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.size() < 2) return std::nullopt;
  double concordant_minus_discordant = 0, pairs_untied_a = 0, pairs_untied_b = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (std::size_t j = i + 1; j < a.size(); ++j) {
      const double da = a[j] - a[i], db = b[j] - b[i];
      if (da != 0) pairs_untied_a += 1;
      if (db != 0) pairs_untied_b += 1;
      if (da != 0 && db != 0) concordant_minus_discordant += (da > 0) == (db > 0) ? 1 : -1;
    }
  }
  if (!(pairs_untied_a > 0) || !(pairs_untied_b > 0)) return std::nullopt;
  return concordant_minus_discordant / std::sqrt(pairs_untied_a * pairs_untied_b);
}

}  // namespace sweep::review
