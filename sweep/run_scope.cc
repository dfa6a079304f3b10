#include "sweep/run_scope.h"

#include <algorithm>
#include <map>

#include "sweep/inferred_space.h"
#include "sweep/spec/spec_parser.h"
#include "sweep/standalone_record.h"

namespace sweep {
namespace {

bool IsManual(const SweepRecord& sweep) { return sweep.method == kManualMethod; }

Result<RunScope> SweepScope(Store& store, const SweepRecord& sweep) {
  RunScope scope;
  scope.record = sweep;
  auto runs = store.ListRuns(sweep.id);
  if (!runs.ok()) return runs.error();
  scope.runs = std::move(runs).value();
  if (IsManual(sweep)) {
    scope.spec.name = sweep.name;
    scope.spec.space = InferSearchSpace(scope.runs);
    return scope;
  }
  auto parsed = ParseSweepSpec(sweep.spec_text, sweep.spec_path);
  if (!parsed.ok()) {
    std::string message = "the spec stored with sweep " + sweep.id + " no longer parses";
    for (const auto& d : parsed.diagnostics) message += "\n  " + d.ToString();
    return Error::Internal(message);
  }
  scope.spec = std::move(*parsed.spec);
  return scope;
}

Result<RunScope> ProjectScope(Store& store, const std::string& project, const std::vector<SweepRecord>& sweeps) {
  RunScope scope;
  scope.is_project = true;
  scope.record.name = project;
  scope.record.project = project;
  scope.record.method = kProjectScopeMethod;
  for (const auto& sweep : sweeps) {
    if (sweep.project != project) continue;
    if (scope.record.metric_name.empty() && !sweep.metric_name.empty()) {
      scope.record.metric_name = sweep.metric_name;
      scope.record.goal = sweep.goal;
    }
    scope.record.created_at = scope.record.created_at == 0 ? sweep.created_at
                                                           : std::min(scope.record.created_at, sweep.created_at);
    scope.record.updated_at = std::max(scope.record.updated_at, sweep.updated_at);
    auto runs = store.ListRuns(sweep.id);
    if (!runs.ok()) return runs.error();
    scope.runs.insert(scope.runs.end(), runs->begin(), runs->end());
  }
  std::stable_sort(scope.runs.begin(), scope.runs.end(),
                   [](const RunRecord& a, const RunRecord& b) { return a.created_at < b.created_at; });
  scope.spec.name = project;
  scope.spec.metric.name = scope.record.metric_name;
  scope.spec.metric.goal = scope.record.goal;
  scope.spec.space = InferSearchSpace(scope.runs);
  return scope;
}

}  // namespace

Result<RunScope> LoadRunScope(Store& store, const std::string& target, bool project_only) {
  auto sweeps = store.ListSweeps();
  if (!sweeps.ok()) return sweeps.error();
  const bool is_project = std::any_of(sweeps->begin(), sweeps->end(),
                                      [&](const SweepRecord& s) { return s.project == target; });
  if (project_only) {
    if (!is_project) return Error::NotFound("no project named '" + target + "' (see `sweep projects`)");
    return ProjectScope(store, target, *sweeps);
  }
  auto sweep = store.GetSweep(target);
  if (sweep.ok() && (!IsManual(*sweep) || !is_project)) return SweepScope(store, *sweep);
  if (is_project) return ProjectScope(store, target, *sweeps);
  if (sweep.error().code == ErrorCode::kNotFound)
    return Error::NotFound("no sweep or project named '" + target + "' (see `sweep sweeps`, `sweep projects`)");
  return sweep.error();
}

Result<RunRecord> FindRun(Store& store, const std::string& reference) {
  auto direct = store.GetRun(reference);
  if (direct.ok() || direct.error().code != ErrorCode::kNotFound) return direct;
  const auto slash = reference.find('/');
  const std::string project = slash == std::string::npos ? "" : reference.substr(0, slash);
  const std::string name = slash == std::string::npos ? reference : reference.substr(slash + 1);
  auto sweeps = store.ListSweeps();
  if (!sweeps.ok()) return sweeps.error();
  std::vector<RunRecord> named;
  for (const auto& sweep : *sweeps) {
    if (!project.empty() && sweep.project != project) continue;
    auto runs = store.ListRuns(sweep.id);
    if (!runs.ok()) return runs.error();
    for (auto& run : *runs)
      if (run.name == name) named.push_back(std::move(run));
  }
  if (named.empty()) return Error::NotFound("no run with id, id prefix or name '" + reference + "'");
  std::sort(named.begin(), named.end(),
            [](const RunRecord& a, const RunRecord& b) { return a.created_at > b.created_at; });
  if (named.size() > 1 && project.empty()) {
    std::string ids;
    for (const auto& run : named) ids += (ids.empty() ? "" : ", ") + run.id;
    return Error::InvalidInput("'" + reference + "' names " + std::to_string(named.size()) +
                               " runs (" + ids + "); use an id or PROJECT/NAME");
  }
  return std::move(named.front());
}

Result<std::vector<ProjectSummary>> ListProjects(Store& store) {
  auto sweeps = store.ListSweeps();
  if (!sweeps.ok()) return sweeps.error();
  std::map<std::string, ProjectSummary> by_name;
  for (const auto& sweep : *sweeps) {
    ProjectSummary& p = by_name[sweep.project];
    p.name = sweep.project;
    auto runs = store.ListRuns(sweep.id);
    if (!runs.ok()) return runs.error();
    p.runs += runs->size();
    if (IsManual(sweep)) p.standalone_runs += runs->size();
    else ++p.sweeps;
    p.last_activity = std::max(p.last_activity, sweep.updated_at);
  }
  std::vector<ProjectSummary> out;
  for (auto& [_, p] : by_name) out.push_back(std::move(p));
  return out;
}

}  // namespace sweep
