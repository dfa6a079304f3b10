#include "optimizers/bayes/encoding.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "optimizers/space_transform.h"

namespace sweep::bayes {
namespace {

// The raw coordinate recorded for an absent inactive parameter; its feature
// is kInactiveFeature whatever this is.
constexpr double kInactiveCoordinate = 0.5;

// Laws whose value is a continuous, strictly increasing function of u.
bool IsContinuousLaw(Distribution d) {
  switch (d) {
    case Distribution::kUniform:
    case Distribution::kLogUniform:
    case Distribution::kLogUniformValues:
    case Distribution::kInvLogUniform:
    case Distribution::kInvLogUniformValues:
    case Distribution::kNormal:
    case Distribution::kLogNormal:
    case Distribution::kBeta:
      return true;
    default:
      return false;
  }
}

}  // namespace

SpaceEncoding::SpaceEncoding(SearchSpace space) : space_(std::move(space)), rules_(space_) {
  for (int i = 0; i < static_cast<int>(space_.parameters.size()); ++i) {
    const ParameterSpec& p = space_.parameters[i];
    if (p.distribution == Distribution::kConstant) continue;
    Raw r;
    r.parameter = i;
    r.feature = feature_dims_;
    r.categorical = p.distribution == Distribution::kCategorical;
    r.width = r.categorical ? std::max<int>(1, static_cast<int>(p.values.size())) : 1;
    r.continuous = IsContinuousLaw(p.distribution);
    feature_dims_ += r.width;
    raw_.push_back(r);
  }
}

int SpaceEncoding::CategoryIndex(const ParameterSpec& p, const Value& v) const {
  for (int k = 0; k < static_cast<int>(p.values.size()); ++k) {
    if (p.values[k] == v) return k;
  }
  return -1;
}

Config SpaceEncoding::Decode(const std::vector<double>& raw) const {
  Config config;
  config.reserve(space_.parameters.size());
  std::size_t next = 0;
  for (int i = 0; i < static_cast<int>(space_.parameters.size()); ++i) {
    const ParameterSpec& p = space_.parameters[i];
    const bool searched = next < raw_.size() && raw_[next].parameter == i;
    config.emplace_back(p.name(), FromUnit(p, searched ? raw[next++] : 0.5));
  }
  return rules_.DropInactive(std::move(config));
}

std::vector<bool> SpaceEncoding::ActiveCoordinates(const double* raw) const {
  std::vector<bool> out(raw_.size(), true);
  if (!rules_.conditional()) return out;
  std::vector<Value> values(space_.parameters.size());
  std::size_t next = 0;
  for (std::size_t i = 0; i < space_.parameters.size(); ++i) {
    const bool searched = next < raw_.size() && raw_[next].parameter == static_cast<int>(i);
    values[i] = FromUnit(space_.parameters[i], searched ? raw[next++] : 0.5);
  }
  std::vector<const Value*> pointers;
  pointers.reserve(values.size());
  for (const Value& v : values) pointers.push_back(&v);
  const std::vector<bool> active = rules_.Active(pointers);
  for (std::size_t j = 0; j < raw_.size(); ++j) out[j] = active[raw_[j].parameter];
  return out;
}

void SpaceEncoding::Features(const double* raw, double* features) const {
  for (std::size_t j = 0; j < raw_.size(); ++j) {
    const Raw& r = raw_[j];
    const ParameterSpec& p = space_.parameters[r.parameter];
    if (r.continuous) {
      features[r.feature] = std::clamp(raw[j], 0.0, 1.0);
    } else if (r.categorical) {
      std::fill(features + r.feature, features + r.feature + r.width, 0.0);
      const int k = CategoryIndex(p, FromUnit(p, raw[j]));
      if (k >= 0) features[r.feature + k] = 1.0;
    } else {
      features[r.feature] = ToUnit(p, FromUnit(p, raw[j]));
    }
  }
  if (!rules_.conditional()) return;
  const std::vector<bool> active = ActiveCoordinates(raw);
  for (std::size_t j = 0; j < raw_.size(); ++j) {
    if (active[j]) continue;
    const Raw& r = raw_[j];
    std::fill(features + r.feature, features + r.feature + r.width, r.categorical ? 0.0 : kInactiveFeature);
  }
}

std::optional<std::vector<double>> SpaceEncoding::EncodeRaw(const Config& config) const {
  std::vector<double> raw;
  raw.reserve(raw_.size());
  const std::vector<bool> active = rules_.conditional() ? rules_.Active(config) : std::vector<bool>();
  for (const Raw& r : raw_) {
    const ParameterSpec& p = space_.parameters[r.parameter];
    const std::string name = p.name();
    auto it = std::find_if(config.begin(), config.end(), [&](const auto& kv) { return kv.first == name; });
    if (it == config.end() && !active.empty() && !active[r.parameter]) {
      raw.push_back(kInactiveCoordinate);
      continue;
    }
    if (it == config.end()) return std::nullopt;
    const double u = ToUnit(p, it->second);
    if (!std::isfinite(u)) return std::nullopt;
    raw.push_back(u);
  }
  return raw;
}

std::vector<double> SpaceEncoding::PerParameter(const std::vector<double>& per_feature) const {
  std::vector<double> out(space_.parameters.size(), 0.0);
  for (const Raw& r : raw_) {
    double best = 0;
    for (int k = 0; k < r.width; ++k) best = std::max(best, per_feature[r.feature + k]);
    out[r.parameter] = best;
  }
  return out;
}

}  // namespace sweep::bayes
