// GpuInventory: which NVIDIA GPUs this machine has and how busy they are.
//
// Indices are the driver's (NVML / nvidia-smi) indices, i.e. PCI bus order.
// GpuEnvironment() sets CUDA_DEVICE_ORDER=PCI_BUS_ID for trials so that CUDA
// numbers devices the same way.
//
// Implementations: NvmlInventory (libnvidia-ml via dlopen), NvidiaSmiInventory
// (parses nvidia-smi CSV), StaticInventory (fixed answers, for tests).
// DetectGpuInventory() picks the first that works.
//
// Thread-safety: an inventory is used from one thread at a time (the
// controller's); implementations keep no state that changes after creation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sweep {

struct GpuInfo {
  int index = 0;
  std::string uuid;            // "GPU-8f3c..."; stable across reboots
  std::string name;            // "NVIDIA H100 80GB HBM3"
  std::uint64_t memory_total_bytes = 0;  // 0 when unknown
  std::string driver_version;  // "550.54.15"; empty when unknown
  std::string cuda_version;    // highest CUDA the driver supports, "12.4"; empty when unknown
};

// One reading. Fields the device does not report are NaN (nvidia-smi's
// "[N/A]", NVML_ERROR_NOT_SUPPORTED); consumers skip NaN values.
struct GpuSample {
  int index = 0;
  double utilization_percent = 0;
  double memory_used_bytes = 0;
  double power_watts = 0;
  double temperature_c = 0;
};

class GpuInventory {
 public:
  virtual ~GpuInventory() = default;
  // All GPUs, ordered by index.
  virtual Result<std::vector<GpuInfo>> List() = 0;
  // One sample per requested index that exists, in the order requested;
  // indices this machine does not have are left out.
  virtual Result<std::vector<GpuSample>> Sample(const std::vector<int>& indices) = 0;
  // "nvml", "nvidia-smi" or "static": where the answers come from (logged,
  // and lets tests check the detection order).
  virtual std::string_view source() const = 0;
};

// Fixed answers. Sample() returns the stored sample for each index (NaN
// readings for GPUs without one).
class StaticInventory : public GpuInventory {
 public:
  explicit StaticInventory(std::vector<GpuInfo> gpus, std::vector<GpuSample> samples = {});
  Result<std::vector<GpuInfo>> List() override;
  Result<std::vector<GpuSample>> Sample(const std::vector<int>& indices) override;
  std::string_view source() const override { return "static"; }

 private:
  std::vector<GpuInfo> gpus_;
  std::vector<GpuSample> samples_;
};

// NVML when libnvidia-ml.so.1 loads and initialises, else nvidia-smi when it
// is on PATH and answers, else nullptr (no GPUs: a machine without NVIDIA
// drivers is normal, not an error).
std::unique_ptr<GpuInventory> DetectGpuInventory();

}  // namespace sweep
