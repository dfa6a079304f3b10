#include "agents/host/gpu_selection.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <set>

namespace sweep {
namespace {

std::vector<std::string_view> SplitCommas(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    std::string_view part = text.substr(start, comma - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    parts.push_back(part);
    if (comma == std::string_view::npos) return parts;
    start = comma + 1;
  }
}

std::optional<int> ParseIndex(std::string_view s) {
  int v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

const GpuInfo* FindIndex(const std::vector<GpuInfo>& present, int index) {
  auto it = std::find_if(present.begin(), present.end(),
                         [&](const GpuInfo& g) { return g.index == index; });
  return it == present.end() ? nullptr : &*it;
}

std::string PresentList(const std::vector<GpuInfo>& present) {
  std::string s;
  for (const GpuInfo& g : present) s += (s.empty() ? "" : ",") + std::to_string(g.index);
  return s;
}

void SortByIndex(std::vector<GpuInfo>& gpus) {
  std::sort(gpus.begin(), gpus.end(),
            [](const GpuInfo& a, const GpuInfo& b) { return a.index < b.index; });
}

// CUDA_VISIBLE_DEVICES entries are indices or (prefixes of) "GPU-<uuid>".
Result<std::vector<GpuInfo>> FromInherited(const std::string& inherited,
                                           const std::vector<GpuInfo>& present) {
  std::vector<GpuInfo> chosen;
  std::set<int> seen;
  for (std::string_view entry : SplitCommas(inherited)) {
    if (entry.empty()) continue;
    const GpuInfo* gpu = nullptr;
    if (auto index = ParseIndex(entry)) {
      gpu = FindIndex(present, *index);
    } else {
      for (const GpuInfo& g : present) {
        if (!g.uuid.empty() && g.uuid.starts_with(entry)) gpu = &g;
      }
    }
    if (gpu == nullptr) {
      return Error::InvalidInput("CUDA_VISIBLE_DEVICES=" + inherited + " names GPU '" +
                                 std::string(entry) + "', which is not present (GPUs: " +
                                 PresentList(present) + ")");
    }
    if (seen.insert(gpu->index).second) chosen.push_back(*gpu);
  }
  if (chosen.empty()) {
    return Error::InvalidInput("--gpus all: CUDA_VISIBLE_DEVICES='" + inherited +
                               "' hides every GPU; unset it or list GPUs explicitly");
  }
  SortByIndex(chosen);
  return chosen;
}

}  // namespace

Result<std::vector<GpuInfo>> ParseGpuSelection(std::string_view selection,
                                               const std::vector<GpuInfo>& present,
                                               const std::optional<std::string>& inherited) {
  if (present.empty()) {
    return Error::InvalidInput("--gpus " + std::string(selection) +
                               ": no NVIDIA GPU found on this machine (neither NVML nor "
                               "nvidia-smi answered); drop --gpus to run on CPU");
  }
  if (selection == "all") {
    if (inherited) return FromInherited(*inherited, present);
    std::vector<GpuInfo> all = present;
    SortByIndex(all);
    return all;
  }
  std::vector<GpuInfo> chosen;
  std::set<int> seen;
  for (std::string_view part : SplitCommas(selection)) {
    const auto index = ParseIndex(part);
    if (!index) {
      return Error::InvalidInput("--gpus '" + std::string(selection) +
                                 "': expected 'all' or comma-separated GPU indices like 0,1,3");
    }
    if (!seen.insert(*index).second) {
      return Error::InvalidInput("--gpus '" + std::string(selection) + "': GPU " +
                                 std::to_string(*index) + " is listed twice");
    }
    const GpuInfo* gpu = FindIndex(present, *index);
    if (gpu == nullptr) {
      return Error::InvalidInput("--gpus: GPU " + std::to_string(*index) +
                                 " is not present (GPUs: " + PresentList(present) + ")");
    }
    chosen.push_back(*gpu);
  }
  SortByIndex(chosen);
  return chosen;
}

Result<std::vector<GpuInfo>> ParseGpuSelection(std::string_view selection,
                                               const std::vector<GpuInfo>& present) {
  const char* env = std::getenv("CUDA_VISIBLE_DEVICES");
  return ParseGpuSelection(selection, present,
                           env ? std::optional<std::string>(env) : std::nullopt);
}

}  // namespace sweep
