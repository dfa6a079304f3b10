#include "review/conditional_importance.h"

#include <algorithm>
#include <utility>

#include "core/conditional_space.h"

namespace sweep::review {
namespace {

std::string ValueText(const Value& v) { return FormatPythonArg(v); }

}  // namespace

std::string DescribeConditions(const ParameterSpec& p) {
  std::string out;
  for (const ParameterCondition& c : p.conditions) {
    if (!out.empty()) out += " and ";
    out += c.parent;
    if (c.allowed.size() == 1) {
      out += " = " + ValueText(c.allowed.front());
      continue;
    }
    out += " in [";
    for (std::size_t i = 0; i < c.allowed.size(); ++i) out += (i ? ", " : "") + ValueText(c.allowed[i]);
    out += "]";
  }
  return out;
}

Result<ImportanceReport> ComputeConditionalImportance(const SearchSpace& space, const std::vector<RunRow>& rows,
                                                      const std::string& metric, Goal goal,
                                                      const ImportanceOptions& options) {
  SearchSpace unconditional;
  std::vector<const ParameterSpec*> conditional;
  for (const ParameterSpec& p : space.parameters) {
    if (p.conditions.empty()) unconditional.parameters.push_back(p);
    else if (p.distribution != Distribution::kConstant) conditional.push_back(&p);
  }
  Result<ImportanceReport> report = ComputeImportance(unconditional, rows, metric, goal, options);
  if (!report.ok()) return report;
  const ActivityRules rules(space);
  for (const ParameterSpec* p : conditional) {
    const std::string name = p->name();
    const std::size_t index = static_cast<std::size_t>(p - space.parameters.data());
    std::vector<RunRow> active_rows;
    for (const RunRow& row : rows) {
      if (FindParam(row, name) != nullptr && rules.Active(row.params)[index]) active_rows.push_back(row);
    }
    SearchSpace with_it = unconditional;
    ParameterSpec alone = *p;
    alone.conditions.clear();
    with_it.parameters.push_back(std::move(alone));
    Result<ImportanceReport> sub = ComputeImportance(with_it, active_rows, metric, goal, options);
    if (!sub.ok()) {
      report->unrated_conditional.push_back(name);
      continue;
    }
    for (ParameterImportance& pi : sub->parameters) {
      if (pi.name != name) continue;
      pi.active_runs = sub->runs_used;
      pi.condition = DescribeConditions(*p);
      report->parameters.push_back(std::move(pi));
    }
  }
  // The unconditional ones keep their order (most important first); the
  // conditional ones follow, by their own shares.
  std::stable_sort(report->parameters.begin(), report->parameters.end(),
                   [](const ParameterImportance& a, const ParameterImportance& b) {
                     if (a.active_runs.has_value() != b.active_runs.has_value()) return !a.active_runs.has_value();
                     return a.importance > b.importance;
                   });
  return report;
}

}  // namespace sweep::review
