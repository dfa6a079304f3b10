#include "dashboard/server/api_json.h"

#include <cmath>

#include "core/goal_name.h"
#include "sweep/objective.h"
#include "sweep/record_json.h"

namespace sweep::dashboard {
namespace {

Json TimeJson(double t) { return t > 0 ? Json(t) : Json(nullptr); }


}  // namespace

Json NumberJson(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}

Json ArtifactVersionJson(const ArtifactVersion& v, const std::vector<ModelVersion>& models) {
  Json registered = Json::array();
  for (const ModelVersion& m : models) {
    registered.push_back({{"model", m.model},
                          {"version", m.version},
                          {"stage", std::string(ModelStageName(m.stage))},
                          {"aliases", m.aliases}});
  }
  return {{"id", v.id},          {"project", v.project},     {"name", v.name},
          {"version", v.version}, {"ref", ArtifactRef(v)},    {"type", v.type},
          {"size", v.size},       {"digest", v.digest},       {"aliases", v.aliases},
          {"created", TimeJson(v.created_at)}, {"producer", v.producer_run}, {"models", registered}};
}

Json ValueJson(const Value& v) {
  if (v.is_null()) return nullptr;
  if (v.is_bool()) return v.as_bool();
  if (v.is_int()) return v.as_int();
  if (v.is_number()) return NumberJson(v.as_number());
  if (v.is_string()) return v.as_string();
  if (v.is_list()) {
    Json out = Json::array();
    for (const Value& item : v.as_list()) out.push_back(ValueJson(item));
    return out;
  }
  Json out = Json::object();
  for (const auto& [key, item] : v.as_map()) out[key] = ValueJson(item);
  return out;
}

std::string DumpJson(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json SweepSummaryJson(const SweepRecord& sweep, const std::vector<RunRecord>& runs) {
  Json counts = Json::object();
  for (const RunRecord& run : runs) {
    auto& n = counts[std::string(TrialStateName(run.state))];
    n = n.is_null() ? 1 : n.get<int>() + 1;
  }
  Json best = nullptr;
  if (const RunRecord* b = BestRun(runs, MetricOf(sweep))) {
    best = {{"value", NumberJson(*ObjectiveOf(*b, MetricOf(sweep)))}, {"run", b->id}, {"number", b->number}};
  }
  return {{"id", sweep.id},           {"name", sweep.name},
          {"project", sweep.project},
          {"method", sweep.method},   {"state", std::string(SweepStateName(sweep.state))},
          {"metric", sweep.metric_name}, {"goal", std::string(GoalName(sweep.goal))},
          {"created", TimeJson(sweep.created_at)}, {"updated", TimeJson(sweep.updated_at)},
          {"counts", counts},         {"runs", runs.size()},
          {"best", best}};
}

Json SweepDetailJson(const SweepRecord& sweep, const SweepSpec* spec) {
  Json out = SweepSummaryJson(sweep, {});
  out.erase("counts");
  out.erase("runs");
  out.erase("best");
  out["seed"] = std::to_string(sweep.seed);
  out["spec_text"] = sweep.spec_text;
  out["spec_path"] = sweep.spec_path;
  out["description"] = spec ? spec->description : "";
  return out;
}

Json ParamsJson(const SweepSpec& spec) {
  Json out = Json::array();
  for (const ParameterSpec& p : spec.space.parameters) {
    Json param = {{"name", p.name()},
                  {"dist", std::string(DistributionName(p.distribution))},
                  {"log", IsLogScale(p.distribution)},
                  {"constant", p.distribution == Distribution::kConstant}};
    if (p.distribution == Distribution::kCategorical) {
      Json values = Json::array();
      for (const Value& v : p.values) values.push_back(ValueJson(v));
      param["values"] = values;
    }
    out.push_back(param);
  }
  return out;
}

Json RunRowJson(const RunRecord& run, const MetricSpec& metric) {
  Json params = Json::object();
  for (const auto& [name, value] : run.params) params[name] = ValueJson(value);
  Json metrics = Json::object();
  for (const auto& [key, summary] : WithReportedSummary(run)) metrics[key] = NumberJson(summary.last);
  Json tags = Json::object();
  for (const auto& [key, value] : run.tags) tags[key] = value;
  const auto objective = ObjectiveOf(run, metric);
  return {{"id", run.id},
          {"n", run.number},
          {"state", std::string(TrialStateName(run.state))},
          {"obj", objective ? NumberJson(*objective) : Json(nullptr)},
          {"created", TimeJson(run.created_at)},
          {"started", TimeJson(run.started_at)},
          {"ended", TimeJson(run.ended_at)},
          {"exit", run.exit_code ? Json(*run.exit_code) : Json(nullptr)},
          {"signal", run.signal ? Json(*run.signal) : Json(nullptr)},
          {"reason", run.failure_reason},
          {"host", run.host},
          {"params", params},
          {"m", metrics},
          {"tags", tags},
          {"name", run.name},
          {"labels", run.labels}};
}

Json RunDetailJson(const RunRecord& run, const SweepRecord* sweep) {
  const MetricSpec metric = sweep ? MetricOf(*sweep) : MetricSpec{};
  Json out = RunRowJson(run, metric);
  out["sweep"] = run.sweep_id;
  out["sweep_name"] = sweep ? sweep->name : "";
  out["project"] = sweep ? sweep->project : "";
  out["notes"] = run.notes;
  out["argv"] = run.argv;
  out["agent"] = run.agent_id;
  out["pid"] = run.pid;
  out["run_dir"] = run.run_dir;
  out["metric"] = metric.name;
  out["goal"] = std::string(GoalName(metric.goal));
  Json summary = Json::object();
  for (const auto& [key, s] : WithReportedSummary(run)) {
    summary[key] = {{"last", NumberJson(s.last)}, {"min", NumberJson(s.min)}, {"max", NumberJson(s.max)},
                    {"step", s.last_step},        {"count", s.count}};
  }
  out["summary"] = summary;
  return out;
}

Json ImportanceJson(const Result<review::ImportanceReport>& report, const std::map<std::string, double>& gp) {
  Json out = {{"rows", Json::array()}, {"note", ""}, {"runs_used", 0}};
  if (!report.ok()) {
    out["note"] = report.error().message;
    return out;
  }
  out["runs_used"] = report->runs_used;
  for (const auto& p : report->parameters) {
    const auto it = gp.find(p.name);
    out["rows"].push_back({{"p", p.name},
                           {"imp", NumberJson(p.importance)},
                           {"std", NumberJson(p.importance_std)},
                           {"rho", p.spearman ? NumberJson(*p.spearman) : Json(nullptr)},
                           {"gp", it == gp.end() ? Json(nullptr) : NumberJson(it->second)}});
  }
  return out;
}

}  // namespace sweep::dashboard
