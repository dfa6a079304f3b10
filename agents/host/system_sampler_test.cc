#include "agents/host/system_sampler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <thread>

#include "agents/host/process_table.h"
#include "agents/host/test_child.h"

namespace sweep {
namespace {

double Now() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

// CPU clock ticks used so far by the process tree of `pid`.
std::uint64_t TreeCpuTicks(int pid) {
  std::uint64_t ticks = 0;
  for (const ProcessStat& p : ProcessTable::Read().Tree(pid)) ticks += p.cpu_ticks;
  return ticks;
}

// Waits until the tree of `pid` has used CPU beyond `ticks`, so a sample
// taken afterwards must see CPU use; generous, for loaded machines.
bool WaitForCpuBeyond(int pid, std::uint64_t ticks) {
  constexpr auto kTimeout = std::chrono::seconds(30);
  constexpr auto kPoll = std::chrono::milliseconds(20);
  for (const auto deadline = std::chrono::steady_clock::now() + kTimeout;
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(kPoll)) {
    if (TreeCpuTicks(pid) > ticks) return true;
  }
  return false;
}

std::map<std::string, MetricPoint> ByKey(const std::vector<MetricPoint>& points) {
  std::map<std::string, MetricPoint> out;
  for (const MetricPoint& p : points) out[p.key] = p;
  return out;
}

TEST(SystemSamplerTest, BusyTreeReportsCpuAndMemory) {
  TestChild child("sleep 30 & yes > /dev/null");
  ASSERT_GT(child.pid(), 0);
  SystemSampler sampler(nullptr);
  sampler.Track("run-1", child.pid(), {}, Now());
  ASSERT_TRUE(WaitForCpuBeyond(child.pid(), TreeCpuTicks(child.pid())));
  const double t1 = Now();
  auto first = sampler.Sample(t1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].first, "run-1");
  auto points = ByKey(first[0].second);
  ASSERT_TRUE(points.count("system/cpu_percent"));
  ASSERT_TRUE(points.count("system/rss_bytes"));
  EXPECT_GT(points["system/cpu_percent"].value, 0);
  EXPECT_GT(points["system/rss_bytes"].value, 0);
  EXPECT_EQ(points["system/rss_bytes"].step, 0);
  EXPECT_DOUBLE_EQ(points["system/rss_bytes"].time, t1);

  ASSERT_TRUE(WaitForCpuBeyond(child.pid(), TreeCpuTicks(child.pid())));
  auto second = sampler.Sample(Now());
  ASSERT_EQ(second.size(), 1u);
  auto later = ByKey(second[0].second);
  EXPECT_GT(later["system/cpu_percent"].value, 0);
  EXPECT_EQ(later["system/cpu_percent"].step, 1);
}

TEST(SystemSamplerTest, IdleTreeUsesAlmostNoCpuAndGoneTreeReportsNothing) {
  double now = Now();
  SystemSampler sampler(nullptr);
  {
    TestChild child("sleep 30");
    sampler.Track("idle", child.pid(), {}, now);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto samples = sampler.Sample(Now());
    ASSERT_EQ(samples.size(), 1u);
    // A sleeping process: far below one busy core.
    EXPECT_LT(ByKey(samples[0].second)["system/cpu_percent"].value, 20);
  }
  // Killed; its children may take a moment to die and be reaped by init.
  bool gone = false;
  for (int attempt = 0; attempt < 100 && !gone; ++attempt) {
    gone = sampler.Sample(Now()).empty();
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(gone);
  sampler.Untrack("idle");
  EXPECT_EQ(sampler.tracked(), 0u);
}

TEST(SystemSamplerTest, GpuReadingsPerGrantedGpuSkippingNaN) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  StaticInventory gpus({{0, "GPU-0", "A100", 0, "", ""}, {1, "GPU-1", "A100", 0, "", ""}},
                       {{0, 50, 1e9, 200, 60}, {1, 90, 2e9, nan, 70}});
  SystemSampler sampler(&gpus);
  // A pid that does not exist: only GPU points come back.
  sampler.Track("run-gpu", 999999999, {1}, 0);
  auto samples = sampler.Sample(10);
  ASSERT_EQ(samples.size(), 1u);
  auto points = ByKey(samples[0].second);
  EXPECT_EQ(points.size(), 3u);  // power is NaN: left out
  EXPECT_DOUBLE_EQ(points["system/gpu.1.utilization_percent"].value, 90);
  EXPECT_DOUBLE_EQ(points["system/gpu.1.memory_used_bytes"].value, 2e9);
  EXPECT_DOUBLE_EQ(points["system/gpu.1.temperature_c"].value, 70);
  EXPECT_FALSE(points.count("system/gpu.0.utilization_percent"));
  EXPECT_FALSE(points.count("system/cpu_percent"));
}

}  // namespace
}  // namespace sweep
