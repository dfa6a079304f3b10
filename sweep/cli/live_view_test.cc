#include "sweep/cli/live_view.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "sweep/cli/sweep_tally.h"
#include "sweep/cli/terminal_text.h"
#include "tests/test_support.h"

namespace sweep::cli {
namespace {

using std::chrono::milliseconds;

constexpr int kWidth = 100;

class ManualClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point SteadyNow() const override {
    return std::chrono::steady_clock::time_point(elapsed_);
  }
  double WallSeconds() const override { return 1.7e9 + std::chrono::duration<double>(elapsed_).count(); }
  void Advance(milliseconds by) { elapsed_ += by; }

 private:
  milliseconds elapsed_{0};
};

// What the view wrote, read back from an in-memory FILE.
class Capture {
 public:
  Capture() : file_(open_memstream(&buffer_, &size_)) {}
  ~Capture() {
    std::fclose(file_);
    std::free(buffer_);
  }
  std::FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(buffer_, size_);
  }

 private:
  char* buffer_ = nullptr;
  std::size_t size_ = 0;
  std::FILE* file_;
};

class LiveViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenTestStore(dir_);
    ASSERT_NE(store_, nullptr);
    SweepRecord sweep;
    sweep.method = "grid";
    sweep.metric_name = "loss";
    auto created = store_->CreateSweep(sweep);
    ASSERT_TRUE(created.ok());
    sweep_id_ = created->id;
  }

  // A run claimed and started in the store, as the controller leaves it.
  RunRecord StartRun(Config params) {
    auto claimed = store_->ClaimRun(
        sweep_id_,
        [&](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> {
          return std::optional<NewRun>(NewRun{params, std::nullopt});
        },
        ClaimContext{"host", "agent", TrialState::kQueued});
    EXPECT_TRUE(claimed.ok() && claimed->has_value());
    RunRecord run = **claimed;
    EXPECT_TRUE(store_->MarkRunStarted(run.id, {"python3", "train.py"}, 1, "", clock_.WallSeconds()).ok());
    run.state = TrialState::kRunning;
    run.started_at = clock_.WallSeconds();
    return run;
  }

  RunRecord FinishRun(RunRecord run, TrialState state, double loss, std::string reason = "") {
    EXPECT_TRUE(store_->LogMetrics(run.id, {MetricPoint{"loss", 0, loss, clock_.WallSeconds()}}).ok());
    RunOutcome outcome;
    outcome.state = state;
    outcome.exit_code = state == TrialState::kFinished ? 0 : 1;
    outcome.failure_reason = std::move(reason);
    outcome.ended_at = clock_.WallSeconds();
    EXPECT_TRUE(store_->FinishRun(run.id, outcome).ok());
    run.state = state;
    run.failure_reason = outcome.failure_reason;
    run.ended_at = outcome.ended_at;
    return run;
  }

  LiveView MakeView(Capture& out, bool redraw, SweepPlan plan = {}) {
    LiveViewOptions options;
    options.out = out.file();
    options.redraw = redraw;
    options.clock = &clock_;
    options.status_interval = milliseconds(30000);
    options.terminal_width = [] { return kWidth; };
    return LiveView(*store_, sweep_id_, MetricSpec{"loss", Goal::kMinimize, std::nullopt}, plan, options);
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::string sweep_id_;
  ManualClock clock_;
};

// No control byte but the newline: what a CI log or `| tee` may receive.
void ExpectPlain(const std::string& text) {
  for (unsigned char c : text) EXPECT_FALSE((c < 0x20 && c != '\n') || c == 0x7F) << "byte " << int(c) << " in\n" << text;
}

TEST_F(LiveViewTest, NotATerminalPrintsPlainLinesAndAPeriodicStatus) {
  Capture out;
  SweepPlan plan;
  plan.grid_size = 3;
  auto view = MakeView(out, /*redraw=*/false, plan);
  RunRecord a = StartRun({{"lr", Value(0.01)}});
  view.OnRunStarted(a);
  view.OnMetrics(a.id, {MetricPoint{"loss", 4, 0.5, 0}});
  clock_.Advance(milliseconds(10000));
  view.OnTick();
  EXPECT_EQ(out.text().find("running"), std::string::npos) << "no status before the interval:\n" << out.text();
  clock_.Advance(milliseconds(25000));
  view.OnTick();
  view.OnRunEnded(FinishRun(a, TrialState::kFinished, 0.5), 0.5);
  const std::string text = out.text();
  ExpectPlain(text);
  EXPECT_NE(text.find("started  " + a.id + "  lr=0.01\n"), std::string::npos) << text;
  EXPECT_NE(text.find("grid 0 of 3, 1 running"), std::string::npos) << text;
  EXPECT_NE(text.find("elapsed 35.0s"), std::string::npos) << text;
  EXPECT_NE(text.find("[grid 1 of 3] " + a.id + " finished  loss=0.5 (best)"), std::string::npos) << text;
}

TEST_F(LiveViewTest, TerminalRedrawsABlockOfRunningTrialsUnderTheScrollingLines) {
  Capture out;
  SweepPlan plan;
  plan.run_cap = 4;
  auto view = MakeView(out, /*redraw=*/true, plan);
  RunRecord a = StartRun({{"lr", Value(0.01)}, {"optimizer", Value("adam")}});
  RunRecord b = StartRun({{"lr", Value(0.1)}, {"optimizer", Value("sgd")}});
  view.OnRunStarted(a);
  view.OnRunStarted(b);
  view.OnMetrics(a.id, {MetricPoint{"loss", 7, 0.25, 0}, MetricPoint{"acc", 7, 0.9, 0}});
  clock_.Advance(milliseconds(65000));
  const std::size_t before = out.text().size();
  view.OnTick();
  const std::string frame = out.text().substr(before);
  // One frame: back over the old block (3 lines), clear, the new block.
  EXPECT_EQ(frame.rfind("\x1b[?2026h\x1b[3A\r\x1b[J", 0), 0u) << frame;
  EXPECT_NE(frame.find("  " + a.id + "  lr=0.01 optimizer=adam    1m05s  step 7  loss=0.25\n"), std::string::npos)
      << frame;
  EXPECT_NE(frame.find("  " + b.id + "  lr=0.1 optimizer=sgd      1m05s\n"), std::string::npos) << frame;
  EXPECT_NE(frame.find("0/4 done, 2 running"), std::string::npos) << frame;

  // At most one redraw per interval.
  const std::size_t after_frame = out.text().size();
  clock_.Advance(milliseconds(100));
  view.OnTick();
  EXPECT_EQ(out.text().size(), after_frame);

  // An ended trial scrolls above the block; the block loses it.
  view.OnRunEnded(FinishRun(b, TrialState::kFailed, 1.0, "exited with code 1; last stderr:\nTraceback\nValueError: bad"),
                  1.0);
  const std::string ended = out.text().substr(after_frame);
  const auto line = ended.find("[1/4 done] " + b.id + " failed");
  ASSERT_NE(line, std::string::npos) << ended;
  EXPECT_NE(ended.find("(exited with code 1: ValueError: bad)"), std::string::npos) << ended;
  EXPECT_LT(line, ended.find("  " + a.id + "  lr=0.01")) << ended;
  EXPECT_NE(ended.find("1 failed"), std::string::npos) << ended;

  // No line of the block is wider than the terminal: it never wraps, so the
  // redraw moves up over exactly the lines it drew.
  std::string text = out.text();
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line_text = text.substr(start, end - start);
    const auto clear = line_text.rfind("\x1b[J");
    if (clear != std::string::npos) line_text = line_text.substr(clear + 3);
    if (line_text.find("] ") != std::string::npos) line_text.clear();  // an ended line: it scrolls away
    EXPECT_LT(DisplayWidth(line_text), static_cast<std::size_t>(kWidth)) << line_text;
    start = end + 1;
  }

  // Closing erases the block, so the summary prints in its place.
  const std::size_t before_close = out.text().size();
  view.Close();
  EXPECT_EQ(out.text().substr(before_close), "\x1b[2A\r\x1b[J");
}

