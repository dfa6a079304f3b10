#include "sweep/review_rows.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "review/run_filter.h"
#include "review/run_sort.h"
#include "sweep/objective.h"
#include "sweep/optimizer_setup.h"

// The Bayesian optimizer may be absent from a build (it arrives as its own
// module); the GP relevance column appears only where it is compiled in.
#if __has_include("optimizers/bayes/bayes_optimizer.h")
#include "optimizers/bayes/bayes_optimizer.h"
#define SWEEP_HAS_GP_RELEVANCE 1
#else
#define SWEEP_HAS_GP_RELEVANCE 0
#endif
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

Result<std::vector<review::RunRow>> ApplyRunQuery(std::vector<review::RunRow> rows, const RunQuery& query) {
  if (!query.filter.empty()) {
    auto filter = review::RunFilter::Parse(query.filter);
    if (!filter.ok()) return Error::InvalidInput("--filter: " + filter.error().message);
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

bool HasGpRelevance() { return SWEEP_HAS_GP_RELEVANCE != 0; }

std::map<std::string, double> GpRelevance(const SweepSpec& spec, const std::vector<RunRecord>& runs) {
  std::map<std::string, double> out;
#if SWEEP_HAS_GP_RELEVANCE
  if (spec.method != SearchMethod::kBayes || spec.metric.name.empty()) return out;
  // The seed only drives proposals; the relevance fit does not depend on it.
  auto relevance = FitParameterRelevance(OptimizerOptionsFor(spec, /*seed=*/0), ToObservations(runs, spec.metric));
  if (!relevance.ok()) return out;
  for (std::size_t i = 0; i < relevance->size() && i < spec.space.parameters.size(); ++i)
    out[spec.space.parameters[i].name()] = (*relevance)[i];
#else
  (void)spec;
  (void)runs;
#endif
  return out;
}

namespace {

report::ReportRun ToReportRun(const RunRecord& run, const MetricSpec& metric) {
  report::ReportRun out;
  out.id = run.id;
  out.number = run.number;
  out.state = run.state;
  out.params = run.params;
  out.objective = ObjectiveOf(run, metric);
  out.failure_reason = run.failure_reason;
  out.created_at = run.created_at;
  out.started_at = run.started_at;
  out.ended_at = run.ended_at;
  out.exit_code = run.exit_code;
  return out;
}

// Ids of the runs whose curve the report draws: the best by objective, then
// every stopped run (early termination is what the curves explain).
std::set<std::string> CurveRunIds(const std::vector<RunRecord>& runs, const MetricSpec& metric) {
  std::vector<std::pair<double, std::string>> ranked;
  for (const auto& run : runs) {
    const auto objective = ObjectiveOf(run, metric);
    if (objective && std::isfinite(*objective)) ranked.emplace_back(*objective, run.id);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
    return metric.goal == Goal::kMinimize ? a.first < b.first : a.first > b.first;
  });
  std::set<std::string> ids;
  for (std::size_t i = 0; i < ranked.size() && i < kReportTopCurves; ++i) ids.insert(ranked[i].second);
  for (const auto& run : runs)
    if (run.state == TrialState::kStopped) ids.insert(run.id);
  return ids;
}

}  // namespace

Result<report::ReportData> BuildReportData(Store& store, const SweepRecord& record, const SweepSpec& spec,
                                           double generated_at) {
  auto runs = store.ListRuns(record.id);
  if (!runs.ok()) return runs.error();
  return BuildReportData(store, record, spec, *runs, generated_at);
}

Result<report::ReportData> BuildReportData(Store& store, const SweepRecord& record, const SweepSpec& spec,
                                           const std::vector<RunRecord>& run_list, double generated_at) {
  const std::vector<RunRecord>* runs = &run_list;
  const MetricSpec metric = MetricOf(record);
  report::ReportData data;
  data.sweep_id = record.id;
  data.sweep_name = record.name;
  data.method = record.method;
  data.metric_name = metric.name;
  data.goal = metric.goal;
  data.space = spec.space;
  data.generated_at = generated_at;
  const std::set<std::string> curve_ids = metric.name.empty() ? std::set<std::string>{} : CurveRunIds(*runs, metric);
  for (const auto& run : *runs) {
    report::ReportRun out = ToReportRun(run, metric);
    if (curve_ids.count(run.id)) {
      auto series = store.GetMetrics(run.id, metric.name);
      if (!series.ok()) return series.error();
      for (const auto& point : *series) out.curve.emplace_back(point.step, point.value);
    }
    data.runs.push_back(std::move(out));
  }
  auto importance = SweepImportance(spec, *runs, metric.name, {});
  if (!importance.ok()) {
    data.importance_note = importance.error().message;
  } else {
    const auto relevance = GpRelevance(spec, *runs);
    for (const auto& p : importance->parameters) {
      const auto it = relevance.find(p.name);
      data.importance.push_back({p.name, p.importance, p.importance_std, p.spearman.value_or(0.0),
                                 it == relevance.end() ? std::nullopt : std::optional<double>(it->second)});
    }
  }
  return data;
}

}  // namespace sweep
