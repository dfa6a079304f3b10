#include "sweep/record_json.h"

#include <cmath>

#include "core/goal_name.h"
#include "sweep/objective.h"

namespace sweep {
namespace {

Value OptionalNumber(double seconds) { return seconds > 0 ? Value(seconds) : Value(); }

}  // namespace

MetricSpec MetricOf(const SweepRecord& sweep) {
  MetricSpec metric;
  metric.name = sweep.metric_name;
  metric.goal = sweep.goal;
  return metric;
}

Value SweepToValue(const SweepRecord& sweep, const std::vector<RunRecord>* runs) {
  ValueMap out = {
      {"id", Value(sweep.id)},
      {"name", Value(sweep.name)},
      {"project", Value(sweep.project)},
      {"method", Value(sweep.method)},
      {"state", Value(std::string(SweepStateName(sweep.state)))},
      {"metric", sweep.metric_name.empty() ? Value() : Value(sweep.metric_name)},
      {"goal", Value(std::string(GoalName(sweep.goal)))},
      // The unsigned number `--seed` accepts, as decimal text: past 2^53
      // JSON readers (JavaScript, jq) round numbers, and past 2^63 our Value
      // would print it negative. The dashboard's API writes it the same way.
      {"seed", Value(std::to_string(sweep.seed))},
      {"spec_path", Value(sweep.spec_path)},
      {"created_at", Value(sweep.created_at)},
      {"updated_at", Value(sweep.updated_at)},
  };
  if (runs != nullptr) {
    ValueMap counts;
    for (TrialState s : {TrialState::kQueued, TrialState::kRunning, TrialState::kFinished, TrialState::kFailed,
                         TrialState::kCrashed, TrialState::kKilled, TrialState::kStopped}) {
      std::int64_t n = 0;
      for (const auto& r : *runs) n += r.state == s ? 1 : 0;
      counts.emplace_back(std::string(TrialStateName(s)), Value(n));
    }
    out.emplace_back("run_count", Value(static_cast<std::int64_t>(runs->size())));
    out.emplace_back("runs_by_state", Value(std::move(counts)));
    const MetricSpec metric = MetricOf(sweep);
    const RunRecord* best = BestRun(*runs, metric);
    out.emplace_back("best_run", best ? Value(best->id) : Value());
    out.emplace_back("best_value", best ? Value(*ObjectiveOf(*best, metric)) : Value());
  }
  return Value(std::move(out));
}

Value RunToValue(const RunRecord& run, const MetricSpec& metric) {
  ValueMap params;
  for (const auto& [k, v] : run.params) params.emplace_back(k, v);
  ValueList argv;
  for (const auto& a : run.argv) argv.emplace_back(a);
  ValueMap summary;
  for (const auto& [key, s] : run.summary) {
    summary.emplace_back(key, Value(ValueMap{{"last", Value(s.last)},
                                             {"min", Value(s.min)},
                                             {"max", Value(s.max)},
                                             {"last_step", Value(s.last_step)},
                                             {"count", Value(s.count)}}));
  }
  ValueMap tags;
  for (const auto& [k, v] : run.tags) tags.emplace_back(k, Value(v));
  const auto objective = ObjectiveOf(run, metric);
  const double duration = (run.started_at > 0 && run.ended_at > 0) ? run.ended_at - run.started_at : 0;
  return Value(ValueMap{
      {"id", Value(run.id)},
      {"sweep_id", Value(run.sweep_id)},
      {"name", Value(run.name)},
      {"labels", Value(ValueList(run.labels.begin(), run.labels.end()))},
      {"notes", Value(run.notes)},
      {"number", Value(run.number)},
      {"grid_index", run.grid_index ? Value(*run.grid_index) : Value()},
      {"state", Value(std::string(TrialStateName(run.state)))},
      {"params", Value(std::move(params))},
      {"objective", objective ? Value(*objective) : Value()},
      {"argv", Value(std::move(argv))},
      {"created_at", OptionalNumber(run.created_at)},
      {"started_at", OptionalNumber(run.started_at)},
      {"ended_at", OptionalNumber(run.ended_at)},
      {"duration_s", duration > 0 ? Value(duration) : Value()},
      {"exit_code", run.exit_code ? Value(*run.exit_code) : Value()},
      {"signal", run.signal ? Value(*run.signal) : Value()},
      {"failure_reason", run.failure_reason.empty() ? Value() : Value(run.failure_reason)},
      {"host", Value(run.host)},
      {"agent_id", Value(run.agent_id)},
      {"pid", run.pid ? Value(run.pid) : Value()},
      {"run_dir", Value(run.run_dir)},
      {"summary", Value(std::move(summary))},
      {"tags", Value(std::move(tags))},
  });
}

}  // namespace sweep
