// `--events jsonl`: the controller's events as JSON lines, for tools that
// drive `sweep run` (a CI step, a notebook, a dashboard of one's own).
//
// One JSON object per line, flushed as written, each with an "event" field:
//   {"event":"run_started","sweep":ID,"run":ID,"time":UNIX,"params":{...}}
//   {"event":"metric","run":ID,"key":K,"step":N,"value":V,"time":UNIX}
//   {"event":"run_ended","run":ID,"state":S,"objective":V|null,"reason":TEXT,
//    "duration":SECONDS,"time":UNIX}
//   {"event":"sweep_ended","sweep":ID,"end":TEXT,"runs":{STATE:N,...},
//    "best":{"run":ID,"value":V}|null,"wall_seconds":SECONDS}
// Non-finite values are written as Python's json module writes them (NaN,
// Infinity). Strings are JSON-escaped, so a trial's output cannot break a line.
// Single-threaded, like the controller that calls it.
#pragma once

#include <cstdio>
#include <string>

#include "sweep/cli/sweep_tally.h"
#include "sweep/controller.h"

namespace sweep::cli {

class EventStream : public ControllerObserver {
 public:
  EventStream(std::FILE* out, std::string sweep_id) : out_(out), sweep_id_(std::move(sweep_id)) {}

  void OnRunStarted(const RunRecord& run) override;
  void OnMetrics(const std::string& run_id, const std::vector<MetricPoint>& points) override;
  void OnRunEnded(const RunRecord& run, std::optional<double> objective) override;
  void OnInterrupt(int presses) override { (void)presses; }

  // The last event: how the sweep ended, its runs by state (from the store)
  // and the wall time of this invocation.
  void OnSweepEnded(std::string_view end, const SweepTally& tally, double wall_seconds);

 private:
  void Emit(const Value& event);

  std::FILE* out_;
  std::string sweep_id_;
};

// Forwards every event to each observer in turn (the live view and the event
// stream). Observers are not owned and must outlive it.
class ObserverFanOut : public ControllerObserver {
 public:
  void Add(ControllerObserver* observer) { observers_.push_back(observer); }

  void OnRunStarted(const RunRecord& run) override;
  void OnMetrics(const std::string& run_id, const std::vector<MetricPoint>& points) override;
  void OnRunEnded(const RunRecord& run, std::optional<double> objective) override;
  void OnInterrupt(int presses) override;
  void OnGiveUp(const std::string& message) override;
  void OnTick() override;

 private:
  std::vector<ControllerObserver*> observers_;
};

}  // namespace sweep::cli
