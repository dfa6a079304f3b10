// OrderStatistic: an insert-only multiset of doubles that answers "the value
// of rank r(n) in ascending order" in O(1), where n is the current size and
// r is a rank function fixed at construction. Insert is O(log n).
//
// It keeps two heaps: `low_` holds the r(n)+1 smallest values (max on top),
// `high_` the rest (min on top). Used for hyperband thresholds
// (r(n) = floor(n/eta)) and medians (r(n) = (n-1)/2).
//
// Preconditions: r is non-decreasing, r(n) < n for n >= 1, and no inserted
// value is NaN (callers map NaN to a sentinel first).
// Thread-safety: not thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <queue>
#include <vector>

namespace sweep {

class OrderStatistic {
 public:
  using RankFn = std::function<std::size_t(std::size_t n)>;

  explicit OrderStatistic(RankFn rank);

  void Insert(double value);
  std::size_t size() const { return low_.size() + high_.size(); }

  // The value of rank r(size()); nullopt when empty.
  std::optional<double> AtRank() const;
  // The value of rank r(size())+1; nullopt when there is none.
  std::optional<double> AfterRank() const;

 private:
  RankFn rank_;
  std::priority_queue<double> low_;
  std::priority_queue<double, std::vector<double>, std::greater<>> high_;
};

}  // namespace sweep
