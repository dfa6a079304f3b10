#include "sweep/spec/parameter_parser.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <unordered_set>

#include "sweep/spec/condition_parser.h"
#include "sweep/spec/field_readers.h"
#include "sweep/spec/nearest_key.h"
#include "sweep/spec/yaml_value.h"

namespace sweep::spec {
namespace {

using D = Distribution;

// `condition` is our extension (condition_parser.h).
constexpr std::array<std::string_view, 13> kParameterKeys = {
    "value", "values", "probabilities", "distribution", "min", "max", "mu",
    "sigma", "q",      "a",             "b",            "parameters", "condition"};

// Integers a double holds exactly (2^53): int_uniform draws and grid points
// are computed from bounds held as doubles.
constexpr std::int64_t kMaxExactInteger = std::int64_t{1} << 53;

// Beyond this, exp() of a natural-log bound overflows a double.
const double kMaxLogBound = std::log(std::numeric_limits<double>::max());

enum Key : unsigned {
  kValue = 1u << 0,
  kValues = 1u << 1,
  kProbabilities = 1u << 2,
  kMinMax = 1u << 3,
  kMuSigma = 1u << 4,
  kQ = 1u << 5,
  kAB = 1u << 6,
};

unsigned AllowedKeys(D d) {
  switch (d) {
    case D::kConstant: return kValue;
    case D::kCategorical: return kValues | kProbabilities;
    case D::kIntUniform:
    case D::kUniform:
    case D::kLogUniform:
    case D::kLogUniformValues:
    case D::kInvLogUniform:
    case D::kInvLogUniformValues: return kMinMax;
    case D::kQUniform:
    case D::kQLogUniform:
    case D::kQLogUniformValues: return kMinMax | kQ;
    case D::kNormal:
    case D::kLogNormal: return kMuSigma;
    case D::kQNormal:
    case D::kQLogNormal: return kMuSigma | kQ;
    case D::kBeta: return kAB;
    case D::kQBeta: return kAB | kQ;
  }
  return 0;
}

unsigned KeyBit(std::string_view key) {
  if (key == "value") return kValue;
  if (key == "values") return kValues;
  if (key == "probabilities") return kProbabilities;
  if (key == "min" || key == "max") return kMinMax;
  if (key == "mu" || key == "sigma") return kMuSigma;
  if (key == "q") return kQ;
  if (key == "a" || key == "b") return kAB;
  return 0;
}

bool TakesValuesAsBounds(D d) {
  return d == D::kLogUniformValues || d == D::kInvLogUniformValues || d == D::kQLogUniformValues;
}

bool TakesLogBounds(D d) { return d == D::kLogUniform || d == D::kInvLogUniform || d == D::kQLogUniform; }

std::vector<std::string_view> DistributionNames() {
  std::vector<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(D::kQBeta); ++i) names.push_back(DistributionName(static_cast<D>(i)));
  return names;
}

class BlockParser {
 public:
  BlockParser(SearchSpace& space, DiagnosticList& diagnostics, std::vector<const YamlNode*>* keys)
      : space_(space), d_(diagnostics), keys_(keys) {}

  void Block(const YamlNode& block, const std::vector<std::string>& path, int depth) {
    const std::string where = path.empty() ? "parameters" : "parameter '" + Join(path) + "'";
    if (!block.is_map()) {
      d_.Error(block, where + ": expected a mapping of parameter names, got " + DescribeNode(block));
      return;
    }
    if (block.entries.empty()) {
      d_.Error(block, where + ": needs at least one parameter");
      return;
    }
    for (const auto& [name, entry] : ReadMapEntries(block, d_)) {
      std::vector<std::string> child = path;
      child.push_back(name);
      Parameter(*entry.key, *entry.value, child, depth);
    }
  }

 private:
  static std::string Join(const std::vector<std::string>& path) {
    std::string out;
    for (const auto& p : path) out += (out.empty() ? "" : ".") + p;
    return out;
  }

