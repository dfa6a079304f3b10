#include "agents/fake_runner.h"

#include <gtest/gtest.h>

#include <csignal>

#include "agents/recording_events.h"

namespace sweep {
namespace {

using std::chrono::milliseconds;

LaunchRequest Request(const std::string& run_id, std::vector<std::string> argv = {"train"}) {
  LaunchRequest r;
  r.run_id = run_id;
  r.argv = std::move(argv);
  r.log_dir = "/tmp/fake-runner/" + run_id;
  return r;
}

MetricPoint Point(const std::string& key, std::int64_t step, double value) { return {key, step, value, 0}; }

void RunUntilIdle(FakeRunner& runner) {
  // A bound on Poll calls so a bug cannot loop forever.
  constexpr int kMaxPolls = 1000;
  for (int i = 0; i < kMaxPolls && runner.active() > 0; ++i) runner.Poll(milliseconds(60000));
}

TEST(FakeRunner, ScriptedTrialTimeline) {
  RecordingEvents events;
  FakeRunner runner(events);
  FakeTrialScript script;
  script.points = {Point("loss", 0, 1.0), Point("loss", 1, 0.5)};
  script.duration = milliseconds(3000);
  script.channel_messages = {{"summary", R"({"t":"summary","data":{}})"}};
  runner.SetRunScript("a", script);
  ASSERT_TRUE(runner.Launch(Request("a")).ok());
  EXPECT_EQ(runner.active(), 1u);
  EXPECT_TRUE(events.log.empty()) << "events only come from Poll";

  runner.Poll(milliseconds(0));
  EXPECT_EQ(events.log, (std::vector<std::string>{"start a"}));
  runner.Poll(milliseconds(500));  // first point is due at 1000 ms
  EXPECT_EQ(events.log.size(), 1u);
  EXPECT_EQ(runner.now(), milliseconds(500));
  runner.Poll(milliseconds(10000));
  EXPECT_EQ(runner.now(), milliseconds(1000));
  ASSERT_EQ(events.points["a"].size(), 1u);
  EXPECT_DOUBLE_EQ(events.points["a"][0].time, 1.0);
  RunUntilIdle(runner);
  EXPECT_EQ(events.log, (std::vector<std::string>{"start a", "metric a loss", "metric a loss", "message a summary",
                                                  "exit a"}));
  EXPECT_EQ(runner.now(), milliseconds(3000));
  EXPECT_EQ(events.exits["a"].exit_code, 0);
  EXPECT_EQ(runner.active(), 0u);
}

TEST(FakeRunner, PredicateDefaultAndDeterministicOrder) {
  RecordingEvents events;
  FakeRunner runner(events);
  FakeTrialScript fail;
  fail.exit.exit_code = 3;
  fail.duration = milliseconds(100);
  runner.SetScript([](const LaunchRequest& r) { return r.argv.size() > 1 && r.argv[1] == "--bad"; }, fail);
  FakeTrialScript ok;
  ok.duration = milliseconds(100);
  runner.SetDefaultScript(ok);
  ASSERT_TRUE(runner.Launch(Request("x", {"train", "--good"})).ok());
  ASSERT_TRUE(runner.Launch(Request("y", {"train", "--bad"})).ok());
  RunUntilIdle(runner);
  EXPECT_EQ(events.log, (std::vector<std::string>{"start x", "start y", "exit x", "exit y"}));
  EXPECT_EQ(events.exits["x"].exit_code, 0);
  EXPECT_EQ(events.exits["y"].exit_code, 3);
  EXPECT_EQ(events.pids["x"], FakeRunner::kFirstFakePid);
  EXPECT_EQ(events.pids["y"], FakeRunner::kFirstFakePid + 1);
  ASSERT_EQ(runner.launched().size(), 2u);
  EXPECT_EQ(runner.launched()[1].argv[1], "--bad");
}

TEST(FakeRunner, TerminateEndsNowAndDropsLaterPoints) {
  RecordingEvents events;
  FakeRunner runner(events);
  FakeTrialScript script;
  script.points = {Point("loss", 0, 1), Point("loss", 1, 2), Point("loss", 2, 3)};
  script.duration = milliseconds(4000);
  runner.SetDefaultScript(script);
  ASSERT_TRUE(runner.Launch(Request("a")).ok());
  runner.Poll(milliseconds(0));
  runner.Poll(milliseconds(1500));  // point 0 at 1000
  runner.Terminate("a");
  RunUntilIdle(runner);
  EXPECT_EQ(events.points["a"].size(), 1u);
  EXPECT_TRUE(events.exits["a"].terminated);
  EXPECT_EQ(events.exits["a"].signal, SIGTERM);
  EXPECT_EQ(runner.now(), milliseconds(1000));
}

TEST(FakeRunner, TimeoutShorterThanDuration) {
  RecordingEvents events;
  FakeRunner runner(events);
  LaunchRequest r = Request("a");
  r.timeout = milliseconds(200);
  ASSERT_TRUE(runner.Launch(r).ok());
  RunUntilIdle(runner);
  EXPECT_TRUE(events.exits["a"].timed_out);
  EXPECT_FALSE(events.exits["a"].exit_code);
  EXPECT_EQ(runner.now(), milliseconds(200));
}

TEST(FakeRunner, LaunchErrorHasNoStart) {
  RecordingEvents events;
  FakeRunner runner(events);
  FakeTrialScript script;
  script.exit = TrialExit{};
  script.exit.launch_error = "not found";
  runner.SetDefaultScript(script);
  ASSERT_TRUE(runner.Launch(Request("a")).ok());
  RunUntilIdle(runner);
  EXPECT_EQ(events.log, (std::vector<std::string>{"exit a"}));
  EXPECT_EQ(events.exits["a"].launch_error, "not found");
}

TEST(FakeRunner, RejectsInvalidAndDuplicateRequests) {
  RecordingEvents events;
  FakeRunner runner(events);
  EXPECT_EQ(runner.Launch(Request("a", {})).error().code, ErrorCode::kInvalidInput);
  ASSERT_TRUE(runner.Launch(Request("a")).ok());
  EXPECT_EQ(runner.Launch(Request("a")).error().code, ErrorCode::kConflict);
  EXPECT_EQ(runner.launched().size(), 1u);
}

// The controller launches from OnTrialExited and terminates from OnMetrics.
class ReentrantEvents : public RecordingEvents {
 public:
  FakeRunner* runner = nullptr;
  void OnMetrics(const std::string& run_id, std::vector<MetricPoint> batch) override {
    RecordingEvents::OnMetrics(run_id, std::move(batch));
    runner->Terminate(run_id);
  }
  void OnTrialExited(const std::string& run_id, const TrialExit& exit) override {
    RecordingEvents::OnTrialExited(run_id, exit);
    if (run_id == "a") {
      EXPECT_TRUE(runner->Launch(Request("b")).ok());
    }
  }
};

TEST(FakeRunner, CallbacksMayLaunchAndTerminate) {
  ReentrantEvents events;
  FakeRunner runner(events);
  events.runner = &runner;
  FakeTrialScript script;
  script.points = {Point("loss", 0, 1), Point("loss", 1, 2)};
  runner.SetDefaultScript(script);
  ASSERT_TRUE(runner.Launch(Request("a")).ok());
  RunUntilIdle(runner);
  EXPECT_EQ(events.log, (std::vector<std::string>{"start a", "metric a loss", "exit a", "start b", "metric b loss",
                                                  "exit b"}));
  EXPECT_TRUE(events.exits["a"].terminated);
  EXPECT_EQ(runner.launched().size(), 2u);
}

TEST(FakeRunner, InterruptIsDeliveredByPoll) {
  RecordingEvents events;
  FakeRunner runner(events);
  runner.Interrupt(SIGINT);
  EXPECT_TRUE(events.interrupts.empty());
  runner.Poll(milliseconds(0));
  EXPECT_EQ(events.interrupts, (std::vector<int>{SIGINT}));
}

}  // namespace
}  // namespace sweep
