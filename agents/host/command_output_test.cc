#include "agents/host/command_output.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

TEST(RunCommandTest, CapturesStdoutStderrAndExitCode) {
  auto out = RunCommand({"sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->stdout_text, "out\n");
  EXPECT_EQ(out->stderr_text, "err\n");
  EXPECT_EQ(out->exit_code, 3);
  EXPECT_FALSE(out->truncated);
}

TEST(RunCommandTest, ArgumentsAreNotInterpretedByAShell) {
  auto out = RunCommand({"echo", "$HOME", "a;b"});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->stdout_text, "$HOME a;b\n");
}

TEST(RunCommandTest, MissingProgramIsNotFound) {
  auto out = RunCommand({"sweep-no-such-program-xyz"});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, ErrorCode::kNotFound);
}

TEST(RunCommandTest, TimeoutKillsTheProgram) {
  const auto start = std::chrono::steady_clock::now();
  auto out = RunCommand({"sleep", "30"}, std::chrono::milliseconds(200));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, ErrorCode::kIo);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(RunCommandTest, EmptyArgvIsInvalid) {
  auto out = RunCommand({});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace sweep
