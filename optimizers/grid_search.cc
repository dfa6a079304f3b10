#include "optimizers/grid_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

namespace sweep {
namespace {

constexpr std::int64_t kMaxGridSize = std::numeric_limits<std::int64_t>::max();
// Axis lengths are computed in double; beyond 2^62 they would not be exact.
constexpr double kMaxAxisLength = 0x1p62;

Error NotAGridAxis(const ParameterSpec& p, const std::string& why) {
  return Error::InvalidInput("parameter '" + p.name() + "': " + why);
}

bool IsIntegral(double x) { return std::floor(x) == x && std::abs(x) < kMaxAxisLength; }

// numpy.arange(min, max, q) has ceil((max - min) / q) elements, the k-th
// being min + k * ((min + q) - min) (numpy fills from its first two values).
double ArangeStep(const ParameterSpec& p) { return (p.min + p.q) - p.min; }

// The number of values a parameter contributes, or why it cannot be an axis.
Result<std::int64_t> AxisLength(const ParameterSpec& p) {
  switch (p.distribution) {
    case Distribution::kCategorical:
      if (!p.probabilities.empty()) {
        return NotAGridAxis(p, "grid search does not accept categorical probabilities (W&B refuses them too)");
      }
      if (p.values.empty()) return NotAGridAxis(p, "categorical has no values");
      return static_cast<std::int64_t>(p.values.size());
    case Distribution::kIntUniform: {
      if (!IsIntegral(p.min) || !IsIntegral(p.max)) return NotAGridAxis(p, "int_uniform bounds must be integers");
      if (p.max < p.min) return NotAGridAxis(p, "int_uniform max is below min");
      const double length = p.max - p.min + 1;
      if (length > kMaxAxisLength) return NotAGridAxis(p, "int_uniform range is too large for a grid");
      return static_cast<std::int64_t>(length);
    }
    case Distribution::kQUniform: {
      if (!(p.q > 0) || !std::isfinite(p.q)) return NotAGridAxis(p, "q_uniform needs q > 0 for a grid");
      const double length = std::ceil((p.max - p.min) / p.q);
      if (!(length >= 1)) return NotAGridAxis(p, "q_uniform grid is empty: max must exceed min");
      if (length > kMaxAxisLength) return NotAGridAxis(p, "q_uniform has too many steps for a grid");
      return static_cast<std::int64_t>(length);
    }
    case Distribution::kConstant:
      return std::int64_t{1};
    default:
      return NotAGridAxis(p, "a " + std::string(DistributionName(p.distribution)) +
                                 " distribution is continuous; grid search needs values, a constant, "
                                 "int_uniform or q_uniform");
  }
}

// Whether a parameter takes part in conditions: it has one, or is a parent.
bool TakesPartInConditions(const SearchSpace& space, const ParameterSpec& p) {
  if (!p.conditions.empty()) return true;
  const std::string name = p.name();
  for (const ParameterSpec& other : space.parameters) {
    for (const ParameterCondition& c : other.conditions) {
      if (c.parent == name) return true;
    }
  }
  return false;
}

// Moves the axes taking part in conditions to the front, each after the
// axes of its parents (then in their current order); returns how many.
template <typename Axis>
std::size_t ConditionalAxesFirst(const SearchSpace& space, std::vector<Axis>& axes) {
  std::vector<Axis> pending, free;
  for (const Axis& axis : axes) {
    (TakesPartInConditions(space, space.parameters[axis.parameter]) ? pending : free).push_back(axis);
  }
  std::vector<Axis> ordered;
  std::vector<bool> placed(space.parameters.size(), false);
  auto parents_placed = [&](const Axis& axis) {
    for (const ParameterCondition& c : space.parameters[axis.parameter].conditions) {
      for (const Axis& other : pending) {
        if (space.parameters[other.parameter].name() == c.parent && !placed[other.parameter]) return false;
      }
    }
    return true;
  };
  while (!pending.empty()) {
    auto next = std::find_if(pending.begin(), pending.end(), parents_placed);
    if (next == pending.end()) next = pending.begin();  // a cycle: MakeOptimizer refuses those first
    placed[next->parameter] = true;
    ordered.push_back(*next);
    pending.erase(next);
  }
  const std::size_t conditional = ordered.size();
  ordered.insert(ordered.end(), free.begin(), free.end());
  axes = std::move(ordered);
  return conditional;
}

}  // namespace

Result<std::unique_ptr<GridSearch>> GridSearch::Create(const SearchSpace& space) {
  std::vector<Axis> axes;
  for (size_t i = 0; i < space.parameters.size(); ++i) {
    const ParameterSpec& p = space.parameters[i];
    Result<std::int64_t> length = AxisLength(p);
    if (!length.ok()) return length.error();
    if (p.distribution != Distribution::kConstant) axes.push_back({i, *length});
  }
  std::stable_sort(axes.begin(), axes.end(), [&](const Axis& x, const Axis& y) {
    return space.parameters[x.parameter].path < space.parameters[y.parameter].path;
  });
  const std::size_t conditional_axes = HasConditions(space) ? ConditionalAxesFirst(space, axes) : 0;
  std::int64_t product = 1;
  for (const Axis& axis : axes) {
    if (product > kMaxGridSize / axis.count) {
      return Error::InvalidInput("the grid has more than " + std::to_string(kMaxGridSize) +
                                 " points; reduce the values of its parameters");
    }
    product *= axis.count;
  }
  return std::unique_ptr<GridSearch>(new GridSearch(space, std::move(axes), conditional_axes, product));
}

GridSearch::GridSearch(SearchSpace space, std::vector<Axis> axes, std::size_t conditional_axes, std::int64_t product)
    : space_(std::move(space)),
      rules_(space_),
      axes_(std::move(axes)),
      conditional_axes_(conditional_axes),
      block_(axes_.size() + 1, 1),
      product_(product),
      size_(product) {
  for (std::size_t j = axes_.size(); j-- > 0;) block_[j] = block_[j + 1] * axes_[j].count;
  if (conditional_axes_ > 0) size_ = CountValid();
}

std::int64_t GridSearch::CountValid() const {
  // Free axes vary fastest and are valid with any valid prefix: count the
  // valid prefixes, stepping a whole block of free axes at a time.
  const std::int64_t free_points = block_[conditional_axes_];
  std::int64_t prefixes = 0;
  for (std::optional<std::int64_t> i = NextValid(0); i; i = NextValid(*i + free_points)) {
    if (++prefixes > kMaxCountedPrefixes) return product_;
  }
  return prefixes * free_points;
}

std::optional<std::int64_t> GridSearch::NextValid(std::int64_t index) const {
  while (index < product_) {
    if (conditional_axes_ == 0) return index;
    const std::vector<Value> values = ValuesAt(index);
    std::vector<const Value*> pointers;
    pointers.reserve(values.size());
    for (const Value& v : values) pointers.push_back(&v);
    const std::vector<bool> active = rules_.Active(pointers);
    // The slowest axis that is inactive but off its first value: its
    // activity depends only on slower axes, so every index up to the next
    // value of the axis before it is invalid too.
    std::optional<std::size_t> invalid;
    for (std::size_t j = 0; j < conditional_axes_ && !invalid; ++j) {
      const std::int64_t digit = (index / block_[j + 1]) % axes_[j].count;
      if (!active[axes_[j].parameter] && digit != 0) invalid = j;
    }
    if (!invalid) return index;
    index = (index / block_[*invalid] + 1) * block_[*invalid];
  }
  return std::nullopt;
}

std::optional<std::int64_t> GridSearch::LowestUnclaimed(const std::vector<TrialObservation>& history) const {
  std::vector<std::int64_t> claimed;
  claimed.reserve(history.size());
  for (const TrialObservation& trial : history) {
    // A crashed run never got to run its point (its controller died), so the
    // point is free again: resume runs it; a failed point is not retried here.
    if (trial.state == TrialState::kCrashed) continue;
    if (trial.grid_index && *trial.grid_index >= 0 && *trial.grid_index < product_) {
      claimed.push_back(*trial.grid_index);
    }
  }
  std::sort(claimed.begin(), claimed.end());
  claimed.erase(std::unique(claimed.begin(), claimed.end()), claimed.end());
  std::optional<std::int64_t> next = NextValid(0);
  for (std::int64_t index : claimed) {
    if (!next || index > *next) break;
    if (index == *next) next = NextValid(index + 1);
  }
  return next;
}

std::optional<Suggestion> GridSearch::Ask(const std::vector<TrialObservation>& history) {
  std::optional<std::int64_t> index = LowestUnclaimed(history);
  if (!index) return std::nullopt;
  return Suggestion{ConfigAt(*index), *index};
}

std::vector<Value> GridSearch::ValuesAt(std::int64_t index) const {
  std::vector<Value> values(space_.parameters.size());
  for (size_t i = 0; i < space_.parameters.size(); ++i) {
    if (space_.parameters[i].distribution == Distribution::kConstant) values[i] = space_.parameters[i].value;
  }
  std::int64_t rest = index;
  for (auto axis = axes_.rbegin(); axis != axes_.rend(); ++axis) {
    values[axis->parameter] = AxisValue(*axis, rest % axis->count);
    rest /= axis->count;
  }
  return values;
}

Config GridSearch::ConfigAt(std::int64_t index) const {
  std::vector<Value> values = ValuesAt(index);
  Config config;
  config.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) config.emplace_back(space_.parameters[i].name(), std::move(values[i]));
  return rules_.DropInactive(std::move(config));
}

Value GridSearch::AxisValue(const Axis& axis, std::int64_t k) const {
  const ParameterSpec& p = space_.parameters[axis.parameter];
  switch (p.distribution) {
    case Distribution::kCategorical:
      return p.values[static_cast<size_t>(k)];
    case Distribution::kIntUniform:
      return Value(static_cast<std::int64_t>(p.min) + k);
    case Distribution::kQUniform:
      // numpy.arange yields ints only when min, max and q are all ints.
      if (p.integer_bounds && p.integer_q && IsIntegral(p.q)) {
        return Value(static_cast<std::int64_t>(p.min) + k * static_cast<std::int64_t>(p.q));
      }
      return Value(p.min + static_cast<double>(k) * ArangeStep(p));
    default:
      return p.value;
  }
}

}  // namespace sweep
