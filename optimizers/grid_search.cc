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

// The lowest index in [0, size) absent from `claimed`.
std::optional<std::int64_t> LowestUnclaimed(std::vector<std::int64_t> claimed, std::int64_t size) {
  std::sort(claimed.begin(), claimed.end());
  claimed.erase(std::unique(claimed.begin(), claimed.end()), claimed.end());
  std::int64_t next = 0;
  for (std::int64_t index : claimed) {
    if (index != next) break;
    ++next;
  }
  if (next >= size) return std::nullopt;
  return next;
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
  std::int64_t size = 1;
  for (const Axis& axis : axes) {
    if (size > kMaxGridSize / axis.count) {
      return Error::InvalidInput("the grid has more than " + std::to_string(kMaxGridSize) +
                                 " points; reduce the values of its parameters");
    }
    size *= axis.count;
  }
  return std::unique_ptr<GridSearch>(new GridSearch(space, std::move(axes), size));
}

GridSearch::GridSearch(SearchSpace space, std::vector<Axis> axes, std::int64_t size)
    : space_(std::move(space)), axes_(std::move(axes)), size_(size) {}

std::optional<Suggestion> GridSearch::Ask(const std::vector<TrialObservation>& history) {
  std::vector<std::int64_t> claimed;
  claimed.reserve(history.size());
  for (const TrialObservation& trial : history) {
    // A crashed run never got to run its point (its controller died), so the
    // point is free again: resume runs it; a failed point is not retried here.
    if (trial.state == TrialState::kCrashed) continue;
    if (trial.grid_index && *trial.grid_index >= 0 && *trial.grid_index < size_) {
      claimed.push_back(*trial.grid_index);
    }
  }
  std::optional<std::int64_t> index = LowestUnclaimed(std::move(claimed), size_);
  if (!index) return std::nullopt;
  return Suggestion{ConfigAt(*index), *index};
}

Config GridSearch::ConfigAt(std::int64_t index) const {
  std::vector<Value> values(space_.parameters.size());
  for (size_t i = 0; i < space_.parameters.size(); ++i) {
    if (space_.parameters[i].distribution == Distribution::kConstant) values[i] = space_.parameters[i].value;
  }
  std::int64_t rest = index;
  for (auto axis = axes_.rbegin(); axis != axes_.rend(); ++axis) {
    values[axis->parameter] = AxisValue(*axis, rest % axis->count);
    rest /= axis->count;
  }
  Config config;
  config.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) config.emplace_back(space_.parameters[i].name(), std::move(values[i]));
  return config;
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