  void Parameter(const YamlNode& key, const YamlNode& node, const std::vector<std::string>& path, int depth) {
    const std::string name = Join(path);
    const std::string where = "parameter '" + name + "'";
    if (key.text.empty()) {
      d_.Error(key, "parameter names cannot be empty");
      return;
    }
    if (!node.is_map()) {
      d_.Error(node, where + ": expected a mapping with value, values, min/max or distribution, got " +
                         DescribeNode(node));
      return;
    }
    std::vector<std::pair<std::string, MapEntry>> entries = ReadMapEntries(node, d_);
    auto find = [&](std::string_view k) -> const YamlNode* {
      for (const auto& [n, e] : entries)
        if (n == k) return e.value;
      return nullptr;
    };
    bool bad_key = false;
    for (const auto& [k, e] : entries) {
      if (std::find(kParameterKeys.begin(), kParameterKeys.end(), k) == kParameterKeys.end()) {
        d_.Error(*e.key, where + ": " + UnknownKeyMessage("key", k, kParameterKeys));
        bad_key = true;
      }
    }

    if (const YamlNode* nested = find("parameters")) {
      if (entries.size() > 1) {
        d_.Error(key, where + ": a nested `parameters:` block cannot be combined with other keys");
        return;
      }
      if (depth + 1 >= kMaxParameterDepth) {
        d_.Error(*nested, where + ": parameters nested deeper than " + std::to_string(kMaxParameterDepth) +
                              " levels");
        return;
      }
      Block(*nested, path, depth + 1);
      return;
    }

    ParameterSpec p;
    p.path = path;
    const YamlNode* dist_node = find("distribution");
    const YamlNode* value = find("value");
    const YamlNode* values = find("values");
    const YamlNode* min = find("min");
    const YamlNode* max = find("max");
    std::optional<Value> min_v, max_v;
    if (min) min_v = ScalarValueOrNull(*min);
    if (max) max_v = ScalarValueOrNull(*max);

    if (dist_node) {
      auto text = ReadText(*dist_node, where + ": distribution", d_);
      if (!text) return;
      auto dist = ParseDistributionName(*text);
      if (!dist) {
        const auto names = DistributionNames();
        d_.Error(*dist_node, where + ": " + UnknownKeyMessage("distribution", *text, names));
        return;
      }
      p.distribution = *dist;
    } else if (value && values) {
      d_.Error(key, where + ": has both 'value' and 'values'; keep one");
      return;
    } else if (value) {
      p.distribution = D::kConstant;
    } else if (values) {
      p.distribution = D::kCategorical;
    } else if (min && max) {
      p.distribution = min_v && max_v && min_v->is_int() && max_v->is_int() ? D::kIntUniform : D::kUniform;
    } else if (min || max) {
      d_.Error(min ? *min : *max, where + ": '" + std::string(min ? "min" : "max") + "' needs '" +
                                      (min ? "max" : "min") + "' too");
      return;
    } else {
      if (!bad_key) d_.Error(key, where + ": needs 'value', 'values', 'min' and 'max', or 'distribution'");
      return;
    }
    if (bad_key) return;

    const std::string dist_name(DistributionName(p.distribution));
    const unsigned allowed = AllowedKeys(p.distribution);
    bool ok = true;
    for (const auto& [k, e] : entries) {
      const unsigned bit = KeyBit(k);
      if (bit != 0 && (bit & allowed) == 0) {
        d_.Error(*e.key, where + ": '" + k + "' does not apply to distribution " + dist_name);
        ok = false;
      }
    }
    auto require = [&](const YamlNode* n, std::string_view k) {
      if (n) return true;
      d_.Error(dist_node ? *dist_node : key, where + ": distribution " + dist_name + " needs '" + std::string(k) + "'");
      ok = false;
      return false;
    };

    auto number = [&](std::string_view k, double& out) {
      const YamlNode* n = find(k);
      if (!n) return;
      if (auto v = ReadNumber(*n, where + ": " + std::string(k), d_)) out = *v;
      else ok = false;
    };
    auto positive = [&](std::string_view k, double v) {
      const YamlNode* n = find(k);
      if (n && ok && !(v > 0)) {
        d_.Error(*n, where + ": '" + std::string(k) + "' must be positive, got " + n->text);
        ok = false;
      }
    };

    switch (p.distribution) {
      case D::kConstant:
        if (require(value, "value")) p.value = ToValue(*value, d_);
        break;
      case D::kCategorical:
        if (require(values, "values")) Categorical(*values, find("probabilities"), where, p, ok);
        break;
      default:
        break;
    }
    if (allowed & kMinMax) {
      require(min, "min");
      require(max, "max");
      if (!ok) return;
      number("min", p.min);
      number("max", p.max);
      if (!ok) return;
      p.integer_bounds = min_v->is_int() && max_v->is_int();
      auto exact = [&](const YamlNode& bound, const Value& v) {
        if (!v.is_int() || (v.as_int() >= -kMaxExactInteger && v.as_int() <= kMaxExactInteger)) return;
        d_.Error(bound, where + ": integer bounds must lie within +-" + std::to_string(kMaxExactInteger) +
                            " (bounds are kept as doubles, exact only that far), got " + bound.text);
        ok = false;
      };
      exact(*min, *min_v);
      exact(*max, *max_v);
      if (p.distribution == D::kIntUniform && !p.integer_bounds) {
        const YamlNode& bad = min_v->is_int() ? *max : *min;
        d_.Error(bad, where + ": int_uniform needs integer bounds, got " + bad.text);
        ok = false;
      }
      if (ok && !(p.min < p.max)) {
        d_.Error(*min, where + ": min (" + min->text + ") must be less than max (" + max->text + ")");
        ok = false;
      }
      if (ok && TakesValuesAsBounds(p.distribution) && !(p.min > 0)) {
        d_.Error(*min, where + ": " + dist_name + " takes the values themselves as bounds, so min must be positive, got " +
                           min->text);
        ok = false;
      }
      if (ok && TakesLogBounds(p.distribution) && (std::abs(p.min) > kMaxLogBound || std::abs(p.max) > kMaxLogBound)) {
        const YamlNode& bad = std::abs(p.min) > kMaxLogBound ? *min : *max;
        d_.Error(bad, where + ": " + dist_name + " bounds are natural-log exponents; exp(" + bad.text +
                          ") is outside the double range (did you mean " + dist_name + "_values?)");
        ok = false;
      }
    }
    if (allowed & kMuSigma) {
      number("mu", p.mu);
      number("sigma", p.sigma);
      positive("sigma", p.sigma);
    }
    if (allowed & kAB) {
      number("a", p.a);
      number("b", p.b);
      positive("a", p.a);
      positive("b", p.b);
    }
    if (allowed & kQ) {
      number("q", p.q);
      positive("q", p.q);
      // W&B's schema fills q: 1.0 (a float) when q is absent.
      const YamlNode* q = find("q");
      const std::optional<Value> q_value = q ? ScalarValueOrNull(*q) : std::nullopt;
      p.integer_q = q_value && q_value->is_int();
    }
    const YamlNode* condition = find("condition");
    if (condition) p.conditions = ReadCondition(*condition, where, d_, ok);
    if (!ok) return;
    const std::string full = p.name();
    if (!names_.insert(full).second) {
      d_.Error(key, where + ": defined twice (nested names are joined with '.')");
      return;
    }
    space_.parameters.push_back(std::move(p));
    if (keys_) keys_->push_back(&key);
    condition_nodes_.push_back(condition);
  }

