#include "review/fanova.h"

#include <algorithm>
#include <bit>
#include <cstdint>

namespace sweep::review {
namespace {

// A leaf's cell of the box: per numeric feature an interval [lo, hi], per
// categorical feature a category mask.
struct Cell {
  std::vector<double> lo, hi;
  std::vector<std::uint64_t> mask;
};

struct Leaf {
  double value;
  Cell cell;
};

std::uint64_t AllCategories(int k) { return k >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << k) - 1; }

void CollectLeaves(const RegressionTree& tree, const std::vector<FeatureSpec>& features, int node, Cell& cell,
                   std::vector<Leaf>& leaves) {
  const TreeNode& n = tree.nodes[node];
  if (n.feature < 0) {
    leaves.push_back({n.value, cell});
    return;
  }
  const std::size_t f = static_cast<std::size_t>(n.feature);
  if (features[f].categorical) {
    const std::uint64_t saved = cell.mask[f];
    cell.mask[f] = saved & n.left_categories;
    CollectLeaves(tree, features, n.left, cell, leaves);
    cell.mask[f] = saved & ~n.left_categories;
    CollectLeaves(tree, features, n.right, cell, leaves);
    cell.mask[f] = saved;
  } else {
    const double saved_lo = cell.lo[f], saved_hi = cell.hi[f];
    cell.hi[f] = std::min(saved_hi, n.threshold);
    CollectLeaves(tree, features, n.left, cell, leaves);
    cell.hi[f] = saved_hi;
    cell.lo[f] = std::max(saved_lo, n.threshold);
    CollectLeaves(tree, features, n.right, cell, leaves);
    cell.lo[f] = saved_lo;
  }
}

// The fraction of feature f's domain a leaf covers. A degenerate numeric
// domain (low == high) is covered entirely by every leaf.
double WidthFraction(const FeatureSpec& spec, const Cell& cell, std::size_t f) {
  if (spec.categorical) return std::popcount(cell.mask[f]) / static_cast<double>(spec.num_categories);
  const double span = spec.high - spec.low;
  return span > 0 ? (cell.hi[f] - cell.lo[f]) / span : 1.0;
}

}  // namespace

std::vector<double> FirstOrderVarianceShares(const RegressionTree& tree, const std::vector<FeatureSpec>& features) {
  const std::size_t d = features.size();
  std::vector<double> shares(d, 0.0);
  Cell root{std::vector<double>(d), std::vector<double>(d), std::vector<std::uint64_t>(d, 0)};
  for (std::size_t f = 0; f < d; ++f) {
    root.lo[f] = features[f].low;
    root.hi[f] = features[f].high;
    if (features[f].categorical) root.mask[f] = AllCategories(features[f].num_categories);
  }
  std::vector<Leaf> leaves;
  CollectLeaves(tree, features, 0, root, leaves);

  // Volume fraction of each leaf; empty cells (a category subset no sample
  // reached on one side) have volume zero and drop out.
  std::vector<double> volume(leaves.size(), 1.0);
  for (std::size_t l = 0; l < leaves.size(); ++l) {
    for (std::size_t f = 0; f < d; ++f) volume[l] *= WidthFraction(features[f], leaves[l].cell, f);
  }
  double mean = 0;
  for (std::size_t l = 0; l < leaves.size(); ++l) mean += volume[l] * leaves[l].value;
  double variance = 0;
  for (std::size_t l = 0; l < leaves.size(); ++l) {
    variance += volume[l] * (leaves[l].value - mean) * (leaves[l].value - mean);
  }
  if (!(variance > 0)) return shares;

  for (std::size_t f = 0; f < d; ++f) {
    const FeatureSpec& spec = features[f];
    // The marginal of f is constant on each interval between consecutive
    // split points of f (or on each category); a leaf adds
    // value * volume / width_f to every interval it covers.
    std::vector<double> edges, size;
    if (spec.categorical) {
      size.assign(spec.num_categories, 1.0 / spec.num_categories);
    } else {
      edges.push_back(spec.low);
      for (const TreeNode& n : tree.nodes) {
        if (n.feature == static_cast<int>(f)) edges.push_back(n.threshold);
      }
      edges.push_back(spec.high);
      std::sort(edges.begin(), edges.end());
      edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
      const double span = spec.high - spec.low;
      if (edges.size() < 2 || !(span > 0)) continue;  // f never varies: no main effect
      for (std::size_t i = 0; i + 1 < edges.size(); ++i) size.push_back((edges[i + 1] - edges[i]) / span);
    }
    std::vector<double> marginal(size.size() + 1, 0.0);  // a difference array for numeric f
    for (std::size_t l = 0; l < leaves.size(); ++l) {
      const double width = WidthFraction(spec, leaves[l].cell, f);
      if (!(volume[l] > 0) || !(width > 0)) continue;
      const double contribution = leaves[l].value * volume[l] / width;
      if (spec.categorical) {
        for (std::uint64_t m = leaves[l].cell.mask[f]; m != 0; m &= m - 1) {
          marginal[std::countr_zero(m)] += contribution;
        }
      } else {
        auto first = std::lower_bound(edges.begin(), edges.end(), leaves[l].cell.lo[f]) - edges.begin();
        auto last = std::lower_bound(edges.begin(), edges.end(), leaves[l].cell.hi[f]) - edges.begin();
        marginal[first] += contribution;
        marginal[last] -= contribution;
      }
    }
    if (!spec.categorical) {
      for (std::size_t i = 1; i < marginal.size(); ++i) marginal[i] += marginal[i - 1];
    }
    double marginal_variance = 0;
    for (std::size_t i = 0; i < size.size(); ++i) {
      marginal_variance += size[i] * (marginal[i] - mean) * (marginal[i] - mean);
    }
    shares[f] = marginal_variance / variance;
  }
  return shares;
}

}  // namespace sweep::review
