#include "sweep/cli/event_stream.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace sweep::cli {
namespace {

TEST(EventStream, MetricEventsLeaveOutSystemSamples) {
  char* buffer = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&buffer, &size);
  ASSERT_NE(out, nullptr);
  {
    EventStream stream(out, "s1");
    MetricPoint loss;
    loss.key = "loss";
    loss.step = 3;
    loss.value = 0.5;
    MetricPoint cpu = loss;
    cpu.key = "system/cpu_percent";
    MetricPoint gpu = loss;
    gpu.key = "system/gpu.0.power_watts";
    stream.OnMetrics("r1", {cpu, loss, gpu});
  }
  std::fclose(out);
  const std::string text(buffer, size);
  std::free(buffer);
  EXPECT_NE(text.find("\"key\":\"loss\""), std::string::npos) << text;
  EXPECT_EQ(text.find("system/"), std::string::npos) << text;
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "one event:\n" << text;
}

}  // namespace
}  // namespace sweep::cli
