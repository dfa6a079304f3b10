// SweepController driven by the scripted FakeRunner (virtual clock, no
// processes) against a real SQLite store in a temporary folder, so every
// check reads back what the controller actually recorded. The controller's
// own clock follows the fake runner's, so its timers (heartbeats, metric
// flushes, max_runtime) are tested without sleeping.
#include "sweep/controller.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "agents/fake_runner.h"
#include "sweep/clock.h"
#include "sweep/failure_policy.h"
#include "sweep/objective.h"
#include "sweep/optimizer_setup.h"
#include "sweep/proposal.h"
#include "sweep/reaper.h"
#include "sweep/spec/spec_parser.h"
#include "tests/test_support.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;
using testing::OpenTestStore;
using testing::SpecText;
using testing::TempDir;

constexpr const char* kHost = "testhost";
constexpr const char* kMetric = "loss";

// The program is never run: the fake runner plays its part.
constexpr const char* kProgram = "train.py";

// A grid over lr in `values` (a YAML list's items).
SpecText LrGrid(const std::string& values) { return SpecText(kProgram).Values("lr", values); }

// A grid over lr (3 values) x bs (2 values) = 6 points, minimizing `loss`.
SpecText GridSpec() { return LrGrid("0.1, 0.2, 0.3").Values("bs", "1, 2").Minimize(kMetric); }
constexpr int kGridPoints = 6;

// A timer is checked after every poll, so it fires at most one poll interval
// after it is due; a test looks one poll later still.
constexpr auto kTimerSlack = 2 * kControllerPollInterval;

double Seconds(std::chrono::milliseconds d) { return std::chrono::duration<double>(d).count(); }

// The controller's clock in these tests: it moves only when HookedRunner
// advances it, by as much virtual time as the fake runner's Poll took, so
// hours of trial pass in microseconds and every timer fires at a known time.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(double wall_origin) : wall_origin_(wall_origin) {}
  std::chrono::steady_clock::time_point SteadyNow() const override {
    return std::chrono::steady_clock::time_point(elapsed_);
  }
  double WallSeconds() const override { return wall_origin_ + Seconds(elapsed_); }
  void Advance(std::chrono::milliseconds by) { elapsed_ += by; }
  std::chrono::milliseconds elapsed() const { return elapsed_; }

 private:
  double wall_origin_;
  std::chrono::milliseconds elapsed_{0};
};

MetricPoint Loss(std::int64_t step, double value) { return MetricPoint{kMetric, step, value, 0}; }

// A trial that logs `values` of the sweep metric, one per step, then exits 0.
FakeTrialScript Logs(std::vector<double> values, std::chrono::milliseconds duration = std::chrono::milliseconds(1000)) {
  FakeTrialScript script;
  for (std::size_t i = 0; i < values.size(); ++i) script.points.push_back(Loss(static_cast<std::int64_t>(i), values[i]));
  script.duration = duration;
  return script;
}

FakeTrialScript ExitsWith(int code) {
  FakeTrialScript script;
  script.exit.exit_code = code;
  script.exit.stderr_tail = "Traceback: boom";
  return script;
}

// True when the trial's command line carries `--name=value`.
FakeRunner::Predicate HasArg(const std::string& arg) {
  return [arg](const LaunchRequest& r) { return std::find(r.argv.begin(), r.argv.end(), arg) != r.argv.end(); };
}

std::string Env(const LaunchRequest& r, const std::string& key) {
  auto it = r.env.find(key);
  return it == r.env.end() ? "" : it->second;
}

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) out.push_back(part);
  return out;
}

// Records what the controller reported, and checks GPU exclusivity as trials
// start and end.
class RecordingObserver : public ControllerObserver {
 public:
  void OnRunStarted(const RunRecord& run) override {
    started.push_back(run.id);
    ++live;
    max_live = std::max(max_live, live);
    if (runner != nullptr) {
      for (const auto& request : runner->launched()) {
        if (request.run_id != run.id) continue;
        for (const auto& gpu : SplitComma(Env(request, "CUDA_VISIBLE_DEVICES"))) {
          if (!gpus_in_use.insert(gpu).second) gpu_conflicts.push_back(run.id + " got busy GPU " + gpu);
          gpus_of[run.id].push_back(gpu);
        }
      }
    }
    if (interrupts_at_first_start > 0 && runner != nullptr && started.size() == 1) {
      for (int i = 0; i < interrupts_at_first_start; ++i) runner->Interrupt(SIGINT);
    }
  }
  void OnRunEnded(const RunRecord& run, std::optional<double> objective) override {
    ended.push_back(run.id);
    objectives.push_back(objective);
    --live;
    for (const auto& gpu : gpus_of[run.id]) gpus_in_use.erase(gpu);
  }
  void OnInterrupt(int presses) override { interrupt_presses.push_back(presses); }
  void OnGiveUp(const std::string& message) override { give_ups.push_back(message); }

