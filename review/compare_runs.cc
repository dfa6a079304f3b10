#include "review/compare_runs.h"

#include <algorithm>
#include <set>

namespace sweep::review {
namespace {

bool AllEqual(const std::vector<std::optional<Value>>& values) {
  return std::all_of(values.begin(), values.end(),
                     [&](const std::optional<Value>& v) { return v.has_value() && *v == *values.front(); });
}

}  // namespace

Result<RunComparison> CompareRuns(const std::vector<RunRow>& rows, const std::vector<Environment>& environments) {
  if (rows.empty()) return Error::InvalidInput("compare needs at least one run");
  if (!environments.empty() && environments.size() != rows.size()) {
    return Error::InvalidInput("compare got " + std::to_string(environments.size()) + " environments for " +
                               std::to_string(rows.size()) + " runs");
  }
  RunComparison out;
  for (const RunRow& row : rows) out.run_ids.push_back(row.id);

  std::vector<std::string> param_names;
  for (const RunRow& row : rows) {
    for (const auto& [name, value] : row.params) {
      if (std::find(param_names.begin(), param_names.end(), name) == param_names.end()) param_names.push_back(name);
    }
  }
  for (const std::string& name : param_names) {
    ComparedValues c{name, {}};
    for (const RunRow& row : rows) {
      const Value* v = FindParam(row, name);
      c.values.push_back(v != nullptr ? std::optional<Value>(*v) : std::nullopt);
    }
    if (AllEqual(c.values)) {
      out.common_params.emplace_back(name, *c.values.front());
    } else {
      out.differing_params.push_back(std::move(c));
    }
  }

  std::set<std::string> env_keys;
  for (const Environment& env : environments) {
    for (const auto& [key, value] : env) env_keys.insert(key);
  }
  for (const std::string& key : env_keys) {
    ComparedValues c{key, {}};
    for (const Environment& env : environments) {
      auto it = env.find(key);
      c.values.push_back(it != env.end() ? std::optional<Value>(it->second) : std::nullopt);
    }
    if (!AllEqual(c.values)) out.differing_environment.push_back(std::move(c));
  }

  std::set<std::string> metric_names;
  for (const RunRow& row : rows) {
    for (const auto& [name, value] : row.metrics) metric_names.insert(name);
  }
  for (const std::string& name : metric_names) {
    ComparedMetric m{name, {}};
    for (const RunRow& row : rows) m.values.push_back(FindMetric(row, name));
    out.metrics.push_back(std::move(m));
  }
  return out;
}

}  // namespace sweep::review
