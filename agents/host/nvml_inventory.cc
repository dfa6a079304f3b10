#include "agents/host/nvml_inventory.h"

#include <dlfcn.h>

#include <limits>
#include <string>

namespace sweep {
namespace {

// The subset of nvml.h we use, declared here so building needs no CUDA
// headers. Layouts and values are NVML's stable ABI.
using nvmlReturn_t = int;
using nvmlDevice_t = struct nvmlDevice_st*;
struct nvmlMemory_t {
  unsigned long long total, free, used;
};
struct nvmlUtilization_t {
  unsigned int gpu, memory;
};
constexpr nvmlReturn_t kNvmlSuccess = 0;
constexpr int kNvmlTemperatureGpu = 0;  // NVML_TEMPERATURE_GPU
// NVML_DEVICE_NAME_V2_BUFFER_SIZE / NVML_DEVICE_UUID_V2_BUFFER_SIZE are 96,
// NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE is 80: one size fits all three.
constexpr unsigned int kNvmlStringBuffer = 96;
// nvmlSystemGetCudaDriverVersion returns major*1000 + minor*10 (12040 = 12.4).
constexpr int kCudaMajorScale = 1000;
constexpr int kCudaMinorScale = 10;
constexpr double kMilliwattsPerWatt = 1000.0;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

struct NvmlInventory::Api {
  void* handle = nullptr;
  nvmlReturn_t (*Init)() = nullptr;
  nvmlReturn_t (*Shutdown)() = nullptr;
  const char* (*ErrorString)(nvmlReturn_t) = nullptr;
  nvmlReturn_t (*GetCount)(unsigned int*) = nullptr;
  nvmlReturn_t (*GetHandleByIndex)(unsigned int, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*GetName)(nvmlDevice_t, char*, unsigned int) = nullptr;
  nvmlReturn_t (*GetUuid)(nvmlDevice_t, char*, unsigned int) = nullptr;
  nvmlReturn_t (*GetMemoryInfo)(nvmlDevice_t, nvmlMemory_t*) = nullptr;
  nvmlReturn_t (*GetUtilization)(nvmlDevice_t, nvmlUtilization_t*) = nullptr;
  nvmlReturn_t (*GetPowerUsage)(nvmlDevice_t, unsigned int*) = nullptr;
  nvmlReturn_t (*GetTemperature)(nvmlDevice_t, int, unsigned int*) = nullptr;
  nvmlReturn_t (*GetDriverVersion)(char*, unsigned int) = nullptr;
  nvmlReturn_t (*GetCudaDriverVersion)(int*) = nullptr;