  FakeRunner* runner = nullptr;
  int interrupts_at_first_start = 0;
  std::vector<std::string> started, ended, give_ups;
  std::vector<std::optional<double>> objectives;
  std::vector<int> interrupt_presses;
  int live = 0, max_live = 0;
  std::set<std::string> gpus_in_use;
  std::map<std::string, std::vector<std::string>> gpus_of;
  std::vector<std::string> gpu_conflicts;
};

// Forwards to a FakeRunner and moves the controller's clock along with the
// fake's virtual one, with hooks a test can use to script a trial from its
// request (its run folder is known only then) or to act between polls.
class HookedRunner final : public TrialRunner {
 public:
  HookedRunner(FakeRunner& fake, ManualClock& clock) : fake_(fake), clock_(clock) {}
  std::function<void(FakeRunner&, const LaunchRequest&)> on_launch;
  std::function<void(FakeRunner&)> after_poll;

  Status Launch(const LaunchRequest& request) override {
    if (on_launch) on_launch(fake_, request);
    return fake_.Launch(request);
  }
  void Terminate(const std::string& run_id) override { fake_.Terminate(run_id); }
  void TerminateAll() override { fake_.TerminateAll(); }
  std::size_t active() const override { return fake_.active(); }
  void Poll(std::chrono::milliseconds max_wait) override {
    const auto before = fake_.now();
    fake_.Poll(max_wait);
    clock_.Advance(fake_.now() - before);
    if (after_poll) after_poll(fake_);
  }

 private:
  FakeRunner& fake_;
  ManualClock& clock_;
};

class ControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenTestStore(dir_);
    ASSERT_NE(store_, nullptr);
  }

  // Parses `yaml` and creates its sweep in the store.
  void UseSpec(const std::string& yaml) {
    auto parsed = ParseSweepSpec(yaml, (dir_ / "spec.yaml").string());
    ASSERT_TRUE(parsed.ok()) << (parsed.diagnostics.empty() ? "" : parsed.diagnostics[0].ToString());
    spec_ = std::make_unique<SweepSpec>(*parsed.spec);
    SweepRecord record;
    record.name = "test";
    record.method = std::string(SearchMethodName(spec_->method));
    record.metric_name = spec_->metric.name;
    record.goal = spec_->metric.goal;
    record.spec_text = yaml;
    record.seed = 7;
    auto created = store_->CreateSweep(record);
    ASSERT_TRUE(created.ok()) << created.error().message;
    sweep_ = *created;
  }

  ControllerOptions Options() {
    ControllerOptions options;
    options.launch.runs_root = dir_ / "runs";
    options.launch.working_dir = dir_.path();
    options.host = kHost;
    options.agent_id = std::string(kHost) + ":" + std::to_string(::getpid());
    options.clock = &clock_;
    return options;
  }

  // Runs a controller to its end; `script` configures the fake runner.
  Result<SweepOutcome> RunSweep(ControllerOptions options, const std::function<void(FakeRunner&)>& script = {},
                                const std::function<void(HookedRunner&)>& hooks = {}) {
    auto optimizer = MakeOptimizer(OptimizerOptionsFor(*spec_, sweep_.seed));
    if (!optimizer.ok()) return optimizer.error();
    SweepController controller(*store_, *spec_, sweep_, **optimizer, std::move(options), &observer_);
    runner_ = std::make_unique<FakeRunner>(controller);
    observer_.runner = runner_.get();
    if (script) script(*runner_);
    HookedRunner hooked(*runner_, clock_);
    if (hooks) hooks(hooked);
    auto outcome = controller.Run(hooked);
    observer_.runner = nullptr;
    return outcome;
  }

  std::vector<RunRecord> Runs() {
    auto runs = store_->ListRuns(sweep_.id);
    EXPECT_TRUE(runs.ok());
    return runs.ok() ? *runs : std::vector<RunRecord>{};
  }

  // Starts at the real time, so what the controller stores looks like any
  // other run's times next to those the store stamps itself.
  ManualClock clock_{NowSeconds()};
  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<SweepSpec> spec_;
  SweepRecord sweep_;
  RecordingObserver observer_;
  std::unique_ptr<FakeRunner> runner_;
};

TEST_F(ControllerTest, GridSweepRecordsEveryPointOnceWithStatesAndMetrics) {
  UseSpec(GridSpec());
  ControllerOptions options = Options();
  options.agents = 2;
  auto outcome = RunSweep(options, [](FakeRunner& r) { r.SetDefaultScript(Logs({3.0, 2.0, 1.5})); });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->end, SweepEnd::kExhausted);
  EXPECT_EQ(outcome->launched_by_state[TrialState::kFinished], kGridPoints);

  const auto runs = Runs();
  ASSERT_EQ(runs.size(), static_cast<std::size_t>(kGridPoints));
  std::set<std::int64_t> indices;
  std::set<std::string> configs;
  for (const auto& run : runs) {
    EXPECT_EQ(run.state, TrialState::kFinished) << run.id << ": " << run.failure_reason;
    ASSERT_TRUE(run.grid_index.has_value());
    indices.insert(*run.grid_index);
    configs.insert(run.argv.empty() ? "" : run.argv.back() + run.argv[run.argv.size() - 2]);
    ASSERT_EQ(run.summary.count(kMetric), 1u);
    EXPECT_DOUBLE_EQ(run.summary.at(kMetric).last, 1.5);
    EXPECT_DOUBLE_EQ(run.summary.at(kMetric).max, 3.0);
    EXPECT_EQ(run.summary.at(kMetric).count, 3);
    EXPECT_EQ(run.host, kHost);
    EXPECT_GE(run.pid, FakeRunner::kFirstFakePid);
    EXPECT_GT(run.started_at, 0);
    EXPECT_GE(run.ended_at, run.started_at);
    EXPECT_EQ(run.exit_code, 0);
    auto series = store_->GetMetrics(run.id, kMetric);
    ASSERT_TRUE(series.ok());
    EXPECT_EQ(series->size(), 3u);
  }
  EXPECT_EQ(indices.size(), static_cast<std::size_t>(kGridPoints));
  EXPECT_EQ(configs.size(), static_cast<std::size_t>(kGridPoints));
  EXPECT_LE(observer_.max_live, 2);
}

