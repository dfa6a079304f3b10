#include "agents/host/gpu_slots.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

std::vector<GpuInfo> Gpus(std::vector<int> indices) {
  std::vector<GpuInfo> gpus;
  for (int i : indices) {
    gpus.push_back({i, "GPU-uuid-" + std::to_string(i), "NVIDIA A100", 80ull << 30, "550.54.15", "12.4"});
  }
  return gpus;
}

std::vector<int> Indices(const GpuGrant& grant) {
  std::vector<int> out;
  for (const GpuInfo& g : grant.gpus) out.push_back(g.index);
  return out;
}

TEST(GpuSlotsTest, OneGpuPerTrialNeverShares) {
  auto slots = GpuSlots::Create(Gpus({0, 1}), 1);
  ASSERT_TRUE(slots.ok());
  EXPECT_EQ(slots->capacity_trials(), 2);
  auto a = slots->TryAcquire("a");
  auto b = slots->TryAcquire("b");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(Indices(*a), std::vector<int>{0});
  EXPECT_EQ(Indices(*b), std::vector<int>{1});
  EXPECT_EQ(slots->free(), 0);
  EXPECT_FALSE(slots->TryAcquire("c").has_value());  // busy: the trial waits
}

TEST(GpuSlotsTest, ReleaseThenReuseLowestFree) {
  auto slots = GpuSlots::Create(Gpus({3, 1, 0}), 1);  // unordered input
  ASSERT_TRUE(slots.ok());
  ASSERT_EQ(Indices(*slots->TryAcquire("a")), std::vector<int>{0});
  ASSERT_EQ(Indices(*slots->TryAcquire("b")), std::vector<int>{1});
  ASSERT_EQ(Indices(*slots->TryAcquire("c")), std::vector<int>{3});
  slots->Release("b");
  EXPECT_EQ(slots->free(), 1);
  auto d = slots->TryAcquire("d");
  ASSERT_TRUE(d);
  EXPECT_EQ(Indices(*d), std::vector<int>{1});
  slots->Release("unknown");  // ignored
  EXPECT_EQ(slots->free(), 0);
}

TEST(GpuSlotsTest, TwoGpusPerTrialOverFour) {
  auto slots = GpuSlots::Create(Gpus({0, 1, 2, 3}), 2);
  ASSERT_TRUE(slots.ok());
  EXPECT_EQ(slots->capacity_trials(), 2);
  auto a = slots->TryAcquire("a");
  auto b = slots->TryAcquire("b");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(Indices(*a), (std::vector<int>{0, 1}));
  EXPECT_EQ(Indices(*b), (std::vector<int>{2, 3}));
  EXPECT_FALSE(slots->TryAcquire("c"));
  slots->Release("a");
  auto c = slots->TryAcquire("c");
  ASSERT_TRUE(c);
  EXPECT_EQ(Indices(*c), (std::vector<int>{0, 1}));
}

TEST(GpuSlotsTest, OddGpuLeftOverIsNotHalfGranted) {
  auto slots = GpuSlots::Create(Gpus({0, 1, 2}), 2);
  ASSERT_TRUE(slots.ok());
  EXPECT_EQ(slots->capacity_trials(), 1);
  ASSERT_TRUE(slots->TryAcquire("a"));
  EXPECT_EQ(slots->free(), 1);
  EXPECT_FALSE(slots->TryAcquire("b"));
  EXPECT_EQ(slots->free(), 1);  // a failed acquire takes nothing
}

TEST(GpuSlotsTest, AcquireIsIdempotentPerRun) {
  auto slots = GpuSlots::Create(Gpus({0, 1}), 1);
  ASSERT_TRUE(slots.ok());
  auto first = slots->TryAcquire("a");
  auto again = slots->TryAcquire("a");
  ASSERT_TRUE(first && again);
  EXPECT_EQ(Indices(*first), Indices(*again));
  EXPECT_EQ(slots->free(), 1);
}

TEST(GpuSlotsTest, ConstructionErrors) {
  EXPECT_FALSE(GpuSlots::Create(Gpus({0, 1}), 3).ok());
  EXPECT_FALSE(GpuSlots::Create(Gpus({0}), 0).ok());
  EXPECT_FALSE(GpuSlots::Create({}, 1).ok());
  EXPECT_FALSE(GpuSlots::Create(Gpus({0, 0}), 1).ok());
  EXPECT_EQ(GpuSlots::Create(Gpus({0, 1}), 3).error().code, ErrorCode::kInvalidInput);
}

TEST(GpuSlotsTest, EnvironmentAndTags) {
  auto slots = GpuSlots::Create(Gpus({1, 3}), 2);
  ASSERT_TRUE(slots.ok());
  auto grant = slots->TryAcquire("a");
  ASSERT_TRUE(grant);
  auto env = GpuEnvironment(*grant);
  EXPECT_EQ(env["CUDA_VISIBLE_DEVICES"], "1,3");
  EXPECT_EQ(env["SWEEP_GPU_IDS"], "1,3");
  EXPECT_EQ(env["CUDA_DEVICE_ORDER"], "PCI_BUS_ID");
  auto tags = GpuTags(*grant);
  EXPECT_EQ(tags["gpu.ids"], "1,3");
  EXPECT_EQ(tags["gpu.uuids"], "GPU-uuid-1,GPU-uuid-3");
  EXPECT_EQ(tags["gpu.names"], "NVIDIA A100,NVIDIA A100");
}

}  // namespace
}  // namespace sweep
