#include "sweep/review_rows.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "optimizers/bayes/bayes_optimizer.h"
#include "review/run_filter.h"
#include "review/run_sort.h"
#include "sweep/objective.h"
#include "sweep/optimizer_setup.h"
#include "sweep/run_outcome.h"
#include "sweep/spec/nearest_key.h"
#include "sweep/record_json.h"

namespace sweep {

bool HasPrefix(const std::string& key, const char* prefix) { return key.rfind(prefix, 0) == 0; }

review::RunRow ToRunRow(const RunRecord& run) {
  review::RunRow row;
  row.id = run.id;
  row.number = run.number;
  row.state = run.state;
  row.params = run.params;
  for (const auto& [key, summary] : WithReportedSummary(run)) row.metrics[key] = summary.last;
  // The store writes 0 for "not reached"; review wants "unknown".
  auto known = [](double t) { return t > 0 ? std::optional<double>(t) : std::nullopt; };
  row.created_at = known(run.created_at);
  row.started_at = known(run.started_at);
  row.ended_at = known(run.ended_at);
  row.exit_code = run.exit_code;
  row.name = run.name;
  row.labels = run.labels;
  row.reason = FailureHeadline(run.failure_reason);
  return row;
}

std::vector<review::RunRow> ToRunRows(const std::vector<RunRecord>& runs) {
  std::vector<review::RunRow> rows;
  rows.reserve(runs.size());
  for (const auto& run : runs) rows.push_back(ToRunRow(run));
  return rows;
}

review::Environment EnvironmentOf(const RunRecord& run) {
  review::Environment env;
  for (const auto& [key, value] : run.tags)
    if (HasPrefix(key, kEnvTagPrefix) || HasPrefix(key, kGpuTagPrefix)) env[key] = value;
  return env;
}

namespace {

// A metric or parameter no run has is a typo, not an empty result: an error
// naming what the runs do have, with the nearest as a suggestion.
Status CheckFieldsExist(const std::vector<review::RunRow>& rows, const std::vector<review::RunField>& fields,
                        const char* flag) {
  if (rows.empty()) return OkStatus();  // nothing to compare against
  std::set<std::string> metrics, params;
  for (const auto& row : rows) {
    for (const auto& [name, value] : row.metrics) metrics.insert(name);
    for (const auto& [name, value] : row.params) params.insert(name);
  }
  for (const auto& field : fields) {
    const bool metric = field.kind == review::RunField::Kind::kMetric;
    if (!metric && field.kind != review::RunField::Kind::kParam) continue;
    const review::RunRow* with_it = nullptr;
    for (const auto& row : rows) {
      if (metric ? review::FindMetric(row, field.name).has_value() : review::FindParam(row, field.name) != nullptr) {
        with_it = &row;
        break;
      }
    }
    if (with_it != nullptr) continue;
    const auto& known = metric ? metrics : params;
    std::vector<std::string_view> names(known.begin(), known.end());
    std::string message = std::string(flag) + ": no run has the " + (metric ? "metric '" : "parameter '") +
                          field.name + "'";
    if (auto nearest = spec::NearestKey(field.name, names)) {
      message += "; did you mean '" + std::string(metric ? "metric." : "param.") + *nearest + "'?";
    } else if (!known.empty()) {
      std::string list;
      for (const auto& name : known) list += (list.empty() ? "" : ", ") + name;
      message += " (the runs have: " + list + ")";
    }
    return Error::InvalidInput(message);
  }
  return OkStatus();
}

}  // namespace

Result<std::vector<review::RunRow>> ApplyRunQuery(std::vector<review::RunRow> rows, const RunQuery& query) {
  if (!query.sort.empty()) {
    auto sort = review::RunSort::Parse(query.sort);
    if (!sort.ok()) return Error::InvalidInput("--sort: " + sort.error().message);
    std::vector<review::RunField> fields;
    for (const auto& key : sort->keys()) fields.push_back(key.field);
    if (auto status = CheckFieldsExist(rows, fields, "--sort"); !status.ok()) return status.error();
  }
  if (!query.filter.empty()) {
    auto filter = review::RunFilter::Parse(query.filter);
    if (!filter.ok()) return Error::InvalidInput("--filter: " + filter.error().message);
    if (auto status = CheckFieldsExist(rows, filter->Fields(), "--filter"); !status.ok()) return status.error();
    std::erase_if(rows, [&](const review::RunRow& row) { return !filter->Matches(row); });
  }
  if (!query.sort.empty()) {
    auto sort = review::RunSort::Parse(query.sort);
    if (!sort.ok()) return Error::InvalidInput("--sort: " + sort.error().message);
    sort->Sort(rows);
  }
  if (query.limit && rows.size() > *query.limit) rows.resize(*query.limit);
  return rows;
}

Result<review::ImportanceReport> SweepImportance(const SweepSpec& spec, const std::vector<RunRecord>& runs,
                                                 const std::string& metric, const review::ImportanceOptions& options) {
  const std::string name = metric.empty() ? spec.metric.name : metric;
  if (name.empty()) return Error::InvalidInput("the sweep spec has no metric; pass --metric NAME");
  return review::ComputeImportance(spec.space, ToRunRows(runs), name, spec.metric.goal, options);
}

std::map<std::string, double> GpRelevance(const SweepSpec& spec, const std::vector<RunRecord>& runs) {
  std::map<std::string, double> out;
  if (spec.method != SearchMethod::kBayes || spec.metric.name.empty()) return out;
  // The seed only drives proposals; the relevance fit does not depend on it.
  auto relevance = FitParameterRelevance(OptimizerOptionsFor(spec, /*seed=*/0), ToObservations(runs, spec.metric));
  if (!relevance.ok()) return out;
  for (std::size_t i = 0; i < relevance->size() && i < spec.space.parameters.size(); ++i)
    out[spec.space.parameters[i].name()] = (*relevance)[i];
  return out;
}

}  // namespace sweep