TEST_F(ControllerTest, RunCapEndsTheSweep) {
  UseSpec(GridSpec().With("run_cap: 4"));
  auto outcome = RunSweep(Options(), [](FakeRunner& r) { r.SetDefaultScript(Logs({1.0})); });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->end, SweepEnd::kRunCapReached);
  EXPECT_EQ(Runs().size(), 4u);
}

TEST_F(ControllerTest, CountLimitsThisInvocationAndTheNextContinues) {
  UseSpec(GridSpec());
  ControllerOptions options = Options();
  options.count = 2;
  auto first = RunSweep(options, [](FakeRunner& r) { r.SetDefaultScript(Logs({1.0})); });
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->end, SweepEnd::kCountReached);
  EXPECT_EQ(Runs().size(), 2u);

  options.count = 10;
  auto second = RunSweep(options, [](FakeRunner& r) { r.SetDefaultScript(Logs({1.0})); });
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->end, SweepEnd::kExhausted);
  EXPECT_EQ(Runs().size(), static_cast<std::size_t>(kGridPoints));
}

TEST_F(ControllerTest, MetricTargetEndsTheSweep) {
  UseSpec(LrGrid("0.1, 0.2, 0.3, 0.4, 0.5").Minimize(kMetric, 0.5));
  auto outcome = RunSweep(Options(), [](FakeRunner& r) {
    r.SetScript(HasArg("--lr=0.2"), Logs({2.0, 0.4}));
    r.SetDefaultScript(Logs({2.0, 1.0}));
  });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->end, SweepEnd::kTargetReached);
  // Grid order is lr ascending: the second run reaches the target.
  EXPECT_EQ(Runs().size(), 2u);
}

TEST_F(ControllerTest, ClassifiesFailedKilledAndFinishedRuns) {
  UseSpec(LrGrid("0.1, 0.2, 0.3, 0.4, 0.5").Minimize(kMetric).With("timeout: 10"));
  auto outcome = RunSweep(Options(), [](FakeRunner& r) {
    r.SetScript(HasArg("--lr=0.1"), ExitsWith(3));
    FakeTrialScript segv;
    segv.exit = TrialExit{};
    segv.exit.signal = SIGSEGV;
    r.SetScript(HasArg("--lr=0.2"), segv);
    r.SetScript(HasArg("--lr=0.3"), Logs({}));  // exits 0 without the metric
    r.SetScript(HasArg("--lr=0.4"), Logs({1.0}, std::chrono::seconds(60)));  // past the timeout
    r.SetDefaultScript(Logs({1.0}));
  });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->end, SweepEnd::kExhausted);
  const auto runs = Runs();
  ASSERT_EQ(runs.size(), 5u);
  EXPECT_EQ(runs[0].state, TrialState::kFailed);
  EXPECT_EQ(runs[0].exit_code, 3);
  EXPECT_NE(runs[0].failure_reason.find("exited with code 3"), std::string::npos) << runs[0].failure_reason;
  EXPECT_NE(runs[0].failure_reason.find("Traceback: boom"), std::string::npos);
  EXPECT_EQ(runs[1].state, TrialState::kFailed);
  EXPECT_EQ(runs[1].signal, SIGSEGV);
  EXPECT_NE(runs[1].failure_reason.find("SIGSEGV"), std::string::npos) << runs[1].failure_reason;
  EXPECT_EQ(runs[2].state, TrialState::kFailed);
  EXPECT_NE(runs[2].failure_reason.find("never reported"), std::string::npos) << runs[2].failure_reason;
  EXPECT_EQ(runs[3].state, TrialState::kKilled);
  EXPECT_NE(runs[3].failure_reason.find("timeout"), std::string::npos) << runs[3].failure_reason;
  EXPECT_EQ(runs[4].state, TrialState::kFinished);
  EXPECT_EQ(outcome->launched_by_state[TrialState::kFailed], 3);
  EXPECT_EQ(outcome->launched_by_state[TrialState::kKilled], 1);
}

