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
// Ask returns the lowest index no trial in the history carries as
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

  // Number of points in the grid (1 when every parameter is constant).
  std::int64_t size() const { return size_; }

  // The configuration at `index`, in space order; precondition 0 <= index < size().
  Config ConfigAt(std::int64_t index) const;

 private:
  // One dimension of the grid: the parameter at space index `parameter`.
  struct Axis {
    size_t parameter = 0;
    std::int64_t count = 0;
  };

  GridSearch(SearchSpace space, std::vector<Axis> axes, std::int64_t size);

  // The k-th value (0 <= k < axis.count) along an axis.
  Value AxisValue(const Axis& axis, std::int64_t k) const;

  SearchSpace space_;
  std::vector<Axis> axes_;  // W&B order: sorted by path; the last varies fastest
  std::int64_t size_ = 0;
};

}  // namespace sweep
