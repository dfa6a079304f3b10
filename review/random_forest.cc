#include "review/random_forest.h"

#include <algorithm>
#include <cassert>
#include <numeric>
#include <random>

namespace sweep::review {
namespace {

struct Split {
  int feature = -1;
  double threshold = 0;
  std::uint64_t left_categories = 0;
  double score = 0;  // sum_l^2/n_l + sum_r^2/n_r: larger is a lower squared error
};

// Builds one tree on a bootstrap sample. Numeric features are presorted once;
// each split stably partitions the sorted orders, so a level costs
// O(samples * features) instead of a sort per node.
class TreeBuilder {
 public:
  TreeBuilder(const std::vector<FeatureSpec>& features, const std::vector<double>& x, const std::vector<double>& y,
              const ForestOptions& options, std::vector<int> sample)
      : features_(features), x_(x), y_(y), options_(options), d_(features.size()), sample_(std::move(sample)),
        m_(sample_.size()), sorted_(d_ * m_), goes_left_(m_), buffer_(m_) {
    for (std::size_t f = 0; f < d_; ++f) {
      if (features_[f].categorical) continue;
      int* order = &sorted_[f * m_];
      std::iota(order, order + m_, 0);
      std::stable_sort(order, order + m_, [&](int a, int b) { return X(a, f) < X(b, f); });
    }
    members_.resize(m_);
    std::iota(members_.begin(), members_.end(), 0);
  }

  RegressionTree Build() {
    Grow(0, m_, 0);
    return std::move(tree_);
  }

 private:
  double X(int s, std::size_t f) const { return x_[sample_[s] * d_ + f]; }
  double Y(int s) const { return y_[sample_[s]]; }

