// GridSearch: W&B's `grid` method. Every point of the cartesian product of
// the discrete parameters is proposed exactly once.
//
// Accepted parameters (as W&B's grid_search): constant (not an axis),
// categorical without probabilities (its values, in order), int_uniform
// (min, min+1, ..., max) and q_uniform (numpy.arange(min, max, q): min + k*q
// while below max, so max itself is excluded, as in W&B; ints when min/max
// were written as integers and q is integral). Anything else is refused.
//
// Point order matches W&B's itertools.product: axes sorted by parameter path
// (each nesting level by key, as W&B sorts), the last axis varying fastest.
// A point's grid index is its mixed-radix number in that order; points are
// computed from the index, never materialized, so grids of 10^12 points cost
// nothing up front.
//
// Conditional parameters (core/conditional_space.h): only valid points are
// proposed, those where every inactive parameter sits at its first value, and
// their configurations leave inactive parameters out, so each combination of
// active values comes once. The axes of parents and conditional parameters
// come first (parents before children, then by path), the others after as
// above; a parent then always varies slower than its children, so whole runs
// of invalid indices are skipped at once. No W&B spec has conditions, so W&B's
// order is kept wherever it is defined.
//
// Ask returns the lowest valid index no trial in the history carries as
// grid_index (the history may hold indices claimed by other agents, in any
// order; failed trials keep their index and are not re-run), and
// std::nullopt once every index is claimed.
//
// Thread-safety: immutable after Create; Ask keeps no state.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/conditional_space.h"
#include "core/result.h"
#include "core/search_space.h"
#include "optimizers/optimizer.h"

namespace sweep {

class GridSearch final : public Optimizer {
 public:
  // kInvalidInput naming the parameter when it cannot be a grid axis, when an
  // axis is empty, or when the grid has more than INT64_MAX points.
  static Result<std::unique_ptr<GridSearch>> Create(const SearchSpace& space);

  std::optional<Suggestion> Ask(const std::vector<TrialObservation>& history) override;

  // Number of points proposed (1 when every parameter is constant); with
  // conditions, the number of valid points (counted when the grid is built,
  // up to kMaxCountedPrefixes combinations of the conditional axes, beyond
  // which it is the cartesian product, an upper bound).
  std::int64_t size() const { return size_; }

  // The configuration at `index` (inactive parameters left out), in space
  // order; precondition 0 <= index < the cartesian product's size.
  Config ConfigAt(std::int64_t index) const;

  // Counting the valid points of a conditional grid visits each valid
  // combination of its conditional axes once; past this many it stops.
  static constexpr std::int64_t kMaxCountedPrefixes = 1'000'000;

 private:
  // One dimension of the grid: the parameter at space index `parameter`.
  struct Axis {
    size_t parameter = 0;
    std::int64_t count = 0;
  };

  GridSearch(SearchSpace space, std::vector<Axis> axes, std::size_t conditional_axes, std::int64_t product);

  // The k-th value (0 <= k < axis.count) along an axis.
  Value AxisValue(const Axis& axis, std::int64_t k) const;
  // Every parameter's value at `index`, in space order (inactive ones too).
  std::vector<Value> ValuesAt(std::int64_t index) const;
  // The lowest valid index >= `index`, or nullopt past the end.
  std::optional<std::int64_t> NextValid(std::int64_t index) const;
  // The lowest valid index that no trial of `history` claims.
  std::optional<std::int64_t> LowestUnclaimed(const std::vector<TrialObservation>& history) const;
  std::int64_t CountValid() const;

  SearchSpace space_;
  ActivityRules rules_;
  std::vector<Axis> axes_;            // the first varies slowest, the last fastest
  std::size_t conditional_axes_ = 0;  // the leading axes: parents and conditional parameters
  // block_[j]: the points sharing the digits of axes before j, the product of
  // the counts of axes j..end (block_[axes_.size()] = 1).
  std::vector<std::int64_t> block_;
  std::int64_t product_ = 0;  // the cartesian product's size: indices run below it
  std::int64_t size_ = 0;
};

}  // namespace sweep