  std::string Describe(nvmlReturn_t rc) const {
    return ErrorString != nullptr ? ErrorString(rc) : "NVML error " + std::to_string(rc);
  }
};

namespace {

template <typename Fn>
bool Resolve(void* handle, const char* name, Fn& fn, std::string& missing) {
  fn = reinterpret_cast<Fn>(::dlsym(handle, name));
  if (fn == nullptr) missing = name;
  return fn != nullptr;
}

}  // namespace

Result<std::unique_ptr<NvmlInventory>> NvmlInventory::Open(const std::string& library) {
  auto api = std::make_unique<Api>();
  api->handle = ::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (api->handle == nullptr) {
    const char* why = ::dlerror();
    return Error::NotFound("cannot load " + library + ": " + (why ? why : "unknown error"));
  }
  void* h = api->handle;
  std::string missing;
  const bool resolved =
      Resolve(h, "nvmlInit_v2", api->Init, missing) &&
      Resolve(h, "nvmlShutdown", api->Shutdown, missing) &&
      Resolve(h, "nvmlErrorString", api->ErrorString, missing) &&
      Resolve(h, "nvmlDeviceGetCount_v2", api->GetCount, missing) &&
      Resolve(h, "nvmlDeviceGetHandleByIndex_v2", api->GetHandleByIndex, missing) &&
      Resolve(h, "nvmlDeviceGetName", api->GetName, missing) &&
      Resolve(h, "nvmlDeviceGetUUID", api->GetUuid, missing) &&
      Resolve(h, "nvmlDeviceGetMemoryInfo", api->GetMemoryInfo, missing) &&
      Resolve(h, "nvmlDeviceGetUtilizationRates", api->GetUtilization, missing) &&
      Resolve(h, "nvmlDeviceGetPowerUsage", api->GetPowerUsage, missing) &&
      Resolve(h, "nvmlDeviceGetTemperature", api->GetTemperature, missing) &&
      Resolve(h, "nvmlSystemGetDriverVersion", api->GetDriverVersion, missing) &&
      Resolve(h, "nvmlSystemGetCudaDriverVersion", api->GetCudaDriverVersion, missing);
  if (!resolved) {
    ::dlclose(h);
    return Error::Io(library + " lacks " + missing);
  }
  if (const nvmlReturn_t rc = api->Init(); rc != kNvmlSuccess) {
    std::string why = api->Describe(rc);
    ::dlclose(h);
    return Error::Io("nvmlInit_v2 failed: " + why);
  }
  return std::unique_ptr<NvmlInventory>(new NvmlInventory(std::move(api)));
}

NvmlInventory::NvmlInventory(std::unique_ptr<Api> api) : api_(std::move(api)) {}

NvmlInventory::~NvmlInventory() {
  api_->Shutdown();
  ::dlclose(api_->handle);
}

Result<std::vector<GpuInfo>> NvmlInventory::List() {
  unsigned int count = 0;
  if (const nvmlReturn_t rc = api_->GetCount(&count); rc != kNvmlSuccess) {
    return Error::Io("nvmlDeviceGetCount_v2: " + api_->Describe(rc));
  }
  char driver[kNvmlStringBuffer] = "";
  if (api_->GetDriverVersion(driver, sizeof driver) != kNvmlSuccess) driver[0] = '\0';
  std::string cuda;
  if (int v = 0; api_->GetCudaDriverVersion(&v) == kNvmlSuccess && v > 0) {
    cuda = std::to_string(v / kCudaMajorScale) + "." +
           std::to_string((v % kCudaMajorScale) / kCudaMinorScale);
  }
  std::vector<GpuInfo> gpus;
  for (unsigned int i = 0; i < count; ++i) {
    nvmlDevice_t device = nullptr;
    if (const nvmlReturn_t rc = api_->GetHandleByIndex(i, &device); rc != kNvmlSuccess) {
      return Error::Io("nvmlDeviceGetHandleByIndex_v2(" + std::to_string(i) +
                       "): " + api_->Describe(rc));
    }
    GpuInfo info;
    info.index = static_cast<int>(i);
    char text[kNvmlStringBuffer] = "";
    if (api_->GetUuid(device, text, sizeof text) == kNvmlSuccess) info.uuid = text;
    text[0] = '\0';
    if (api_->GetName(device, text, sizeof text) == kNvmlSuccess) info.name = text;
    if (nvmlMemory_t memory{}; api_->GetMemoryInfo(device, &memory) == kNvmlSuccess) {
      info.memory_total_bytes = memory.total;
    }
    info.driver_version = driver;
    info.cuda_version = cuda;
    gpus.push_back(std::move(info));
  }
  return gpus;
}

Result<std::vector<GpuSample>> NvmlInventory::Sample(const std::vector<int>& indices) {
  unsigned int count = 0;
  if (const nvmlReturn_t rc = api_->GetCount(&count); rc != kNvmlSuccess) {
    return Error::Io("nvmlDeviceGetCount_v2: " + api_->Describe(rc));
  }
  std::vector<GpuSample> samples;
  for (int index : indices) {
    if (index < 0 || static_cast<unsigned int>(index) >= count) continue;
    nvmlDevice_t device = nullptr;
    if (api_->GetHandleByIndex(static_cast<unsigned int>(index), &device) != kNvmlSuccess) {
      continue;  // e.g. the GPU fell off the bus: no reading, not a failed sweep
    }
    GpuSample s{index, kNaN, kNaN, kNaN, kNaN};
    if (nvmlUtilization_t u{}; api_->GetUtilization(device, &u) == kNvmlSuccess) {
      s.utilization_percent = u.gpu;
    }
    if (nvmlMemory_t m{}; api_->GetMemoryInfo(device, &m) == kNvmlSuccess) {
      s.memory_used_bytes = static_cast<double>(m.used);
    }
    if (unsigned int mw = 0; api_->GetPowerUsage(device, &mw) == kNvmlSuccess) {
      s.power_watts = mw / kMilliwattsPerWatt;
    }
    if (unsigned int c = 0; api_->GetTemperature(device, kNvmlTemperatureGpu, &c) == kNvmlSuccess) {
      s.temperature_c = c;
    }
    samples.push_back(s);
  }
  return samples;
}

}  // namespace sweep