TEST_F(ControllerTest, TimeoutReachesTheLaunchRequest) {
  UseSpec(GridSpec().With("timeout: 2.5"));
  ControllerOptions options = Options();
  options.count = 2;
  auto outcome = RunSweep(options, [](FakeRunner& r) {
    r.SetScript(HasArg("--lr=0.1"), Logs({1.0}, std::chrono::seconds(3)));
    r.SetDefaultScript(Logs({1.0}, std::chrono::seconds(2)));
  });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  ASSERT_FALSE(runner_->launched().empty());
  for (const auto& request : runner_->launched()) {
    ASSERT_TRUE(request.timeout.has_value());
    EXPECT_EQ(*request.timeout, std::chrono::milliseconds(2500));
  }
  for (const auto& run : Runs()) {
    const bool slow = std::find(run.argv.begin(), run.argv.end(), "--lr=0.1") != run.argv.end();
    EXPECT_EQ(run.state, slow ? TrialState::kKilled : TrialState::kFinished) << run.failure_reason;
  }
}

TEST_F(ControllerTest, FailedConfigIsRetriedWithTagsAndRetriesDoNotUseRunCap) {
  UseSpec(GridSpec().With("retries: 2").With("run_cap: 2"));
  auto outcome = RunSweep(Options(), [](FakeRunner& r) {
    r.SetScript(HasArg("--lr=0.1"), ExitsWith(1));
    r.SetDefaultScript(Logs({1.0}));
  });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->end, SweepEnd::kRunCapReached);
  const auto runs = Runs();
  // First point (lr=0.1) fails three times (1 + 2 retries), then one more
  // point fills the cap of 2.
  ASSERT_EQ(runs.size(), 4u);
  const std::string first = runs[0].id;
  EXPECT_EQ(runs[0].state, TrialState::kFailed);
  EXPECT_EQ(runs[0].tags.count(kTagRetryOf), 0u);
  for (int i = 1; i <= 2; ++i) {
    EXPECT_EQ(runs[i].state, TrialState::kFailed);
    EXPECT_EQ(runs[i].params, runs[0].params);
    EXPECT_EQ(runs[i].tags.at(kTagRetryOf), first);
    EXPECT_EQ(runs[i].tags.at(kTagAttempt), std::to_string(i + 1));
  }
  EXPECT_EQ(runs[3].state, TrialState::kFinished);
  EXPECT_NE(runs[3].params, runs[0].params);
  EXPECT_EQ(runs[3].tags.count(kTagRetryOf), 0u);
}

TEST_F(ControllerTest, MaxFailuresGivesUp) {
  UseSpec(GridSpec().With("max_failures: 2"));
  auto outcome = RunSweep(Options(), [](FakeRunner& r) { r.SetDefaultScript(ExitsWith(1)); });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->end, SweepEnd::kGaveUp);
  EXPECT_NE(outcome->give_up_message.find("max_failures: 2"), std::string::npos) << outcome->give_up_message;
  EXPECT_NE(outcome->give_up_message.find("Traceback: boom"), std::string::npos);
  EXPECT_EQ(Runs().size(), 2u);
  ASSERT_EQ(observer_.give_ups.size(), 1u);
}

TEST_F(ControllerTest, MaxConsecutiveFailuresGivesUp) {
  UseSpec(LrGrid("0.1, 0.2, 0.3, 0.4, 0.5, 0.6").Minimize(kMetric).With("max_consecutive_failures: 2"));
  // lr=0.1 and 0.3 finish, so the failure of 0.2 does not start a streak
  // that lasts; 0.4 and 0.5 fail in a row: 5 runs.
  auto outcome = RunSweep(Options(), [](FakeRunner& r) {
    r.SetScript(HasArg("--lr=0.1"), Logs({1.0}));
    r.SetScript(HasArg("--lr=0.3"), Logs({1.0}));
    r.SetDefaultScript(ExitsWith(1));
  });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->end, SweepEnd::kGaveUp);
  EXPECT_NE(outcome->give_up_message.find("in a row"), std::string::npos) << outcome->give_up_message;
  EXPECT_EQ(Runs().size(), 5u);
}

TEST_F(ControllerTest, InstantFailureGuardStopsABrokenProgram) {
  UseSpec(LrGrid("1, 2, 3, 4, 5, 6, 7, 8, 9, 10"));
  auto outcome = RunSweep(Options(), [](FakeRunner& r) { r.SetDefaultScript(ExitsWith(2)); });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->end, SweepEnd::kGaveUp);
  EXPECT_NE(outcome->give_up_message.find("looks broken"), std::string::npos) << outcome->give_up_message;
  EXPECT_EQ(Runs().size(), static_cast<std::size_t>(FailurePolicy::kInitialFailureLimit));
}

