#include "review/group_runs.h"

#include <cmath>
#include <limits>

#include "core/value_json.h"

namespace sweep::review {

std::vector<RunGroup> GroupRuns(const std::vector<RunRow>& rows, const std::vector<std::string>& group_by) {
  std::vector<RunGroup> groups;
  std::vector<std::map<std::string, std::vector<double>>> values;
  std::map<std::string, std::size_t> index;  // JSON of the key values -> group
  for (const RunRow& row : rows) {
    Config key;
    ValueList key_values;
    for (const std::string& name : group_by) {
      const Value* v = FindParam(row, name);
      key.emplace_back(name, v != nullptr ? *v : Value());
      key_values.push_back(key.back().second);
    }
    auto [it, inserted] = index.emplace(ToJson(Value(std::move(key_values))), groups.size());
    if (inserted) {
      groups.push_back(RunGroup{std::move(key), {}, {}});
      values.emplace_back();
    }
    groups[it->second].run_ids.push_back(row.id);
    for (const auto& [metric, value] : row.metrics) {
      if (std::isfinite(value)) values[it->second][metric].push_back(value);
    }
  }
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (const auto& [metric, xs] : values[g]) {
      MetricSummary s;
      s.n = static_cast<int>(xs.size());
      for (double x : xs) s.mean += x;
      s.mean /= s.n;
      if (s.n < 2) {
        s.std = std::numeric_limits<double>::quiet_NaN();
      } else {
        double ss = 0;
        for (double x : xs) ss += (x - s.mean) * (x - s.mean);
        s.std = std::sqrt(ss / (s.n - 1));
      }
      groups[g].metrics[metric] = s;
    }
  }
  return groups;
}

}  // namespace sweep::review
