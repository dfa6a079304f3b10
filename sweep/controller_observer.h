// ControllerObserver: what a SweepController tells about its progress, for
// the CLI to print (library code never prints). The controller calls it on
// its own thread, from inside Run; see sweep/durable_observer.h for when a
// run's end is delivered.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/trial.h"
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
  // The failure policy stopped the sweep; `message` says why.
  virtual void OnGiveUp(const std::string& message) { (void)message; }
  // Another agent marked `run` ended while this one was unresponsive (paused,
  // cut off from the store for longer than the heartbeat timeout): its trial
  // is being killed and nothing more is recorded for it here.
  virtual void OnRunTakenOver(const RunRecord& run) { (void)run; }
  // Points a running trial reported, as they arrive (before they are stored).
  virtual void OnMetrics(const std::string& run_id, const std::vector<MetricPoint>& points) {
    (void)run_id;
    (void)points;
  }
  // Called once per turn of the controller's loop (at least every
  // kControllerPollInterval while the sweep runs), so a view can redraw.
  virtual void OnTick() {}
};

}  // namespace sweep
