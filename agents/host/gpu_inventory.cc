#include "agents/host/gpu_inventory.h"

#include <algorithm>
#include <limits>

#include "agents/host/nvidia_smi_inventory.h"
#include "agents/host/nvml_inventory.h"

namespace sweep {

StaticInventory::StaticInventory(std::vector<GpuInfo> gpus, std::vector<GpuSample> samples)
    : gpus_(std::move(gpus)), samples_(std::move(samples)) {
  std::sort(gpus_.begin(), gpus_.end(),
            [](const GpuInfo& a, const GpuInfo& b) { return a.index < b.index; });
}

Result<std::vector<GpuInfo>> StaticInventory::List() { return gpus_; }

Result<std::vector<GpuSample>> StaticInventory::Sample(const std::vector<int>& indices) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::vector<GpuSample> out;
  for (int index : indices) {
    const bool present = std::any_of(gpus_.begin(), gpus_.end(),
                                     [&](const GpuInfo& g) { return g.index == index; });
    if (!present) continue;
    auto it = std::find_if(samples_.begin(), samples_.end(),
                           [&](const GpuSample& s) { return s.index == index; });
    out.push_back(it != samples_.end() ? *it : GpuSample{index, kNaN, kNaN, kNaN, kNaN});
  }
  return out;
}

std::unique_ptr<GpuInventory> DetectGpuInventory() {
  if (auto nvml = NvmlInventory::Open(); nvml.ok()) return std::move(nvml).value();
  auto smi = std::make_unique<NvidiaSmiInventory>();
  if (smi->List().ok()) return smi;
  return nullptr;
}

}  // namespace sweep
