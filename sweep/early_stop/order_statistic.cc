#include "sweep/early_stop/order_statistic.h"

#include <cassert>
#include <cmath>
#include <utility>

namespace sweep {

OrderStatistic::OrderStatistic(RankFn rank) : rank_(std::move(rank)) {}

void OrderStatistic::Insert(double value) {
  assert(!std::isnan(value));
  if (!low_.empty() && value < low_.top()) {
    low_.push(value);
  } else {
    high_.push(value);
  }
  // Rebalance so that low_ holds exactly the r(n)+1 smallest values. Since
  // r grows by at most one per insertion in practice, these loops run O(1)
  // times; they are loops only to stay correct for any monotone r.
  const std::size_t want_low = rank_(size()) + 1;
  assert(want_low <= size());
  while (low_.size() < want_low) {
    low_.push(high_.top());
    high_.pop();
  }
  while (low_.size() > want_low) {
    high_.push(low_.top());
    low_.pop();
  }
}

std::optional<double> OrderStatistic::AtRank() const {
  if (low_.empty()) return std::nullopt;
  return low_.top();
}

std::optional<double> OrderStatistic::AfterRank() const {
  if (high_.empty()) return std::nullopt;
  return high_.top();
}

}  // namespace sweep
