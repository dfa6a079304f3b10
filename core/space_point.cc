#include "core/space_point.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/conditional_space.h"

namespace sweep {
namespace {

// Integral doubles below this convert to int64 exactly.
constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53

// The values a bounded law can produce, or nullopt for unbounded laws.
std::optional<std::pair<double, double>> LawRange(const ParameterSpec& p) {
  switch (p.distribution) {
    case Distribution::kIntUniform:
    case Distribution::kUniform:
    case Distribution::kQUniform:
    case Distribution::kLogUniformValues:
    case Distribution::kQLogUniformValues:
    case Distribution::kInvLogUniformValues:
      return std::make_pair(p.min, p.max);
    case Distribution::kLogUniform:
    case Distribution::kQLogUniform:
      return std::make_pair(std::exp(p.min), std::exp(p.max));
    case Distribution::kInvLogUniform:
      return std::make_pair(std::exp(-p.max), std::exp(-p.min));
    case Distribution::kBeta:
    case Distribution::kQBeta:
      return std::make_pair(0.0, 1.0);
    default:
      return std::nullopt;
  }
}

bool IntegerValued(const ParameterSpec& p) {
  switch (p.distribution) {
    case Distribution::kIntUniform:
      return true;
    case Distribution::kQUniform:
    case Distribution::kQLogUniform:
    case Distribution::kQLogUniformValues:
    case Distribution::kQNormal:
    case Distribution::kQLogNormal:
    case Distribution::kQBeta:
      return p.integer_q && std::floor(p.q) == p.q;
    default:
      return false;
  }
}

// The value as the sampler would give it, or nullopt when `p` never takes it.
std::optional<Value> Typed(const ParameterSpec& p, const Value& v) {
  if (p.distribution == Distribution::kConstant) return p.value == v ? std::optional<Value>(v) : std::nullopt;
  if (p.distribution == Distribution::kCategorical) {
    const auto it = std::find(p.values.begin(), p.values.end(), v);
    return it == p.values.end() ? std::nullopt : std::optional<Value>(*it);
  }
  if (!v.is_number() || !std::isfinite(v.as_number())) return std::nullopt;
  const double x = v.as_number();
  if (auto range = LawRange(p); range && (x < range->first || x > range->second)) return std::nullopt;
  if ((p.distribution == Distribution::kLogNormal || p.distribution == Distribution::kQLogNormal) && !(x > 0)) {
    return std::nullopt;
  }
  if (IntegerValued(p)) {
    if (std::floor(x) != x || std::abs(x) > kMaxExactInteger) return std::nullopt;
    return Value(static_cast<std::int64_t>(x));
  }
  return Value(x);
}

std::string Describe(const ParameterSpec& p) {
  switch (p.distribution) {
    case Distribution::kConstant:
      return "its value " + FormatPythonArg(p.value);
    case Distribution::kCategorical:
      return "one of its values";
    case Distribution::kIntUniform:
      return "an integer from " + std::to_string(static_cast<long long>(p.min)) + " to " +
             std::to_string(static_cast<long long>(p.max));
    default:
      if (auto range = LawRange(p)) {
        return std::string(IntegerValued(p) ? "an integer" : "a number") + " from " +
               FormatPythonFloat(range->first) + " to " + FormatPythonFloat(range->second);
      }
      return IntegerValued(p) ? "an integer" : "a number";
  }
}

void FlattenInto(const SearchSpace& space, const std::string& prefix, const ValueMap& map, Config& out) {
  for (const auto& [key, value] : map) {
    const std::string name = prefix.empty() ? key : prefix + "." + key;
    if (value.is_map() && space.find(name) == nullptr) {
      FlattenInto(space, name, value.as_map(), out);
    } else {
      out.emplace_back(name, value);
    }
  }
}

}  // namespace

Result<Config> NormalizePoint(const SearchSpace& space, const Config& given, PointProblem* problem) {
  auto fail = [&](std::string parameter, std::string message, bool bad_value = false) -> Result<Config> {
    if (problem != nullptr) *problem = {parameter, message, bad_value};
    return Error::InvalidInput(std::move(message));
  };
  for (const auto& [name, value] : given) {
    if (space.find(name) == nullptr) return fail(name, "'" + name + "' is not a parameter of the sweep");
  }
  Config full;
  for (const ParameterSpec& p : space.parameters) {
    const std::string name = p.name();
    const auto it = std::find_if(given.begin(), given.end(), [&](const auto& kv) { return kv.first == name; });
    if (it != given.end()) {
      std::optional<Value> typed = Typed(p, it->second);
      if (!typed) {
        return fail(name, "'" + name + "': " + FormatPythonArg(it->second) + " is not a value it takes (" +
                              Describe(p) + ")",
                    /*bad_value=*/true);
      }
      full.emplace_back(name, std::move(*typed));
    } else if (p.distribution == Distribution::kConstant) {
      full.emplace_back(name, p.value);
    }
  }
  const ActivityRules rules(space);
  const std::vector<bool> active = rules.Active(full);
  Config out;
  for (std::size_t i = 0; i < space.parameters.size(); ++i) {
    const ParameterSpec& p = space.parameters[i];
    const std::string name = p.name();
    const auto it = std::find_if(full.begin(), full.end(), [&](const auto& kv) { return kv.first == name; });
    const bool given_here =
        std::any_of(given.begin(), given.end(), [&](const auto& kv) { return kv.first == name; });
    if (!active[i]) {
      if (given_here) return fail(name, "'" + name + "' is inactive with the point's other values");
      continue;
    }
    if (it == full.end()) return fail(name, "'" + name + "' is missing");
    out.push_back(*it);
  }
  return out;
}

Config FlattenPoint(const SearchSpace& space, const ValueMap& nested) {
  Config out;
  FlattenInto(space, "", nested, out);
  return out;
}

}  // namespace sweep