TEST_F(LiveViewTest, TrialTextIsEscapedInEveryLine) {
  Capture out;
  auto view = MakeView(out, /*redraw=*/false);
  RunRecord a = StartRun({{"x\x1b]52;c;cHduZWQ=\x07", Value("\x1b[2J")}});
  view.OnRunStarted(a);
  view.OnRunEnded(FinishRun(a, TrialState::kFailed, 1, "exited with code 1; last stderr:\n\x1b[31mfake\x9b"), 1);
  const std::string text = out.text();
  ExpectPlain(text);
  EXPECT_NE(text.find("\\x1b]52;c;cHduZWQ=\\x07"), std::string::npos) << text;
  EXPECT_NE(text.find("\\x1b[31mfake\\x9b"), std::string::npos) << text;
}

TEST_F(LiveViewTest, CountsAndBestComeFromTheStoreIncludingOtherAgents) {
  // A run finished before this view started (an earlier `sweep run`, before `sweep resume`).
  FinishRun(StartRun({{"lr", Value(1)}}), TrialState::kFinished, 0.1);
  Capture out;
  auto view = MakeView(out, /*redraw=*/false);
  EXPECT_EQ(view.tally().finished, 1);
  // Ours is worse than the stored best: no "(best)".
  RunRecord ours = StartRun({{"lr", Value(2)}});
  view.OnRunStarted(ours);
  view.OnRunEnded(FinishRun(ours, TrialState::kFinished, 0.3), 0.3);
  EXPECT_EQ(out.text().find("(best)"), std::string::npos) << out.text();
  EXPECT_NE(out.text().find("[2 done]"), std::string::npos) << out.text();
  // Another agent's run ends: counted once the view re-reads the store.
  FinishRun(StartRun({{"lr", Value(3)}}), TrialState::kFailed, 5);
  clock_.Advance(kTallyRefreshInterval);
  view.OnTick();
  EXPECT_EQ(view.tally().failed, 1);
  EXPECT_EQ(view.tally().done, 3);
  EXPECT_DOUBLE_EQ(*view.tally().best, 0.1);
}

TEST(SweepTally, ProgressTextAndEta) {
  SweepTally tally;
  tally.done = 12;
  tally.median_seconds = 60;
  SweepPlan plan;
  EXPECT_EQ(ProgressText(plan, tally), "12 done");
  EXPECT_FALSE(EstimateSecondsLeft(plan, tally));
  plan.grid_size = 18;
  EXPECT_EQ(ProgressText(plan, tally), "grid 12 of 18");
  plan.run_cap = 15;
  EXPECT_EQ(ProgressText(plan, tally), "12/15 done");
  plan.agents = 2;
  // 3 left on 2 agents: two rounds of a minute.
  EXPECT_DOUBLE_EQ(*EstimateSecondsLeft(plan, tally), 120);
}

}  // namespace
}  // namespace sweep::cli
