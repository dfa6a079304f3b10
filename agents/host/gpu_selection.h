// ParseGpuSelection: turns the user's `--gpus` value into the GPUs a sweep
// may use.
//
//   "all"    every GPU present, except when the controller itself runs with
//            CUDA_VISIBLE_DEVICES set: then exactly the GPUs it lists (by
//            index or by UUID / UUID prefix, as CUDA accepts), so a sweep
//            started inside a Slurm/K8s allocation stays inside it.
//   "0,1,3"  those driver indices (nvidia-smi numbering). An explicit list
//            overrides an inherited CUDA_VISIBLE_DEVICES.
//
// Errors (kInvalidInput, with a message fit for the user): no GPU present,
// malformed list, duplicate index, index not present, an inherited
// CUDA_VISIBLE_DEVICES that names no present GPU.
//
// Thread-safety: pure functions; the overload without `inherited` reads the
// environment (getenv), which is safe while nobody calls setenv.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agents/host/gpu_inventory.h"
#include "core/result.h"

namespace sweep {

// Result ordered by index. `inherited` is the controller's
// CUDA_VISIBLE_DEVICES (nullopt when unset).
Result<std::vector<GpuInfo>> ParseGpuSelection(std::string_view selection,
                                               const std::vector<GpuInfo>& present,
                                               const std::optional<std::string>& inherited);

// Same, with `inherited` read from this process's CUDA_VISIBLE_DEVICES.
Result<std::vector<GpuInfo>> ParseGpuSelection(std::string_view selection,
                                               const std::vector<GpuInfo>& present);

}  // namespace sweep
