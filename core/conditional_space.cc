#include "core/conditional_space.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <utility>

namespace sweep {
namespace {

// The index of the parameter named `name`, or nullopt.
std::optional<std::size_t> IndexOf(const SearchSpace& space, const std::string& name) {
  for (std::size_t i = 0; i < space.parameters.size(); ++i) {
    if (space.parameters[i].name() == name) return i;
  }
  return std::nullopt;
}

std::string Quoted(const Value& v) { return v.is_string() ? "'" + v.as_string() + "'" : FormatPythonArg(v); }

}  // namespace

bool HasConditions(const SearchSpace& space) {
  return std::any_of(space.parameters.begin(), space.parameters.end(),
                     [](const ParameterSpec& p) { return !p.conditions.empty(); });
}

std::optional<std::string> ConditionParentProblem(const ParameterSpec& parent) {
  switch (parent.distribution) {
    case Distribution::kConstant:
    case Distribution::kCategorical:
    case Distribution::kIntUniform:
      return std::nullopt;
    default:
      return "'" + parent.name() + "' is " + std::string(DistributionName(parent.distribution)) +
             "; a condition's parent must have a value, values or int_uniform bounds";
  }
}

bool ParentCanTake(const ParameterSpec& parent, const Value& v) {
  switch (parent.distribution) {
    case Distribution::kConstant:
      return parent.value == v;
    case Distribution::kCategorical:
      return std::find(parent.values.begin(), parent.values.end(), v) != parent.values.end();
    case Distribution::kIntUniform:
      return v.is_int() && static_cast<double>(v.as_int()) >= parent.min &&
             static_cast<double>(v.as_int()) <= parent.max;
    default:
      return false;
  }
}

std::vector<std::size_t> ConditionCycle(const SearchSpace& space) {
  const std::size_t n = space.parameters.size();
  std::vector<std::vector<std::size_t>> parents(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (const ParameterCondition& c : space.parameters[i].conditions) {
      if (auto p = IndexOf(space, c.parent)) parents[i].push_back(*p);
    }
  }
  enum class Mark { kNew, kOnPath, kDone };
  std::vector<Mark> mark(n, Mark::kNew);
  // Iterative depth-first walk from child to parent; `path` is the chain
  // being followed, with the next parent to visit of each.
  for (std::size_t start = 0; start < n; ++start) {
    if (mark[start] != Mark::kNew) continue;
    std::vector<std::pair<std::size_t, std::size_t>> path{{start, 0}};
    mark[start] = Mark::kOnPath;
    while (!path.empty()) {
      auto& [node, next] = path.back();
      if (next == parents[node].size()) {
        mark[node] = Mark::kDone;
        path.pop_back();
        continue;
      }
      const std::size_t parent = parents[node][next++];
      if (mark[parent] == Mark::kOnPath) {
        std::vector<std::size_t> cycle;
        auto from = std::find_if(path.begin(), path.end(), [&](const auto& e) { return e.first == parent; });
        for (auto it = from; it != path.end(); ++it) cycle.push_back(it->first);
        return cycle;
      }
      if (mark[parent] == Mark::kNew) {
        mark[parent] = Mark::kOnPath;
        path.emplace_back(parent, 0);
      }
    }
  }
  return {};
}

std::optional<std::string> ConditionProblem(const SearchSpace& space) {
  std::string problems;
  auto add = [&](const std::string& text) { problems += (problems.empty() ? "" : "; ") + text; };
  for (const ParameterSpec& p : space.parameters) {
    for (const ParameterCondition& c : p.conditions) {
      const std::string where = "parameter '" + p.name() + "': condition on '" + c.parent + "'";
      const ParameterSpec* parent = space.find(c.parent);
      if (parent == nullptr) {
        add(where + ": no such parameter");
        continue;
      }
      if (auto why = ConditionParentProblem(*parent)) {
        add(where + ": " + *why);
        continue;
      }
      if (c.allowed.empty()) add(where + ": lists no value");
      for (const Value& v : c.allowed) {
        if (!ParentCanTake(*parent, v)) add(where + ": " + Quoted(v) + " is not a value of '" + c.parent + "'");
      }
    }
  }
  const std::vector<std::size_t> cycle = ConditionCycle(space);
  if (!cycle.empty()) {
    std::string chain;
    for (std::size_t i : cycle) chain += "'" + space.parameters[i].name() + "' -> ";
    add("conditions form a cycle: " + chain + "'" + space.parameters[cycle.front()].name() + "'");
  }
  if (problems.empty()) return std::nullopt;
  return problems;
}

ActivityRules::ActivityRules(const SearchSpace& space) {
  const std::size_t n = space.parameters.size();
  rules_.resize(n);
  names_.reserve(n);
  std::vector<int> unresolved(n, 0);
  std::vector<std::vector<std::size_t>> children(n);
  std::vector<bool> blocked(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    const ParameterSpec& p = space.parameters[i];
    names_.push_back(p.name());
    for (const ParameterCondition& c : p.conditions) {
      conditional_ = true;
      const std::optional<std::size_t> parent = IndexOf(space, c.parent);
      if (!parent) {
        blocked[i] = true;
        continue;
      }
      rules_[i].push_back({*parent, c.allowed});
      children[*parent].push_back(i);
      ++unresolved[i];
    }
  }
  // Kahn's order, lowest index first: parents precede their children;
  // parameters on a cycle (or below an unknown parent) never get in.
  std::deque<std::size_t> ready;
  for (std::size_t i = 0; i < n; ++i) {
    if (unresolved[i] == 0 && !blocked[i]) ready.push_back(i);
  }
  while (!ready.empty()) {
    const std::size_t i = ready.front();
    ready.pop_front();
    order_.push_back(i);
    for (std::size_t child : children[i]) {
      if (--unresolved[child] == 0 && !blocked[child]) ready.push_back(child);
    }
  }
}

std::vector<bool> ActivityRules::Active(const std::vector<const Value*>& values) const {
  std::vector<bool> active(rules_.size(), false);
  for (std::size_t i : order_) {
    bool on = true;
    for (const Rule& rule : rules_[i]) {
      const Value* v = rule.parent < values.size() ? values[rule.parent] : nullptr;
      on = on && active[rule.parent] && v != nullptr &&
           std::find(rule.allowed.begin(), rule.allowed.end(), *v) != rule.allowed.end();
    }
    active[i] = on;
  }
  return active;
}

std::vector<bool> ActivityRules::Active(const Config& config) const {
  std::vector<const Value*> values(names_.size(), nullptr);
  for (std::size_t i = 0; i < names_.size(); ++i) {
    for (const auto& [name, value] : config) {
      if (name == names_[i]) {
        values[i] = &value;
        break;
      }
    }
  }
  return Active(values);
}

Config ActivityRules::DropInactive(Config full) const {
  if (!conditional_) return full;
  const std::vector<bool> active = Active(full);
  Config out;
  out.reserve(full.size());
  for (auto& entry : full) {
    const auto it = std::find(names_.begin(), names_.end(), entry.first);
    if (it == names_.end() || active[static_cast<std::size_t>(it - names_.begin())]) out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace sweep