 public:
  // Each parsed parameter's `condition:` node (or nullptr), parallel to the space.
  const std::vector<const YamlNode*>& condition_nodes() const { return condition_nodes_; }

 private:

  void Categorical(const YamlNode& values, const YamlNode* probabilities, const std::string& where, ParameterSpec& p,
                   bool& ok) {
    if (!values.is_sequence()) {
      d_.Error(values, where + ": values: expected a list, got " + DescribeNode(values));
      ok = false;
      return;
    }
    if (values.items.empty()) {
      d_.Error(values, where + ": values: the list is empty");
      ok = false;
      return;
    }
    for (const auto& item : values.items) p.values.push_back(ToValue(*item, d_));
    if (!probabilities) return;
    if (!probabilities->is_sequence()) {
      d_.Error(*probabilities, where + ": probabilities: expected a list, got " + DescribeNode(*probabilities));
      ok = false;
      return;
    }
    if (probabilities->items.size() != values.items.size()) {
      d_.Error(*probabilities, where + ": probabilities: has " + std::to_string(probabilities->items.size()) +
                                   " entries but values has " + std::to_string(values.items.size()));
      ok = false;
      return;
    }
    double sum = 0;
    for (const auto& item : probabilities->items) {
      auto v = ReadNumber(*item, where + ": probabilities", d_);
      if (!v) {
        ok = false;
        continue;
      }
      if (*v < 0 || *v > 1) {
        d_.Error(*item, where + ": probabilities: each must be between 0 and 1, got " + item->text);
        ok = false;
      }
      sum += *v;
      p.probabilities.push_back(*v);
    }
    if (ok && std::abs(sum - 1) > kProbabilitySumTolerance) {
      d_.Error(*probabilities, where + ": probabilities: must sum to 1, sum to " + FormatPythonFloat(sum));
      ok = false;
    }
  }

  static std::optional<Value> ScalarValueOrNull(const YamlNode& n) {
    auto v = ScalarValue(n);
    if (!v.ok()) return std::nullopt;
    return std::move(v).value();
  }

  SearchSpace& space_;
  DiagnosticList& d_;
  std::vector<const YamlNode*>* keys_;
  std::unordered_set<std::string> names_;
  std::vector<const YamlNode*> condition_nodes_;
};

}  // namespace

SearchSpace ParseParameters(const YamlNode& block, DiagnosticList& diagnostics,
                            std::vector<const YamlNode*>* keys) {
  SearchSpace space;
  BlockParser parser(space, diagnostics, keys);
  parser.Block(block, {}, 0);
  CheckConditions(space, parser.condition_nodes(), diagnostics);
  return space;
}

}  // namespace sweep::spec
