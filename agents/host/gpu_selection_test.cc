#include "agents/host/gpu_selection.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

std::vector<GpuInfo> Present() {
  return {{0, "GPU-aaaa-0", "A100", 0, "", ""},
          {1, "GPU-bbbb-1", "A100", 0, "", ""},
          {2, "GPU-cccc-2", "A100", 0, "", ""},
          {3, "GPU-dddd-3", "A100", 0, "", ""}};
}

std::vector<int> Indices(const std::vector<GpuInfo>& gpus) {
  std::vector<int> out;
  for (const GpuInfo& g : gpus) out.push_back(g.index);
  return out;
}

TEST(GpuSelectionTest, AllAndList) {
  auto all = ParseGpuSelection("all", Present(), std::nullopt);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Indices(*all), (std::vector<int>{0, 1, 2, 3}));
  auto some = ParseGpuSelection("3,0,1", Present(), std::nullopt);
  ASSERT_TRUE(some.ok()) << some.error().message;
  EXPECT_EQ(Indices(*some), (std::vector<int>{0, 1, 3}));
}

TEST(GpuSelectionTest, AllHonoursInheritedCudaVisibleDevices) {
  auto by_index = ParseGpuSelection("all", Present(), std::string("2,0"));
  ASSERT_TRUE(by_index.ok()) << by_index.error().message;
  EXPECT_EQ(Indices(*by_index), (std::vector<int>{0, 2}));
  auto by_uuid = ParseGpuSelection("all", Present(), std::string("GPU-dddd"));
  ASSERT_TRUE(by_uuid.ok()) << by_uuid.error().message;
  EXPECT_EQ(Indices(*by_uuid), std::vector<int>{3});
  EXPECT_FALSE(ParseGpuSelection("all", Present(), std::string("")).ok());
  EXPECT_FALSE(ParseGpuSelection("all", Present(), std::string("7")).ok());
  // An explicit list overrides the inherited variable.
  auto explicit_list = ParseGpuSelection("1", Present(), std::string("0"));
  ASSERT_TRUE(explicit_list.ok());
  EXPECT_EQ(Indices(*explicit_list), std::vector<int>{1});
}

TEST(GpuSelectionTest, Errors) {
  for (const char* bad : {"", "0,,1", "a", "1-2", "-1", "0,1,", " "}) {
    auto r = ParseGpuSelection(bad, Present(), std::nullopt);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
  }
  auto dup = ParseGpuSelection("1,1", Present(), std::nullopt);
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("twice"), std::string::npos);
  auto absent = ParseGpuSelection("0,9", Present(), std::nullopt);
  ASSERT_FALSE(absent.ok());
  EXPECT_NE(absent.error().message.find("not present"), std::string::npos);
  auto none = ParseGpuSelection("all", {}, std::nullopt);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("no NVIDIA GPU"), std::string::npos);
}

}  // namespace
}  // namespace sweep