TEST_F(ControllerTest, HyperbandStopsAHopelessTrialWhileGoodOnesFinish) {
  UseSpec(LrGrid("0.1, 0.2, 0.3")
              .Minimize(kMetric)
              .With("early_terminate:\n  type: hyperband\n  min_iter: 2\n  eta: 3"));
  ControllerOptions options = Options();
  options.agents = 3;
  auto outcome = RunSweep(options, [](FakeRunner& r) {
    // The hopeless trial is launched first, so only the others' values can
    // stop it.
    r.SetScript(HasArg("--lr=0.1"), Logs({9, 9, 9, 9, 9, 9, 9, 9}));
    r.SetDefaultScript(Logs({3, 2, 1, 0.9, 0.8, 0.7, 0.6, 0.5}));
  });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  const auto runs = Runs();
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].state, TrialState::kStopped) << runs[0].failure_reason;
  EXPECT_LT(runs[0].summary.at(kMetric).count, 8);
  EXPECT_EQ(runs[1].state, TrialState::kFinished);
  EXPECT_EQ(runs[2].state, TrialState::kFinished);
  EXPECT_EQ(outcome->launched_by_state[TrialState::kStopped], 1);
}

TEST_F(ControllerTest, GpuSlotsBoundConcurrencyAndAreReleasedOnExitAndFailure) {
  UseSpec(LrGrid("1, 2, 3, 4, 5, 6, 7").Minimize(kMetric).With("gpus_per_trial: 1"));
  std::vector<GpuInfo> gpus;
  for (int i = 0; i < 3; ++i) gpus.push_back(GpuInfo{i, "GPU-" + std::to_string(i), "Test GPU", 0, "", ""});
  StaticInventory inventory(gpus);
  auto listed = inventory.List();
  ASSERT_TRUE(listed.ok());
  auto slots = GpuSlots::Create(*listed, 1);
  ASSERT_TRUE(slots.ok()) << slots.error().message;
  ControllerOptions options = Options();
  options.agents = 8;  // the GPUs are the limit
  options.gpu_slots = &*slots;
  auto outcome = RunSweep(options, [](FakeRunner& r) {
    // Failures and different durations free GPUs at different times.
    r.SetScript(HasArg("--lr=2"), ExitsWith(1));
    r.SetScript(HasArg("--lr=4"), ExitsWith(1));
    r.SetScript(HasArg("--lr=3"), Logs({1.0}, std::chrono::milliseconds(2500)));
    r.SetDefaultScript(Logs({1.0}));
  });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->end, SweepEnd::kExhausted);
  EXPECT_EQ(observer_.max_live, 3);
  EXPECT_TRUE(observer_.gpu_conflicts.empty()) << observer_.gpu_conflicts.front();
  EXPECT_EQ(slots->free(), 3);
  const auto runs = Runs();
  ASSERT_EQ(runs.size(), 7u);
  for (const auto& run : runs) {
    auto it = std::find_if(runner_->launched().begin(), runner_->launched().end(),
                           [&](const LaunchRequest& r) { return r.run_id == run.id; });
    ASSERT_NE(it, runner_->launched().end());
    const std::string visible = Env(*it, "CUDA_VISIBLE_DEVICES");
    EXPECT_EQ(SplitComma(visible).size(), 1u) << visible;
    ASSERT_EQ(run.tags.count("gpu.ids"), 1u);
    EXPECT_EQ(run.tags.at("gpu.ids"), visible);
  }
}

TEST_F(ControllerTest, TwoGpusPerTrialGetDisjointPairs) {
  UseSpec(LrGrid("1, 2, 3, 4, 5").With("gpus_per_trial: 2"));
  std::vector<GpuInfo> gpus;
  for (int i = 0; i < 4; ++i) gpus.push_back(GpuInfo{i, "GPU-" + std::to_string(i), "Test GPU", 0, "", ""});
  auto slots = GpuSlots::Create(gpus, 2);
  ASSERT_TRUE(slots.ok()) << slots.error().message;
  ControllerOptions options = Options();
  options.agents = 8;
  options.gpu_slots = &*slots;
  auto outcome = RunSweep(options);
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(Runs().size(), 5u);
  EXPECT_EQ(observer_.max_live, 2);
  EXPECT_TRUE(observer_.gpu_conflicts.empty()) << observer_.gpu_conflicts.front();
  EXPECT_EQ(slots->free(), 4);
  for (const auto& request : runner_->launched()) {
    const std::string visible = Env(request, "CUDA_VISIBLE_DEVICES");
    EXPECT_TRUE(visible == "0,1" || visible == "2,3") << visible;
  }
}

TEST_F(ControllerTest, ChannelMessagesBecomeTagsAndSummaryOverridesTheObjective) {
  UseSpec(LrGrid("0.1, 0.2, 0.3").Minimize(kMetric, 0.1));
  std::string artifact_path;
  auto outcome = RunSweep(Options(), [&](FakeRunner& r) {
    FakeTrialScript script = Logs({1.0});
    script.channel_messages.push_back({"summary", R"({"type":"summary","data":{"loss":0.05,"note":"ok"}})"});
    script.channel_messages.push_back({"config", R"({"type":"config","data":{"lr":0.1,"depth":4}})"});
    r.SetScript(HasArg("--lr=0.1"), script);
    r.SetDefaultScript(Logs({1.0}));
  });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  // 0.05 from the summary, not the logged 1.0, reaches the target.
  EXPECT_EQ(outcome->end, SweepEnd::kTargetReached);
  const auto runs = Runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state, TrialState::kFinished);
  EXPECT_EQ(runs[0].tags.at("summary.loss"), "0.05");
  EXPECT_EQ(runs[0].tags.at("summary.note"), "ok");
  EXPECT_NE(runs[0].tags.at("config").find("depth"), std::string::npos);
  ASSERT_EQ(observer_.objectives.size(), 1u);
  ASSERT_TRUE(observer_.objectives[0].has_value());
  EXPECT_DOUBLE_EQ(*observer_.objectives[0], 0.05);
  EXPECT_DOUBLE_EQ(*ObjectiveOf(runs[0], spec_->metric), 0.05);
}

