#include "review/importance.h"

#include <algorithm>
#include <cmath>

#include "core/conditional_space.h"
#include "review/conditional_importance.h"
#include "review/fanova.h"
#include "review/random_forest.h"
#include "review/rank_correlation.h"

namespace sweep::review {
namespace {


// The model-space range the distribution promises, before widening to the
// observed values; nullopt for unbounded families (normal, log_normal).
std::optional<std::pair<double, double>> DeclaredRange(const ParameterSpec& p) {
  switch (p.distribution) {
    case Distribution::kIntUniform:
    case Distribution::kUniform:
    case Distribution::kQUniform:
    case Distribution::kLogUniform:   // min/max are already log exponents
    case Distribution::kQLogUniform:
      return std::pair{p.min, p.max};
    case Distribution::kInvLogUniform:  // value = 1/exp(u): log value = -u
      return std::pair{-p.max, -p.min};
    case Distribution::kLogUniformValues:
    case Distribution::kInvLogUniformValues:
    case Distribution::kQLogUniformValues:
      if (p.min > 0 && p.max > 0) return std::pair{std::log(p.min), std::log(p.max)};
      return std::nullopt;
    case Distribution::kBeta:
    case Distribution::kQBeta:
      return std::pair{0.0, 1.0};
    default:
      return std::nullopt;
  }
}

// The category index of `v`; numbers match numerically (1 matches 1.0).
std::optional<int> CategoryIndex(const ParameterSpec& p, const Value& v) {
  for (std::size_t i = 0; i < p.values.size(); ++i) {
    const Value& c = p.values[i];
    if (c == v || (c.is_number() && v.is_number() && c.as_number() == v.as_number())) return static_cast<int>(i);
  }
  return std::nullopt;
}

// The model-space value of a numeric parameter, nullopt when unusable.
std::optional<double> NumericValue(const ParameterSpec& p, const Value& v) {
  if (!v.is_number()) return std::nullopt;
  double x = v.as_number();
  if (IsLogScale(p.distribution)) {
    if (!(x > 0)) return std::nullopt;
    x = std::log(x);
  }
  if (!std::isfinite(x)) return std::nullopt;
  return x;
}

// The categories of a `values:` list as numbers, when every one is a number.
std::optional<std::vector<double>> NumericCategories(const ParameterSpec& p) {
  std::vector<double> numbers;
  for (const Value& v : p.values) {
    if (!v.is_number()) return std::nullopt;
    numbers.push_back(v.as_number());
  }
  return numbers;
}

double Mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

double PopulationStd(const std::vector<double>& v) {
  const double m = Mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return v.empty() ? 0 : std::sqrt(s / static_cast<double>(v.size()));
}

}  // namespace

Result<ImportanceReport> ComputeImportance(const SearchSpace& space, const std::vector<RunRow>& rows,
                                           const std::string& metric, Goal goal,
                                           const ImportanceOptions& options) {
  if (options.trees < 1) return Error::InvalidInput("importance needs at least one tree");
  if (HasConditions(space)) return ComputeConditionalImportance(space, rows, metric, goal, options);
  std::vector<const ParameterSpec*> params;
  std::vector<FeatureSpec> features;
  for (const ParameterSpec& p : space.parameters) {
    if (p.distribution == Distribution::kConstant) continue;
    FeatureSpec f;
    if (p.distribution == Distribution::kCategorical) {
      if (p.values.size() > static_cast<std::size_t>(kMaxCategories)) {
        return Error::InvalidInput("parameter '" + p.name() + "' has " + std::to_string(p.values.size()) +
                                   " categories; importance supports at most " + std::to_string(kMaxCategories));
      }
      f.categorical = true;
      f.num_categories = static_cast<int>(p.values.size());
    }
    params.push_back(&p);
    features.push_back(f);
  }
  if (params.empty()) return Error::InvalidInput("the search space has no varying parameter to rate");

  ImportanceReport report;
  report.metric = metric;
  report.goal = goal;
  const std::size_t d = params.size();
  std::vector<double> x, y, row_values(d);
  for (const RunRow& row : rows) {
    if (row.state != TrialState::kFinished) {
      ++report.runs_not_finished;
      continue;
    }
    std::optional<double> m = FindMetric(row, metric);
    if (!m || !std::isfinite(*m)) {
      ++report.runs_without_metric;
      continue;
    }
    bool usable = true;
    for (std::size_t f = 0; f < d && usable; ++f) {
      const Value* v = FindParam(row, params[f]->name());
      std::optional<double> encoded;
      if (v != nullptr) {
        if (features[f].categorical) {
          if (auto c = CategoryIndex(*params[f], *v)) encoded = *c;
        } else {
          encoded = NumericValue(*params[f], *v);
        }
      }
      usable = encoded.has_value();
      if (usable) row_values[f] = *encoded;
    }
    if (!usable) {
      ++report.runs_with_unusable_params;
      continue;
    }
    x.insert(x.end(), row_values.begin(), row_values.end());
    y.push_back(*m);
  }
  report.runs_used = static_cast<int>(y.size());
  if (report.runs_used < kMinRunsForImportance) {
    return Error::InvalidInput("importance of '" + metric + "' needs at least " +
                               std::to_string(kMinRunsForImportance) + " finished runs reporting it; found " +
                               std::to_string(report.runs_used) + " (" + std::to_string(report.runs_not_finished) +
                               " not finished, " + std::to_string(report.runs_without_metric) + " without the metric, " +
                               std::to_string(report.runs_with_unusable_params) + " with unusable parameters)");
  }

  // Numeric boxes: the declared range widened to cover every observed value.
  for (std::size_t f = 0; f < d; ++f) {
    if (features[f].categorical) continue;
    double lo = x[f], hi = x[f];
    for (std::size_t r = 0; r < y.size(); ++r) {
      lo = std::min(lo, x[r * d + f]);
      hi = std::max(hi, x[r * d + f]);
    }
    if (auto declared = DeclaredRange(*params[f])) {
      lo = std::min(lo, std::min(declared->first, declared->second));
      hi = std::max(hi, std::max(declared->first, declared->second));
    }
    features[f].low = lo;
    features[f].high = hi;
  }

  ForestOptions forest_options;
  forest_options.trees = options.trees;
  forest_options.max_depth = options.max_depth;
  forest_options.seed = options.seed;
  const std::vector<RegressionTree> trees = FitForest(features, x, y, forest_options);
  std::vector<std::vector<double>> per_feature(d);
  for (const RegressionTree& tree : trees) {
    std::vector<double> shares = FirstOrderVarianceShares(tree, features);
    for (std::size_t f = 0; f < d; ++f) per_feature[f].push_back(shares[f]);
  }
  double total = 0;
  for (const auto& s : per_feature) total += Mean(s);

  for (std::size_t f = 0; f < d; ++f) {
    ParameterImportance pi;
    pi.name = params[f]->name();
    const double scale = total > 0 ? 1 / total : 0;  // every tree constant: nothing explains anything
    pi.importance = Mean(per_feature[f]) * scale;
    pi.importance_std = PopulationStd(per_feature[f]) * scale;
    if (!features[f].categorical) {
      std::vector<double> column(y.size());
      for (std::size_t r = 0; r < y.size(); ++r) column[r] = x[r * d + f];
      pi.spearman = SpearmanCorrelation(column, y);
    } else if (auto numbers = NumericCategories(*params[f])) {
      // `values: [0.1, 0.01, 0.001]` is ordered after all: W&B's panel
      // correlates such lists too. The forest still splits on categories.
      std::vector<double> column(y.size());
      for (std::size_t r = 0; r < y.size(); ++r) column[r] = (*numbers)[static_cast<std::size_t>(x[r * d + f])];
      pi.spearman = SpearmanCorrelation(column, y);
    }
    report.parameters.push_back(std::move(pi));
  }
  std::stable_sort(report.parameters.begin(), report.parameters.end(),
                   [](const ParameterImportance& a, const ParameterImportance& b) { return a.importance > b.importance; });
  return report;
}

}  // namespace sweep::review
