// SystemSampler: per-trial system metrics, stored as ordinary metric series
// next to the trial's own metrics:
//   system/cpu_percent     CPU use of the trial's process tree since the
//                          previous sample; 100 = one core busy (like top),
//                          so a 4-thread trial can report up to 400.
//   system/rss_bytes       resident memory summed over the tree.
//   system/gpu.<i>.utilization_percent, .memory_used_bytes, .power_watts,
//   .temperature_c         for each GPU granted to the trial (device-wide
//                          readings: GPUs are never shared between trials).
// Each point's step is the run's sample number (0, 1, 2, ...) and its time
// the `now` passed to Sample().
//
// Contract with the controller: Track() when a trial starts (OnTrialStarted,
// with the pid of its process-group leader), Sample() every
// kDefaultSystemSampleInterval and once more just before Untrack() for a
// trial that exited so even trials shorter than the interval get a reading
// (then the tree may already be gone: see Sample), Untrack() on exit.
//
// CPU time of children that exit between two samples is not counted (it
// moves into the parent's cutime only when reaped, which would double count
// the part already seen), so cpu_percent slightly undercounts trees that
// spawn many short-lived processes.
//
// Thread-safety: not thread-safe; the controller thread owns it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "agents/host/gpu_inventory.h"
#include "core/trial.h"

namespace sweep {

// Five seconds: fine enough to see a training loop's phases, coarse enough
// that reading /proc and NVML stays far below 0.1% of a core.
inline constexpr std::chrono::seconds kDefaultSystemSampleInterval{5};

class SystemSampler {
 public:
  // `gpus` may be null (no GPU metrics) and must outlive the sampler.
  explicit SystemSampler(GpuInventory* gpus, std::filesystem::path proc_root = "/proc");

  // Starts sampling `run_id`, whose process tree is rooted at `pid` (also
  // its process group). `now` is seconds since the epoch, the same clock as
  // Sample's; the first cpu_percent covers [now, first sample].
  void Track(const std::string& run_id, int pid, std::vector<int> gpu_indices, double now);
  // Same, with now = the current wall-clock time.
  void Track(const std::string& run_id, int pid, std::vector<int> gpu_indices);
  void Untrack(const std::string& run_id);

  // The points of each tracked run, ordered by run id. A run whose process
  // tree is gone gets no CPU/RSS points (GPU points still, if any); a run
  // with no points at all is left out. cpu_percent is
  // left out when `now` is not after the previous sample. A GPU query failure
  // drops only the GPU points of this round.
  std::vector<std::pair<std::string, std::vector<MetricPoint>>> Sample(double now);

  std::size_t tracked() const { return runs_.size(); }

 private:
  struct Run {
    int pid = 0;
    std::vector<int> gpu_indices;
    double last_time = 0;
    std::map<int, std::uint64_t> last_ticks;  // per pid, at the previous sample
    std::int64_t next_step = 0;
  };

  GpuInventory* gpus_;
  std::filesystem::path proc_root_;
  std::map<std::string, Run> runs_;
  double ticks_per_second_;
  double page_bytes_;
};

}  // namespace sweep
