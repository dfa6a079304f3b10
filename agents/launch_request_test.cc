#include <functional>
#include <gtest/gtest.h>

#include "agents/trial_runner.h"

namespace sweep {
namespace {

LaunchRequest Valid() {
  LaunchRequest r;
  r.run_id = "r1";
  r.argv = {"/bin/true"};
  r.log_dir = "/tmp/sweep-logs";
  return r;
}

TEST(ValidateLaunchRequest, AcceptsAValidRequest) { EXPECT_TRUE(ValidateLaunchRequest(Valid()).ok()); }

TEST(ValidateLaunchRequest, RejectsBadRequests) {
  std::vector<std::function<void(LaunchRequest&)>> breakers = {
      [](LaunchRequest& r) { r.run_id.clear(); },
      [](LaunchRequest& r) { r.argv.clear(); },
      [](LaunchRequest& r) { r.argv = {""}; },
      [](LaunchRequest& r) { r.argv.push_back(std::string("a\0b", 3)); },
      [](LaunchRequest& r) { r.log_dir.clear(); },
      [](LaunchRequest& r) { r.log_dir = "relative/logs"; },
      [](LaunchRequest& r) { r.working_dir = "relative"; },
      [](LaunchRequest& r) { r.env["A=B"] = "x"; },
      [](LaunchRequest& r) { r.env[""] = "x"; },
      [](LaunchRequest& r) { r.timeout = std::chrono::milliseconds(0); },
  };
  for (std::size_t i = 0; i < breakers.size(); ++i) {
    LaunchRequest r = Valid();
    breakers[i](r);
    Status s = ValidateLaunchRequest(r);
    ASSERT_FALSE(s.ok()) << "case " << i;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidInput) << "case " << i;
  }
}

}  // namespace
}  // namespace sweep
