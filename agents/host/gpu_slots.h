// GpuSlots: hands whole GPUs to trials. A GPU is never shared by two
// running trials; each trial gets `gpus_per_trial` GPUs, the lowest free
// indices first (so a sweep packs onto the same GPUs run after run).
//
// The controller calls TryAcquire before launching a trial and holds the
// trial queued while it returns nullopt; it calls Release when the trial
// has exited (after its process group is gone, so no GPU memory lingers).
//
// Thread-safety: not thread-safe; owned and used by the controller thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agents/host/gpu_inventory.h"
#include "core/result.h"

namespace sweep {

struct GpuGrant {
  std::string run_id;
  std::vector<GpuInfo> gpus;  // ordered by index
};

class GpuSlots {
 public:
  // kInvalidInput when gpus_per_trial < 1, exceeds selected.size(), or
  // `selected` repeats an index.
  static Result<GpuSlots> Create(std::vector<GpuInfo> selected, int gpus_per_trial);

  // The grant for `run_id`, or nullopt when fewer than gpus_per_trial GPUs
  // are free. Calling it again for a run that holds a grant returns that
  // same grant (idempotent, e.g. on a relaunch).
  std::optional<GpuGrant> TryAcquire(const std::string& run_id);
  // Frees the run's GPUs; a run without a grant is ignored.
  void Release(const std::string& run_id);

  int free() const;             // GPUs not granted to any run
  int capacity_trials() const;  // trials that can run at once: GPUs / gpus_per_trial
  int gpus_per_trial() const { return gpus_per_trial_; }

 private:
  GpuSlots(std::vector<GpuInfo> gpus, int gpus_per_trial);

  std::vector<GpuInfo> gpus_;                // ordered by index
  std::vector<std::string> holder_;          // per gpus_ entry; empty when free
  std::map<std::string, GpuGrant> grants_;  // by run id
  int gpus_per_trial_;
};

// What a trial holding `grant` gets in its environment:
//   CUDA_VISIBLE_DEVICES=1,3  SWEEP_GPU_IDS=1,3  CUDA_DEVICE_ORDER=PCI_BUS_ID
// (the last so CUDA numbers GPUs like nvidia-smi; without it CUDA's default
// "fastest first" order can make index 1 a different physical GPU).
std::map<std::string, std::string> GpuEnvironment(const GpuGrant& grant);

// Run tags recording the grant: gpu.ids "1,3", gpu.uuids "GPU-a,GPU-b",
// gpu.names "NVIDIA A100,NVIDIA A100".
std::map<std::string, std::string> GpuTags(const GpuGrant& grant);

}  // namespace sweep