TEST_F(ControllerTest, SummaryAloneCountsAsReportingTheMetric) {
  UseSpec(LrGrid("0.1").Minimize(kMetric));
  auto outcome = RunSweep(Options(), [&](FakeRunner& r) {
    FakeTrialScript script;  // logs no points: the metric comes only from the summary
    script.channel_messages.push_back({"summary", R"({"type":"summary","data":{"loss":0.25}})"});
    r.SetDefaultScript(script);
  });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  const auto runs = Runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state, TrialState::kFinished) << runs[0].failure_reason;
  EXPECT_DOUBLE_EQ(*ObjectiveOf(runs[0], spec_->metric), 0.25);
}

TEST_F(ControllerTest, ArtifactMessageInsideTheRunFolderBecomesATag) {
  UseSpec(LrGrid("0.1, 0.2"));
  constexpr const char* kSha = "ab12";
  auto outcome = RunSweep(Options(), {}, [&](HookedRunner& hooked) {
    hooked.on_launch = [&](FakeRunner& fake, const LaunchRequest& request) {
      // lr=0.2 claims a file outside its folder: ignored, the sweep goes on.
      const bool inside = std::find(request.argv.begin(), request.argv.end(), "--lr=0.1") != request.argv.end();
      const fs::path path = inside ? request.log_dir / "model.pt" : dir_ / "elsewhere.pt";
      FakeTrialScript script;
      script.channel_messages.push_back(
          {"artifact", R"({"type":"artifact","name":"model","path":")" + path.string() + R"(","sha256":")" + kSha +
                           R"(","size":42})"});
      fake.SetRunScript(request.run_id, script);
    };
  });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  const auto runs = Runs();
  ASSERT_EQ(runs.size(), 2u);
  ASSERT_EQ(runs[0].tags.count("artifact.model"), 1u);
  EXPECT_EQ(runs[0].tags.at("artifact.model"),
            std::string(kSha) + " 42 " + (fs::path(runs[0].run_dir) / "model.pt").string());
  EXPECT_EQ(runs[1].tags.count("artifact.model"), 0u);
  for (const auto& run : runs) EXPECT_EQ(run.state, TrialState::kFinished);
}

TEST_F(ControllerTest, InterruptOnceStopsLaunchingAndLetsTrialsFinish) {
  UseSpec(GridSpec());
  observer_.interrupts_at_first_start = 1;
  ControllerOptions options = Options();
  options.agents = 2;
  auto outcome = RunSweep(options, [](FakeRunner& r) { r.SetDefaultScript(Logs({1.0})); });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->end, SweepEnd::kInterrupted);
  EXPECT_EQ(observer_.interrupt_presses, std::vector<int>{1});
  const auto runs = Runs();
  ASSERT_EQ(runs.size(), 2u);
  for (const auto& run : runs) EXPECT_EQ(run.state, TrialState::kFinished) << run.failure_reason;
}

TEST_F(ControllerTest, InterruptTwiceTerminatesRunningTrialsAsKilled) {
  UseSpec(GridSpec());
  observer_.interrupts_at_first_start = 2;
  ControllerOptions options = Options();
  options.agents = 2;
  auto outcome = RunSweep(options, [](FakeRunner& r) { r.SetDefaultScript(Logs({1.0, 0.5})); });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->end, SweepEnd::kInterrupted);
  EXPECT_EQ(observer_.interrupt_presses, (std::vector<int>{1, 2}));
  const auto runs = Runs();
  ASSERT_EQ(runs.size(), 2u);
  for (const auto& run : runs) {
    EXPECT_EQ(run.state, TrialState::kKilled);
    EXPECT_NE(run.failure_reason.find("interrupted"), std::string::npos) << run.failure_reason;
    // Terminated at once, not left to run to its end: none of its points
    // (due a third and two thirds into the trial) were printed.
    EXPECT_EQ(run.summary.count(kMetric), 0u);
  }
  EXPECT_EQ(outcome->launched_by_state[TrialState::kKilled], 2);
}

