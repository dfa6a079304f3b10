#include "review/report/report_json.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/value.h"

namespace sweep::report {
namespace {

using nlohmann::json;

// Timestamps to the millisecond and durations to the centisecond: enough for a
// table, and it keeps 10,000 rows short.
constexpr double kTimeResolution = 1e3;
constexpr double kDurationResolution = 1e2;

double RoundTo(double x, double resolution) { return std::round(x * resolution) / resolution; }

json NumberOrToken(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}

std::string CategoryLabel(const Value& v) {
  return v.is_string() ? v.as_string() : FormatPythonArg(v);
}

// How one parameter's values are encoded on its axis.
struct Axis {
  std::string name;
  const ParameterSpec* spec = nullptr;  // null when only seen in runs
  bool categorical = false;
  bool log = false;
  std::vector<std::string> categories;
  std::size_t Index(const std::string& label) {
    auto it = std::find(categories.begin(), categories.end(), label);
    if (it != categories.end()) return static_cast<std::size_t>(it - categories.begin());
    categories.push_back(label);
    return categories.size() - 1;
  }
};

const Value* FindParam(const Config& config, const std::string& name) {
  for (const auto& [key, value] : config) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::vector<Axis> BuildAxes(const ReportData& data) {
  std::vector<Axis> axes;
  for (const ParameterSpec& p : data.space.parameters) {
    Axis axis;
    axis.name = p.name();
    axis.spec = &p;
    axis.categorical = p.distribution == Distribution::kCategorical ||
                       p.distribution == Distribution::kConstant;
    axis.log = IsLogScale(p.distribution);
    if (p.distribution == Distribution::kCategorical) {
      for (const Value& v : p.values) axis.Index(CategoryLabel(v));
    } else if (p.distribution == Distribution::kConstant) {
      axis.Index(CategoryLabel(p.value));
    }
    axes.push_back(std::move(axis));
  }
  // A value of the wrong kind (a string in a numeric parameter) or a
  // non-positive value on a log axis would break the axis: degrade it.
  for (Axis& axis : axes) {
    for (const ReportRun& run : data.runs) {
      const Value* v = FindParam(run.params, axis.name);
      if (v == nullptr || v->is_null()) continue;
      if (!axis.categorical && !v->is_number()) axis.categorical = true;
      if (axis.log && v->is_number() && !(v->as_number() > 0)) axis.log = false;
    }
    if (axis.categorical) axis.log = false;
  }
  return axes;
}

json EncodeValue(Axis& axis, const Value* v) {
  if (v == nullptr || v->is_null()) return nullptr;
  if (axis.categorical) return axis.Index(CategoryLabel(*v));
  const double x = v->as_number();
  if (!std::isfinite(x)) return nullptr;
  return x;
}

json EncodeCurve(const ReportRun& run) {
  json steps = json::array(), values = json::array();
  const std::size_t n = run.curve.size();
  const std::size_t stride = (n + kMaxCurvePoints - 1) / kMaxCurvePoints;
  for (std::size_t i = 0; i < n; i += std::max<std::size_t>(stride, 1)) {
    if (!std::isfinite(run.curve[i].second)) continue;
    steps.push_back(run.curve[i].first);
    values.push_back(run.curve[i].second);
  }
  // Keep the last point: for a stopped run it is where the rule cut.
  if (stride > 1 && (n - 1) % stride != 0 && std::isfinite(run.curve.back().second)) {
    steps.push_back(run.curve.back().first);
    values.push_back(run.curve.back().second);
  }
  return json{{"n", run.number}, {"id", run.id}, {"stopped", run.state == TrialState::kStopped},
              {"s", std::move(steps)}, {"v", std::move(values)}};
}

json BuildCurves(const ReportData& data) {
  std::vector<const ReportRun*> ranked;
  for (const ReportRun& r : data.runs) {
    if (!r.curve.empty() && r.objective && std::isfinite(*r.objective)) ranked.push_back(&r);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [&](const ReportRun* a, const ReportRun* b) {
    return IsBetter(data.goal, *a->objective, *b->objective);
  });
  if (ranked.size() > kTopCurveRuns) ranked.resize(kTopCurveRuns);
  std::vector<const ReportRun*> chosen = ranked;
  std::size_t stopped = 0;
  for (const ReportRun& r : data.runs) {
    if (stopped >= kMaxStoppedCurves) break;
    if (r.state != TrialState::kStopped || r.curve.empty()) continue;
    if (std::find(chosen.begin(), chosen.end(), &r) != chosen.end()) continue;
    chosen.push_back(&r);
    ++stopped;
  }
  json curves = json::array();
  for (const ReportRun* r : chosen) curves.push_back(EncodeCurve(*r));
  return curves;
}

}  // namespace


std::string BuildReportJson(const ReportData& data) {
  std::vector<Axis> axes = BuildAxes(data);

  json runs = json::array();
  for (const ReportRun& r : data.runs) {
    json values = json::array();
    for (Axis& axis : axes) values.push_back(EncodeValue(axis, FindParam(r.params, axis.name)));
    const bool has_duration = r.started_at > 0 && r.ended_at >= r.started_at;
    runs.push_back(json::array({
        r.number, r.id, std::string(TrialStateName(r.state)),
        r.objective ? NumberOrToken(*r.objective) : json(nullptr),
        RoundTo(r.created_at, kTimeResolution),
        has_duration ? json(RoundTo(r.ended_at - r.started_at, kDurationResolution)) : json(nullptr),
        r.exit_code ? json(*r.exit_code) : json(nullptr), r.failure_reason, std::move(values)}));
  }

  json params = json::array();
  for (const Axis& axis : axes) {
    params.push_back({{"name", axis.name},
                      {"dist", axis.spec ? std::string(DistributionName(axis.spec->distribution)) : ""},
                      {"log", axis.log},
                      {"cat", axis.categorical},
                      {"cats", axis.categories}});
  }

  json importance = json::array();
  for (const ReportImportance& imp : data.importance) {
    importance.push_back({{"p", imp.parameter},
                          {"imp", NumberOrToken(imp.importance)},
                          {"std", NumberOrToken(imp.importance_std)},
                          {"rho", NumberOrToken(imp.spearman)},
                          {"gp", imp.gp_relevance ? NumberOrToken(*imp.gp_relevance) : json(nullptr)}});
  }

  json doc = {
      {"sweep",
       {{"id", data.sweep_id},
        {"name", data.sweep_name},
        {"method", data.method},
        {"metric", data.metric_name},
        {"goal", data.goal == Goal::kMaximize ? "maximize" : "minimize"},
        {"generated", data.generated_at}}},
      {"params", std::move(params)},
      {"runs", std::move(runs)},
      {"curves", BuildCurves(data)},
      {"importance", std::move(importance)},
      {"importance_note", data.importance_note},
  };
  // ensure_ascii: every non-ASCII character (U+2028/2029 included) becomes a
  // \u escape; replace: a reason with broken UTF-8 must not abort the report.
  return doc.dump(-1, ' ', /*ensure_ascii=*/true, json::error_handler_t::replace);
}

}  // namespace sweep::report
