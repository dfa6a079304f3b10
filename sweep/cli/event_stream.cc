#include "sweep/cli/event_stream.h"

#include "core/value_json.h"
#include "sweep/clock.h"

namespace sweep::cli {

void EventStream::Emit(const Value& event) {
  const std::string line = ToJson(event) + "\n";
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

void EventStream::OnRunStarted(const RunRecord& run) {
  Emit(ValueMap{{"event", "run_started"},
                {"sweep", sweep_id_},
                {"run", run.id},
                {"time", run.started_at},
                {"params", ValueMap(run.params.begin(), run.params.end())}});
}

void EventStream::OnMetrics(const std::string& run_id, const std::vector<MetricPoint>& points) {
  for (const auto& point : points) {
    Emit(ValueMap{{"event", "metric"},
                  {"run", run_id},
                  {"key", point.key},
                  {"step", point.step},
                  {"value", point.value},
                  {"time", point.time}});
  }
}

void EventStream::OnRunEnded(const RunRecord& run, std::optional<double> objective) {
  Emit(ValueMap{{"event", "run_ended"},
                {"run", run.id},
                {"state", std::string(TrialStateName(run.state))},
                {"objective", objective ? Value(*objective) : Value(nullptr)},
                {"reason", run.failure_reason},
                {"duration", run.started_at > 0 ? Value(run.ended_at - run.started_at) : Value(nullptr)},
                {"time", run.ended_at}});
}

void EventStream::OnSweepEnded(std::string_view end, const SweepTally& tally, double wall_seconds) {
  ValueMap runs{{"finished", tally.finished}, {"failed", tally.failed}, {"killed", tally.killed},
                {"stopped", tally.stopped},   {"running", tally.running}};
  Value best = nullptr;
  if (tally.best) best = ValueMap{{"run", tally.best_run}, {"value", *tally.best}};
  Emit(ValueMap{{"event", "sweep_ended"},
                {"sweep", sweep_id_},
                {"end", std::string(end)},
                {"runs", std::move(runs)},
                {"best", std::move(best)},
                {"wall_seconds", wall_seconds}});
}

void ObserverFanOut::OnRunStarted(const RunRecord& run) {
  for (auto* o : observers_) o->OnRunStarted(run);
}
void ObserverFanOut::OnMetrics(const std::string& run_id, const std::vector<MetricPoint>& points) {
  for (auto* o : observers_) o->OnMetrics(run_id, points);
}
void ObserverFanOut::OnRunEnded(const RunRecord& run, std::optional<double> objective) {
  for (auto* o : observers_) o->OnRunEnded(run, objective);
}
void ObserverFanOut::OnInterrupt(int presses) {
  for (auto* o : observers_) o->OnInterrupt(presses);
}
void ObserverFanOut::OnGiveUp(const std::string& message) {
  for (auto* o : observers_) o->OnGiveUp(message);
}
void ObserverFanOut::OnTick() {
  for (auto* o : observers_) o->OnTick();
}

}  // namespace sweep::cli