TEST_F(ControllerTest, ResumeRerunsExactlyTheCrashedGridPoints) {
  UseSpec(GridSpec());
  ControllerOptions options = Options();
  options.count = 2;
  ASSERT_TRUE(RunSweep(options, [](FakeRunner& r) { r.SetDefaultScript(Logs({1.0})); }).ok());
  // Two more points claimed by an agent that then died: crashed.
  auto optimizer = MakeOptimizer(OptimizerOptionsFor(*spec_, sweep_.seed));
  ASSERT_TRUE(optimizer.ok());
  std::vector<RunRecord> crashed;
  for (int i = 0; i < 2; ++i) {
    auto claimed = store_->ClaimRun(
        sweep_.id,
        [&](const std::vector<RunRecord>& existing) -> Result<std::optional<NewRun>> {
          return ProposeNext(*spec_, **optimizer, existing).run;
        },
        ClaimContext{"elsewhere", "elsewhere:1", TrialState::kQueued});
    ASSERT_TRUE(claimed.ok()) << claimed.error().message;
    ASSERT_TRUE(claimed->has_value());
    RunOutcome dead;
    dead.state = TrialState::kCrashed;
    dead.failure_reason = "its agent died";
    dead.ended_at = NowSeconds();
    ASSERT_TRUE(store_->FinishRun((*claimed)->id, dead).ok());
    crashed.push_back(**claimed);
  }

  options.count.reset();
  auto outcome = RunSweep(options, [](FakeRunner& r) { r.SetDefaultScript(Logs({1.0})); });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->end, SweepEnd::kExhausted);
  // 6 points: 2 finished before, 2 crashed re-run, 2 never claimed.
  EXPECT_EQ(outcome->launched_by_state[TrialState::kFinished], 4);
  std::map<std::int64_t, int> finished_per_index;
  for (const auto& run : Runs()) {
    if (run.state == TrialState::kFinished) ++finished_per_index[*run.grid_index];
  }
  EXPECT_EQ(finished_per_index.size(), static_cast<std::size_t>(kGridPoints));
  for (const auto& [index, n] : finished_per_index) EXPECT_EQ(n, 1) << "grid point " << index;
  for (const auto& dead : crashed) {
    bool rerun = false;
    for (const auto& run : Runs()) {
      rerun |= run.id != dead.id && run.grid_index == dead.grid_index && run.params == dead.params &&
               run.state == TrialState::kFinished;
    }
    EXPECT_TRUE(rerun) << "grid point " << *dead.grid_index << " was not re-run";
  }
}

TEST_F(ControllerTest, FailurePolicyIsSeededFromStoredRuns) {
  UseSpec(GridSpec().With("max_failures: 3"));
  ControllerOptions options = Options();
  options.count = 2;
  auto first = RunSweep(options, [](FakeRunner& r) { r.SetDefaultScript(ExitsWith(1)); });
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->end, SweepEnd::kCountReached);

  options.count.reset();
  auto second = RunSweep(options, [](FakeRunner& r) { r.SetDefaultScript(ExitsWith(1)); });
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->end, SweepEnd::kGaveUp);
  EXPECT_NE(second->give_up_message.find("3 trials failed"), std::string::npos) << second->give_up_message;
  EXPECT_EQ(Runs().size(), 3u);
}

TEST_F(ControllerTest, HeartbeatsKeepALongTrialFromBeingReaped) {
  UseSpec(LrGrid("0.1"));
  constexpr int kBeatsChecked = 3;
  const double start = clock_.WallSeconds();
  std::vector<std::vector<std::string>> reaped_at_check;
  auto outcome = RunSweep(
      Options(),
      [](FakeRunner& r) {
        FakeTrialScript endless;
        endless.duration = std::chrono::hours(1000);
        r.SetDefaultScript(endless);
      },
      [&](HookedRunner& hooked) {
        hooked.after_poll = [&](FakeRunner& fake) {
          const int beat = static_cast<int>(reaped_at_check.size()) + 1;
          if (beat > kBeatsChecked || clock_.elapsed() < beat * kHeartbeatInterval + kTimerSlack) return;
          // Stale before the middle of the interval that just ended: only a
          // beat written since then keeps the running trial alive, so one
          // missed beat, or a single early one, gets it reaped.
          const double stale_before = start + Seconds(beat * kHeartbeatInterval - kHeartbeatInterval / 2);
          auto reaped = store_->ReapStaleRuns(sweep_.id, stale_before, "test");
          reaped_at_check.push_back(reaped.ok() ? *reaped : std::vector<std::string>{reaped.error().message});
          if (beat == kBeatsChecked) {
            fake.Interrupt(SIGINT);
            fake.Interrupt(SIGINT);
          }
        };
      });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  ASSERT_EQ(reaped_at_check.size(), static_cast<std::size_t>(kBeatsChecked));
  for (std::size_t i = 0; i < reaped_at_check.size(); ++i) {
    EXPECT_TRUE(reaped_at_check[i].empty()) << "beat " << i + 1 << " reaped a live run: " << reaped_at_check[i][0];
  }
  const auto runs = Runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state, TrialState::kKilled);
  // Stored times come from the controller's clock too.
  EXPECT_DOUBLE_EQ(runs[0].started_at, start);
  // Killed just after the last check.
  EXPECT_NEAR(runs[0].ended_at, start + Seconds(kBeatsChecked * kHeartbeatInterval + kTimerSlack), Seconds(kTimerSlack));
}

