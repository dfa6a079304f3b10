// SpaceEncoding: the Bayesian optimizer's two views of a configuration.
//   raw:      one coordinate u in [0, 1] per searched (non-constant)
//             parameter, the quantile of its W&B distribution (FromUnit);
//             the acquisition is maximized over this cube.
//   features: what the GP sees. Continuous laws: u itself (log laws are
//             linear in log space, normal/beta laws follow their CDF).
//             Integer and q-laws: ToUnit(FromUnit(u)), the CDF at the
//             rounded value, so all u that give the same value give the same
//             feature and the model never credits a point it cannot propose.
//             Categoricals: one-hot over their values.
//             Inactive conditional parameters (core/conditional_space.h):
//             kInactiveFeature, outside the cube, whatever u is (all zeros
//             for a one-hot block), so every configuration without the
//             parameter looks alike to the model and unlike any with it.
//             Activity follows the parents' values decoded from raw, so
//             the acquisition sees candidates as they will be proposed.
//
// Immutable after construction; thread-safe.
#pragma once

#include <optional>
#include <vector>

#include "core/conditional_space.h"
#include "core/search_space.h"

namespace sweep::bayes {

// The feature of an inactive parameter: one unit below the cube.
constexpr double kInactiveFeature = -1.0;

class SpaceEncoding {
 public:
  explicit SpaceEncoding(SearchSpace space);

  int raw_dims() const { return static_cast<int>(raw_.size()); }
  int feature_dims() const { return feature_dims_; }

  // True when raw coordinate i is its own feature (a continuous law), so the
  // acquisition can be refined along it by gradient.
  bool IsContinuous(int raw_index) const { return raw_[raw_index].continuous; }
  // True when raw coordinate i is a categorical (its order means nothing).
  bool IsCategorical(int raw_index) const { return raw_[raw_index].categorical; }
  // The feature of raw coordinate i (the first of a categorical's one-hot block).
  int FeatureOf(int raw_index) const { return raw_[raw_index].feature; }

  // The configuration for raw coordinates (constants included, inactive
  // parameters left out), in space order.
  Config Decode(const std::vector<double>& raw) const;
  // Whether each raw coordinate's parameter is active at `raw` (all true for
  // a space without conditions).
  std::vector<bool> ActiveCoordinates(const double* raw) const;
  // Features of raw coordinates; `features` has feature_dims() slots.
  void Features(const double* raw, double* features) const;
  // Raw coordinates of a configuration from the history (matched by
  // parameter name; ToUnit of each value), so that Features(EncodeRaw(c)) are
  // its features. nullopt when a value is missing, not a number where one is
  // needed, or not one of a categorical's values. An inactive parameter may
  // be absent: its coordinate is then 0.5, which its feature ignores.
  std::optional<std::vector<double>> EncodeRaw(const Config& config) const;

  // Per-parameter relevance (space order) from per-feature values: the value
  // of the parameter's feature, the largest over a one-hot block, 0 for
  // constants.
  std::vector<double> PerParameter(const std::vector<double>& per_feature) const;

 private:
  struct Raw {
    int parameter = 0;   // index into space_.parameters
    int feature = 0;     // first feature
    int width = 1;       // features used (one-hot size for categoricals)
    bool continuous = false;
    bool categorical = false;
  };
  int CategoryIndex(const ParameterSpec& p, const Value& v) const;

  SearchSpace space_;
  ActivityRules rules_;
  std::vector<Raw> raw_;
  int feature_dims_ = 0;
};

}  // namespace sweep::bayes