  int Grow(std::size_t b, std::size_t e, int depth) {
    int index = static_cast<int>(tree_.nodes.size());
    tree_.nodes.emplace_back();
    double sum = 0, lo = Y(members_[b]), hi = lo;
    for (std::size_t k = b; k < e; ++k) {
      double v = Y(members_[k]);
      sum += v;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    std::size_t n = e - b;
    tree_.nodes[index].value = sum / static_cast<double>(n);
    // A pure node or one too small or deep stays a leaf.
    if (lo == hi || n < static_cast<std::size_t>(options_.min_samples_split) || depth >= options_.max_depth) {
      return index;
    }
    Split best;
    best.score = -1;
    for (std::size_t f = 0; f < d_; ++f) {
      Split s = features_[f].categorical ? BestCategorical(f, b, e, sum) : BestNumeric(f, b, e, sum);
      if (s.feature >= 0 && s.score > best.score) best = s;
    }
    if (best.feature < 0) return index;
    std::size_t mid = Partition(best, b, e);
    tree_.nodes[index].feature = best.feature;
    tree_.nodes[index].threshold = best.threshold;
    tree_.nodes[index].left_categories = best.left_categories;
    int left = Grow(b, mid, depth + 1);
    int right = Grow(mid, e, depth + 1);
    tree_.nodes[index].left = left;
    tree_.nodes[index].right = right;
    return index;
  }

  Split BestNumeric(std::size_t f, std::size_t b, std::size_t e, double total) const {
    Split best;
    const int* order = &sorted_[f * m_];
    const std::size_t n = e - b;
    const std::size_t min_leaf = static_cast<std::size_t>(options_.min_samples_leaf);
    double left_sum = 0;
    for (std::size_t k = b; k + 1 < e; ++k) {
      left_sum += Y(order[k]);
      std::size_t nl = k - b + 1, nr = n - nl;
      double xk = X(order[k], f), xn = X(order[k + 1], f);
      if (nl < min_leaf || nr < min_leaf || !(xk < xn)) continue;
      double right_sum = total - left_sum;
      double score = left_sum * left_sum / static_cast<double>(nl) + right_sum * right_sum / static_cast<double>(nr);
      if (best.feature < 0 || score > best.score) {
        double threshold = xk + (xn - xk) / 2;
        if (!(threshold < xn)) threshold = xk;  // the midpoint rounded up to xn
        best = Split{static_cast<int>(f), threshold, 0, score};
      }
    }
    return best;
  }

  Split BestCategorical(std::size_t f, std::size_t b, std::size_t e, double total) const {
    Split best;
    const int k_count = features_[f].num_categories;
    std::vector<double> sums(k_count, 0);
    std::vector<std::size_t> counts(k_count, 0);
    for (std::size_t k = b; k < e; ++k) {
      int c = static_cast<int>(X(members_[k], f));
      sums[c] += Y(members_[k]);
      ++counts[c];
    }
    std::vector<int> present;
    for (int c = 0; c < k_count; ++c) {
      if (counts[c] > 0) present.push_back(c);
    }
    std::stable_sort(present.begin(), present.end(), [&](int a, int c) {
      return sums[a] / static_cast<double>(counts[a]) < sums[c] / static_cast<double>(counts[c]);
    });
    const std::size_t n = e - b;
    const std::size_t min_leaf = static_cast<std::size_t>(options_.min_samples_leaf);
    double left_sum = 0;
    std::size_t nl = 0;
    std::uint64_t mask = 0;
    // Categories absent from the node go right: any side partitions the box.
    for (std::size_t i = 0; i + 1 < present.size(); ++i) {
      int c = present[i];
      left_sum += sums[c];
      nl += counts[c];
      mask |= std::uint64_t{1} << c;
      std::size_t nr = n - nl;
      if (nl < min_leaf || nr < min_leaf) continue;
      double right_sum = total - left_sum;
      double score = left_sum * left_sum / static_cast<double>(nl) + right_sum * right_sum / static_cast<double>(nr);
      if (best.feature < 0 || score > best.score) best = Split{static_cast<int>(f), 0, mask, score};
    }
    return best;
  }

  bool GoesLeft(const Split& s, int sample) const {
    double v = X(sample, s.feature);
    if (features_[s.feature].categorical) return (s.left_categories >> static_cast<int>(v)) & 1U;
    return v <= s.threshold;
  }

  // Stably partitions [b, e) of every order by the split; returns the end of the left part.
  std::size_t Partition(const Split& s, std::size_t b, std::size_t e) {
    for (std::size_t k = b; k < e; ++k) goes_left_[members_[k]] = GoesLeft(s, members_[k]);
    std::size_t mid = StablePartition(members_.data(), b, e);
    for (std::size_t f = 0; f < d_; ++f) {
      if (!features_[f].categorical) StablePartition(&sorted_[f * m_], b, e);
    }
    return mid;
  }

  std::size_t StablePartition(int* order, std::size_t b, std::size_t e) {
    std::size_t l = b, r = 0;
    for (std::size_t k = b; k < e; ++k) {
      int s = order[k];
      if (goes_left_[s]) order[l++] = s; else buffer_[r++] = s;
    }
    std::copy(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(r), order + l);
    return l;
  }

  const std::vector<FeatureSpec>& features_;
  const std::vector<double>& x_;
  const std::vector<double>& y_;
  const ForestOptions& options_;
  const std::size_t d_;
  const std::vector<int> sample_;  // bootstrap draw: sample position -> data row
  const std::size_t m_;
  std::vector<int> sorted_;   // per numeric feature, sample positions by x
  std::vector<int> members_;  // sample positions, grouped by node
  std::vector<char> goes_left_;
  std::vector<int> buffer_;
  RegressionTree tree_;
};

}  // namespace

std::vector<RegressionTree> FitForest(const std::vector<FeatureSpec>& features, const std::vector<double>& x,
                                      const std::vector<double>& y, const ForestOptions& options) {
  assert(!y.empty() && x.size() == y.size() * features.size());
  std::vector<RegressionTree> trees;
  trees.reserve(options.trees);
  const int n = static_cast<int>(y.size());
  for (int t = 0; t < options.trees; ++t) {
    // One generator per tree: tree t is the same whatever the tree count.
    std::seed_seq seq{static_cast<std::uint32_t>(options.seed), static_cast<std::uint32_t>(options.seed >> 32),
                      static_cast<std::uint32_t>(t)};
    std::mt19937_64 rng(seq);
    std::uniform_int_distribution<int> pick(0, n - 1);
    std::vector<int> sample(n);
    for (int& s : sample) s = pick(rng);
    trees.push_back(TreeBuilder(features, x, y, options, std::move(sample)).Build());
  }
  return trees;
}

}  // namespace sweep::review
