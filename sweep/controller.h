// SweepController: the loop that runs a sweep on one machine.
//
//   claim a run (the optimizer proposes inside the store's claim transaction)
//   -> prepare and launch it on the TrialRunner -> record its metrics as they
//   arrive -> classify its exit and record the outcome -> repeat until the
//   space is exhausted, a limit or the metric target is reached, or the user
//   interrupts.
//
// Every state change is written to the store before anything depends on it.
// Single-threaded: the runner delivers events from inside Poll() on the
// caller's thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "agents/trial_runner.h"
#include "core/result.h"
#include "core/sweep_spec.h"
#include "optimizers/optimizer.h"
#include "sweep/run_outcome.h"
#include "sweep/trial_launch.h"
#include "tracking/store.h"

namespace sweep {

// Progress notifications, for the CLI to print. Library code never prints.
class ControllerObserver {
 public:
  virtual ~ControllerObserver() = default;
  virtual void OnRunStarted(const RunRecord& run) = 0;
  virtual void OnRunEnded(const RunRecord& run, std::optional<double> objective) = 0;
  // presses = 1: no new trials are launched; 2: running trials are terminated.
  virtual void OnInterrupt(int presses) = 0;
};

struct ControllerOptions {
  int agents = 1;                         // trials at once
  std::optional<std::int64_t> count;      // runs this invocation may launch
  LaunchSettings launch;
  std::string host;
  std::string agent_id;
};

// Why the loop ended.
enum class SweepEnd { kExhausted, kCountReached, kRunCapReached, kTargetReached, kInterrupted };
std::string_view SweepEndName(SweepEnd end);

struct SweepOutcome {
  SweepEnd end = SweepEnd::kExhausted;
  std::map<TrialState, std::int64_t> launched_by_state;  // runs this invocation launched
};

class SweepController : public TrialEvents {
 public:
  SweepController(Store& store, const SweepSpec& spec, SweepRecord sweep, Optimizer& optimizer,
                  ControllerOptions options, ControllerObserver* observer);

  // Runs until the sweep ends. `runner` must deliver its events to *this.
  Result<SweepOutcome> Run(TrialRunner& runner);

  // TrialEvents.
  void OnTrialStarted(const std::string& run_id, int pid) override;
  void OnMetrics(const std::string& run_id, std::vector<MetricPoint> points) override;
  void OnTrialExited(const std::string& run_id, const TrialExit& exit) override;
  void OnInterrupt(int signal_number) override;

 private:
  struct ActiveRun {
    RunRecord record;
    std::vector<std::string> argv;
    std::vector<MetricPoint> pending_points;
    EndRequest end_request = EndRequest::kNone;
  };

  // Claims and launches one run; false when nothing is left to launch.
  Result<bool> LaunchNext(TrialRunner& runner);
  Result<std::optional<NewRun>> Propose(const std::vector<RunRecord>& existing);
  void FlushMetrics(ActiveRun& run);
  void FlushAllMetrics();
  void Fail(Error error);
  bool ShouldLaunchMore(const TrialRunner& runner) const;

  Store& store_;
  const SweepSpec& spec_;
  SweepRecord sweep_;
  Optimizer& optimizer_;
  ControllerOptions options_;
  ControllerObserver* observer_;
  TrialRunner* runner_ = nullptr;

  std::unordered_map<std::string, ActiveRun> active_;
  std::optional<SweepEnd> stop_reason_;  // set once no new runs may start
  std::int64_t launched_ = 0;
  int interrupt_presses_ = 0;
  std::optional<Error> fatal_;
  SweepOutcome outcome_;
  std::chrono::steady_clock::time_point last_flush_;
};

}  // namespace sweep
