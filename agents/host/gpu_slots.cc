#include "agents/host/gpu_slots.h"

#include <algorithm>
#include <set>

namespace sweep {

Result<GpuSlots> GpuSlots::Create(std::vector<GpuInfo> selected, int gpus_per_trial) {
  if (gpus_per_trial < 1) {
    return Error::InvalidInput("gpus per trial must be at least 1, got " +
                               std::to_string(gpus_per_trial));
  }
  if (static_cast<std::size_t>(gpus_per_trial) > selected.size()) {
    return Error::InvalidInput("each trial needs " + std::to_string(gpus_per_trial) +
                               " GPUs but only " + std::to_string(selected.size()) +
                               " are selected");
  }
  std::set<int> seen;
  for (const GpuInfo& g : selected) {
    if (!seen.insert(g.index).second) {
      return Error::InvalidInput("GPU " + std::to_string(g.index) + " is selected twice");
    }
  }
  std::sort(selected.begin(), selected.end(),
            [](const GpuInfo& a, const GpuInfo& b) { return a.index < b.index; });
  return GpuSlots(std::move(selected), gpus_per_trial);
}

GpuSlots::GpuSlots(std::vector<GpuInfo> gpus, int gpus_per_trial)
    : gpus_(std::move(gpus)), holder_(gpus_.size()), gpus_per_trial_(gpus_per_trial) {}

std::optional<GpuGrant> GpuSlots::TryAcquire(const std::string& run_id) {
  if (auto it = grants_.find(run_id); it != grants_.end()) return it->second;
  if (free() < gpus_per_trial_) return std::nullopt;
  GpuGrant grant{run_id, {}};
  for (std::size_t i = 0; i < gpus_.size() && grant.gpus.size() < static_cast<std::size_t>(gpus_per_trial_); ++i) {
    if (!holder_[i].empty()) continue;
    holder_[i] = run_id;
    grant.gpus.push_back(gpus_[i]);
  }
  grants_.emplace(run_id, grant);
  return grant;
}

void GpuSlots::Release(const std::string& run_id) {
  if (grants_.erase(run_id) == 0) return;
  for (std::string& holder : holder_) {
    if (holder == run_id) holder.clear();
  }
}

int GpuSlots::free() const {
  return static_cast<int>(std::count(holder_.begin(), holder_.end(), std::string()));
}

int GpuSlots::capacity_trials() const {
  return static_cast<int>(gpus_.size()) / gpus_per_trial_;
}

namespace {

template <typename Field>
std::string Join(const GpuGrant& grant, Field field) {
  std::string out;
  for (const GpuInfo& g : grant.gpus) {
    if (!out.empty()) out += ',';
    out += field(g);
  }
  return out;
}

}  // namespace

std::map<std::string, std::string> GpuEnvironment(const GpuGrant& grant) {
  const std::string ids = Join(grant, [](const GpuInfo& g) { return std::to_string(g.index); });
  return {{"CUDA_VISIBLE_DEVICES", ids}, {"SWEEP_GPU_IDS", ids}, {"CUDA_DEVICE_ORDER", "PCI_BUS_ID"}};
}

std::map<std::string, std::string> GpuTags(const GpuGrant& grant) {
  return {{"gpu.ids", Join(grant, [](const GpuInfo& g) { return std::to_string(g.index); })},
          {"gpu.uuids", Join(grant, [](const GpuInfo& g) { return g.uuid; })},
          {"gpu.names", Join(grant, [](const GpuInfo& g) { return g.name; })}};
}

}  // namespace sweep
