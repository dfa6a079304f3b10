#include "core/search_space.h"

#include <array>
#include <utility>

namespace sweep {

bool IsLogScale(Distribution d) {
  switch (d) {
    case Distribution::kLogUniform:
    case Distribution::kLogUniformValues:
    case Distribution::kInvLogUniform:
    case Distribution::kInvLogUniformValues:
    case Distribution::kQLogUniform:
    case Distribution::kQLogUniformValues:
    case Distribution::kLogNormal:
    case Distribution::kQLogNormal:
      return true;
    default:
      return false;
  }
}
namespace {

constexpr std::array<std::pair<Distribution, std::string_view>, 17> kDistributionNames = {{
    {Distribution::kConstant, "constant"},
    {Distribution::kCategorical, "categorical"},
    {Distribution::kIntUniform, "int_uniform"},
    {Distribution::kUniform, "uniform"},
    {Distribution::kQUniform, "q_uniform"},
    {Distribution::kLogUniform, "log_uniform"},
    {Distribution::kLogUniformValues, "log_uniform_values"},
    {Distribution::kInvLogUniform, "inv_log_uniform"},
    {Distribution::kInvLogUniformValues, "inv_log_uniform_values"},
    {Distribution::kQLogUniform, "q_log_uniform"},
    {Distribution::kQLogUniformValues, "q_log_uniform_values"},
    {Distribution::kNormal, "normal"},
    {Distribution::kQNormal, "q_normal"},
    {Distribution::kLogNormal, "log_normal"},
    {Distribution::kQLogNormal, "q_log_normal"},
    {Distribution::kBeta, "beta"},
    {Distribution::kQBeta, "q_beta"},
}};

// Inserts `value` at `path` inside `root`, creating intermediate maps.
void InsertAtPath(ValueMap& root, const std::vector<std::string>& path, size_t depth, const Value& value) {
  const std::string& key = path[depth];
  for (auto& [k, v] : root) {
    if (k != key) continue;
    if (depth + 1 == path.size()) {
      v = value;
      return;
    }
    ValueMap child = v.is_map() ? v.as_map() : ValueMap{};
    InsertAtPath(child, path, depth + 1, value);
    v = Value(std::move(child));
    return;
  }
  if (depth + 1 == path.size()) {
    root.emplace_back(key, value);
    return;
  }
  ValueMap child;
  InsertAtPath(child, path, depth + 1, value);
  root.emplace_back(key, Value(std::move(child)));
}

}  // namespace

std::string_view DistributionName(Distribution d) {
  for (const auto& [dist, name] : kDistributionNames) {
    if (dist == d) return name;
  }
  return "unknown";
}

std::optional<Distribution> ParseDistributionName(std::string_view name) {
  for (const auto& [dist, n] : kDistributionNames) {
    if (n == name) return dist;
  }
  return std::nullopt;
}

std::string ParameterSpec::name() const {
  std::string out;
  for (const auto& part : path) {
    if (!out.empty()) out += '.';
    out += part;
  }
  return out;
}

ParameterSpec BoundedParameter(std::string name, Distribution distribution, double min, double max) {
  ParameterSpec p;
  p.path = {std::move(name)};
  p.distribution = distribution;
  p.min = min;
  p.max = max;
  return p;
}

const ParameterSpec* SearchSpace::find(std::string_view name) const {
  for (const auto& p : parameters) {
    if (p.name() == name) return &p;
  }
  return nullptr;
}

Value ToNestedConfig(const SearchSpace& space, const Config& config) {
  ValueMap root;
  for (const auto& [name, value] : config) {
    const ParameterSpec* spec = space.find(name);
    if (spec != nullptr && !spec->path.empty()) {
      InsertAtPath(root, spec->path, 0, value);
    } else {
      root.emplace_back(name, value);
    }
  }
  return Value(std::move(root));
}

}  // namespace sweep
