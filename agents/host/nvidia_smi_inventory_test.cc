// NvidiaSmiInventory against tests/fakes/nvidia-smi, NVML loading, and the
// detection order.
#include "agents/host/nvidia_smi_inventory.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "agents/host/nvml_inventory.h"

namespace sweep {
namespace {

// Puts `dir` first on PATH for the test's lifetime.
class ScopedPath {
 public:
  explicit ScopedPath(const std::string& path) {
    const char* old = std::getenv("PATH");
    had_ = old != nullptr;
    if (had_) old_ = old;
    ::setenv("PATH", path.c_str(), 1);
  }
  ~ScopedPath() {
    if (had_) ::setenv("PATH", old_.c_str(), 1); else ::unsetenv("PATH");
  }

 private:
  bool had_ = false;
  std::string old_;
};

std::string WithFakes() {
  const char* path = std::getenv("PATH");
  return std::string(SWEEP_TEST_FAKES_DIR) + ":" + (path ? path : "/usr/bin:/bin");
}

TEST(NvidiaSmiInventoryTest, ListParsesFieldsAndNotAvailable) {
  ScopedPath path(WithFakes());
  NvidiaSmiInventory smi;
  auto gpus = smi.List();
  ASSERT_TRUE(gpus.ok()) << gpus.error().message;
  ASSERT_EQ(gpus->size(), 2u);
  const GpuInfo& h100 = (*gpus)[0];
  EXPECT_EQ(h100.index, 0);
  EXPECT_EQ(h100.uuid, "GPU-11111111-2222-3333-4444-555555555555");
  EXPECT_EQ(h100.name, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(h100.memory_total_bytes, 81559ull * 1024 * 1024);
  EXPECT_EQ(h100.driver_version, "550.54.15");
  EXPECT_EQ(h100.cuda_version, "12.4");
  EXPECT_EQ((*gpus)[1].name, "NVIDIA GeForce RTX 4090");
  EXPECT_EQ((*gpus)[1].memory_total_bytes, 0u);  // [N/A]
}

TEST(NvidiaSmiInventoryTest, SampleFiltersIndicesAndMapsNotAvailableToNaN) {
  ScopedPath path(WithFakes());
  NvidiaSmiInventory smi;
  auto samples = smi.Sample({1, 0, 7});
  ASSERT_TRUE(samples.ok()) << samples.error().message;
  ASSERT_EQ(samples->size(), 2u);  // 7 is not present
  const GpuSample& one = (*samples)[0];
  EXPECT_EQ(one.index, 1);
  EXPECT_TRUE(std::isnan(one.utilization_percent));
  EXPECT_DOUBLE_EQ(one.memory_used_bytes, 1024.0 * 1024 * 1024);
  EXPECT_TRUE(std::isnan(one.power_watts));
  EXPECT_DOUBLE_EQ(one.temperature_c, 41);
  const GpuSample& zero = (*samples)[1];
  EXPECT_EQ(zero.index, 0);
  EXPECT_DOUBLE_EQ(zero.utilization_percent, 87);
  EXPECT_DOUBLE_EQ(zero.power_watts, 312.45);
}

TEST(NvidiaSmiInventoryTest, MissingProgramFails) {
  NvidiaSmiInventory smi("/nonexistent/nvidia-smi");
  auto gpus = smi.List();
  ASSERT_FALSE(gpus.ok());
  EXPECT_EQ(gpus.error().code, ErrorCode::kNotFound);
}

TEST(NvmlInventoryTest, MissingLibraryFailsCleanly) {
  auto nvml = NvmlInventory::Open("libsweep-no-such-nvml.so.1");
  ASSERT_FALSE(nvml.ok());
  EXPECT_EQ(nvml.error().code, ErrorCode::kNotFound);
}

TEST(NvmlInventoryTest, LibraryWithoutNvmlSymbolsFailsCleanly) {
  auto nvml = NvmlInventory::Open("libc.so.6");
  ASSERT_FALSE(nvml.ok());
  EXPECT_EQ(nvml.error().code, ErrorCode::kIo);
  EXPECT_NE(nvml.error().message.find("nvmlInit_v2"), std::string::npos);
}

TEST(NvmlInventoryTest, RealLibraryEitherAbsentOrListsGpus) {
  auto nvml = NvmlInventory::Open();
  if (!nvml.ok()) {
    SUCCEED() << "no NVML here: " << nvml.error().message;
    return;
  }
  auto gpus = (*nvml)->List();
  ASSERT_TRUE(gpus.ok()) << gpus.error().message;
  ASSERT_FALSE(gpus->empty());
  EXPECT_FALSE(gpus->front().name.empty());
  EXPECT_FALSE(gpus->front().uuid.empty());
  EXPECT_GT(gpus->front().memory_total_bytes, 0u);
  auto samples = (*nvml)->Sample({gpus->front().index});
  ASSERT_TRUE(samples.ok());
  ASSERT_EQ(samples->size(), 1u);
  EXPECT_GT(samples->front().memory_used_bytes, 0);
}

TEST(DetectGpuInventoryTest, FallsBackToNvidiaSmiThenNone) {
  const bool has_nvml = NvmlInventory::Open().ok();
  {
    ScopedPath path(WithFakes());
    auto inventory = DetectGpuInventory();
    ASSERT_NE(inventory, nullptr);
    EXPECT_EQ(inventory->source(), has_nvml ? "nvml" : "nvidia-smi");
  }
  if (!has_nvml) {
    ScopedPath path("/nonexistent");
    EXPECT_EQ(DetectGpuInventory(), nullptr);
  }
}

}  // namespace
}  // namespace sweep