// Another agent reaped this one's run (it was paused past the heartbeat
// timeout): at its next beat the controller kills the stale trial, writes
// nothing onto the run the other agent ended, and goes on without an error.
TEST_F(ControllerTest, TakenOverRunIsKilledAndNothingMoreIsRecordedForIt) {
  UseSpec(LrGrid("0.1"));
  const std::string reason = "its agent stopped beating its heartbeat (test)";
  std::optional<RunRecord> reaped;
  ControllerOptions options = Options();
  options.count = 1;
  auto outcome = RunSweep(
      options,
      [](FakeRunner& r) {
        FakeTrialScript endless;
        endless.duration = std::chrono::hours(1000);
        endless.points = {{"loss", 0, 0.5, 0}, {"loss", 1, 0.25, 0}};
        r.SetDefaultScript(endless);
      },
      [&](HookedRunner& hooked) {
        hooked.after_poll = [&](FakeRunner&) {
          if (reaped) return;
          auto runs = store_->ListRunsByState(sweep_.id, TrialState::kRunning);
          if (!runs.ok() || runs->empty()) return;
          RunOutcome crashed;
          crashed.state = TrialState::kCrashed;
          crashed.failure_reason = reason;
          crashed.ended_at = clock_.WallSeconds();
          ASSERT_TRUE(store_->FinishRun(runs->front().id, crashed).ok());
          auto stored = store_->GetRun(runs->front().id);
          ASSERT_TRUE(stored.ok());
          reaped = *stored;
        };
      });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->end, SweepEnd::kCountReached);
  EXPECT_TRUE(outcome->launched_by_state.empty());
  EXPECT_TRUE(observer_.ended.empty()) << "no end is reported for a run another agent ended";
  ASSERT_TRUE(reaped);
  EXPECT_EQ(runner_->active(), 0u);
  const auto runs = Runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state, TrialState::kCrashed);
  EXPECT_EQ(runs[0].failure_reason, reason);
  EXPECT_EQ(runs[0].ended_at, reaped->ended_at);
  auto points = store_->GetMetrics(runs[0].id, "");
  ASSERT_TRUE(points.ok());
  std::size_t before = 0;
  for (const auto& [key, summary] : reaped->summary) before += static_cast<std::size_t>(summary.count);
  EXPECT_EQ(points->size(), before) << "metrics were written onto the reaped run";
}

TEST_F(ControllerTest, MaxRuntimeKillsTheRunningTrialAndLaunchesNoMore) {
  // One trial at a time, 20 s each, in 50 s: two finish, the third is
  // killed when the sweep's time is up and no fourth starts.
  constexpr auto kTrial = std::chrono::seconds(20);
  constexpr auto kMaxRuntime = std::chrono::seconds(50);
  UseSpec(GridSpec().With("max_runtime: " + std::to_string(kMaxRuntime.count()) + "s"));
  const double start = clock_.WallSeconds();
  auto outcome = RunSweep(Options(), [&](FakeRunner& r) { r.SetDefaultScript(Logs({1.0}, kTrial)); });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->end, SweepEnd::kMaxRuntime);
  const auto runs = Runs();
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].state, TrialState::kFinished) << runs[0].failure_reason;
  EXPECT_EQ(runs[1].state, TrialState::kFinished) << runs[1].failure_reason;
  EXPECT_EQ(runs[2].state, TrialState::kKilled);
  EXPECT_NE(runs[2].failure_reason.find("max_runtime"), std::string::npos) << runs[2].failure_reason;
  EXPECT_NEAR(runs[2].ended_at, start + Seconds(kMaxRuntime), Seconds(kTimerSlack));
  EXPECT_EQ(outcome->launched_by_state[TrialState::kKilled], 1);
}

TEST_F(ControllerTest, MetricsReachTheStoreWhileALongTrialRuns) {
  UseSpec(LrGrid("0.1").Minimize(kMetric));
  // Nine points, one every 10 s of a 100 s trial: five are due by 50 s.
  constexpr auto kTrial = std::chrono::seconds(100);
  constexpr auto kChecked = std::chrono::seconds(50);
  constexpr std::size_t kPointsDue = 5;
  std::optional<std::size_t> stored_mid_trial;
  auto outcome = RunSweep(
      Options(), [&](FakeRunner& r) { r.SetDefaultScript(Logs({9, 8, 7, 6, 5, 4, 3, 2, 1}, kTrial)); },
      [&](HookedRunner& hooked) {
        hooked.after_poll = [&](FakeRunner&) {
          if (stored_mid_trial || clock_.elapsed() < kChecked + kMetricFlushInterval + kTimerSlack) return;
          const auto runs = Runs();
          if (runs.size() != 1) return;
          auto series = store_->GetMetrics(runs[0].id, kMetric);
          stored_mid_trial = series.ok() ? series->size() : 0;
        };
      });
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  ASSERT_TRUE(stored_mid_trial.has_value());
  EXPECT_EQ(*stored_mid_trial, kPointsDue) << "points wait for the trial's end instead of the flush interval";
}

}  // namespace
}  // namespace sweep
