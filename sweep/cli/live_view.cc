#include "sweep/cli/live_view.h"

#include <algorithm>
#include <cmath>

#include "sweep/cli/console.h"
#include "sweep/cli/terminal_text.h"
#include "sweep/run_outcome.h"

namespace sweep::cli {
namespace {

// Running trials listed in the block; more are summed up in one line, so the
// block stays a few lines tall with 64 agents.
constexpr std::size_t kMaxRunningLines = 8;
// Params longer than this are cut in the block, so elapsed time and metric stay in view.
constexpr std::size_t kMaxParamsWidth = 48;
// Used when the width of the terminal cannot be read.
constexpr int kDefaultTerminalWidth = 80;

// ANSI sequences of the redraw, all standard (ECMA-48) except the
// synchronized-output pair, which terminals that lack it ignore.
constexpr const char* kCursorUp = "\x1b[%zuA";
constexpr const char* kClearToEnd = "\r\x1b[J";
constexpr const char* kBeginSynchronized = "\x1b[?2026h";
constexpr const char* kEndSynchronized = "\x1b[?2026l";

double SecondsSince(std::chrono::steady_clock::time_point then, std::chrono::steady_clock::time_point now) {
  return std::chrono::duration<double>(now - then).count();
}

}  // namespace

LiveView::LiveView(Store& store, std::string sweep_id, MetricSpec metric, SweepPlan plan, LiveViewOptions options)
    : store_(store),
      sweep_id_(std::move(sweep_id)),
      metric_(std::move(metric)),
      plan_(plan),
      options_(std::move(options)) {
  if (!options_.terminal_width) {
    std::FILE* out = options_.out;
    options_.terminal_width = [out] {
      return static_cast<int>(TerminalColumns(out).value_or(kDefaultTerminalWidth));
    };
  }
  started_ = last_draw_ = last_status_ = last_refresh_ = options_.clock->SteadyNow();
  RefreshTally();
}

LiveView::~LiveView() { Close(); }

void LiveView::RefreshTally() {
  last_refresh_ = options_.clock->SteadyNow();
  auto runs = store_.ListRuns(sweep_id_);
  if (runs.ok()) tally_ = TallyRuns(*runs, metric_);  // a failed read keeps the last counts
}

int LiveView::Width() const { return std::max(20, options_.terminal_width()); }

void LiveView::Write(const std::string& text) {
  if (closed_ || text.empty()) return;
  std::fwrite(text.data(), 1, text.size(), options_.out);
  std::fflush(options_.out);
}

void LiveView::OnRunStarted(const RunRecord& run) {
  if (running_.count(run.id) == 0) ++tally_.running;
  running_[run.id] = Running{run, options_.clock->SteadyNow(), std::nullopt, std::nullopt};
  if (options_.redraw) {
    Redraw();
    return;
  }
  Write("started  " + run.id + "  " + TerminalSafe(FormatParams(run.params)) + "\n");
}

void LiveView::OnMetrics(const std::string& run_id, const std::vector<MetricPoint>& points) {
  auto it = running_.find(run_id);
  if (it == running_.end() || metric_.name.empty()) return;
  for (const auto& point : points) {
    if (point.key != metric_.name) continue;
    it->second.step = point.step;
    it->second.value = point.value;
  }
}

std::string LiveView::EndedLine(const RunRecord& run, std::optional<double> objective, bool best) const {
  std::string metric = "-";
  if (objective) metric = TerminalSafe(metric_.name) + "=" + FormatMetric(*objective) + (best ? " (best)" : "");
  std::string line = "[" + ProgressText(plan_, tally_) + "] " + run.id + " " + std::string(TrialStateName(run.state));
  line += "  " + metric + "  " + TerminalSafe(FormatParams(run.params)) + "  " +
          FormatDuration(run.ended_at - run.started_at);
  if (run.state != TrialState::kFinished && !run.failure_reason.empty()) {
    line += "  (" + TerminalSafe(FailureHeadline(run.failure_reason)) + ")";
  }
  return line;
}

void LiveView::OnRunEnded(const RunRecord& run, std::optional<double> objective) {
  running_.erase(run.id);
  // Counted here at once; the store is re-read on the refresh timer only, so
  // a sweep of 10,000 short trials does not read every run after each one.
  const bool best = run.state == TrialState::kFinished && objective && std::isfinite(*objective) &&
                    (!tally_.best || IsBetter(metric_.goal, *objective, *tally_.best));
  CountEnded(run, objective, best);
  // Whole, even when the terminal wraps it: it scrolls away above the block,
  // and the reason at its end is what the user needs to read.
  Scroll(EndedLine(run, objective, best) + "\n");
}

void LiveView::CountEnded(const RunRecord& run, std::optional<double> objective, bool best) {
  tally_.running = std::max<std::int64_t>(0, tally_.running - 1);
  ++tally_.done;
  switch (run.state) {
    case TrialState::kFinished: ++tally_.finished; break;
    case TrialState::kFailed:
    case TrialState::kCrashed: ++tally_.failed; break;
    case TrialState::kKilled: ++tally_.killed; break;
    case TrialState::kStopped: ++tally_.stopped; break;
    default: break;
  }
  if (best) {
    tally_.best = objective;
    tally_.best_run = run.id;
    tally_.best_params = run.params;
  }
  if (!tally_.median_seconds && run.state == TrialState::kFinished && run.ended_at > run.started_at) {
    tally_.median_seconds = run.ended_at - run.started_at;  // until the next read of the store
  }
}

void LiveView::OnInterrupt(int presses) {
  if (presses == 1) {
    Scroll("sweep: interrupted: no new trials will start; waiting for running ones (Ctrl-C again to terminate "
           "them)\n");
  } else if (presses == 2) {
    Scroll("sweep: terminating running trials (SIGTERM, then SIGKILL after the grace period)\n");
  }
}

void LiveView::OnGiveUp(const std::string& message) {
  Scroll("sweep: giving up: " + TerminalSafe(message, LineBreaks::kKeep) + "\n");
}

void LiveView::OnTick() {
  const auto now = options_.clock->SteadyNow();
  if (now - last_refresh_ >= kTallyRefreshInterval) RefreshTally();
  if (options_.redraw) {
    if (now - last_draw_ >= options_.redraw_interval) Redraw();
    return;
  }
  if (!running_.empty() && now - last_status_ >= options_.status_interval) {
    last_status_ = now;
    Write(StatusLine() + "\n");
  }
}

std::string LiveView::StatusLine() const {
  std::string line = ProgressText(plan_, tally_);
  line += ", " + std::to_string(tally_.running) + " running";
  if (tally_.failed > 0) line += ", " + std::to_string(tally_.failed) + " failed";
  if (tally_.killed > 0) line += ", " + std::to_string(tally_.killed) + " killed";
  if (tally_.stopped > 0) line += ", " + std::to_string(tally_.stopped) + " stopped";
  if (tally_.best) {
    line += ", best " + TerminalSafe(metric_.name) + "=" + FormatMetric(*tally_.best) + " (run " + tally_.best_run + ")";
  }
  if (auto left = EstimateSecondsLeft(plan_, tally_)) line += ", ETA " + FormatDuration(*left);
  line += ", elapsed " + FormatDuration(SecondsSince(started_, options_.clock->SteadyNow()));
  return line;
}

std::string LiveView::RunningLine(const Running& running, std::size_t params_width) const {
  const auto now = options_.clock->SteadyNow();
  std::string params = FitWidth(TerminalSafe(FormatParams(running.run.params)), params_width);
  params.append(params_width - DisplayWidth(params), ' ');
  std::string elapsed = FormatDuration(SecondsSince(running.started, now));
  if (elapsed.size() < 7) elapsed.insert(0, 7 - elapsed.size(), ' ');
  std::string line = "  " + running.run.id + "  " + params + "  " + elapsed;
  if (running.value) {
    line += "  step " + std::to_string(*running.step) + "  " + TerminalSafe(metric_.name) + "=" +
            FormatMetric(*running.value);
  }
  return line;
}

std::vector<std::string> LiveView::StatusBlock() const {
  std::vector<std::string> lines;
  std::size_t params_width = 0;
  for (const auto& [id, running] : running_) {
    params_width = std::max(params_width, DisplayWidth(TerminalSafe(FormatParams(running.run.params))));
  }
  params_width = std::min(params_width, kMaxParamsWidth);
  std::size_t shown = 0;
  for (const auto& [id, running] : running_) {
    if (shown++ == kMaxRunningLines) {
      lines.push_back("  … and " + std::to_string(running_.size() - kMaxRunningLines) + " more running");
      break;
    }
    lines.push_back(RunningLine(running, params_width));
  }
  lines.push_back(StatusLine());
  return lines;
}

void LiveView::Scroll(const std::string& lines) {
  if (!options_.redraw) {
    Write(lines);
    return;
  }
  // Erase the block, print the lines where it was, draw it again below: one write.
  std::string frame = kBeginSynchronized;
  if (block_lines_ > 0) {
    char up[32];
    std::snprintf(up, sizeof up, kCursorUp, block_lines_);
    frame += up;
  }
  frame += kClearToEnd;
  frame += lines;
  const auto block = StatusBlock();
  const std::size_t width = static_cast<std::size_t>(Width() - 1);
  for (const auto& line : block) frame += FitWidth(line, width) + "\n";
  frame += kEndSynchronized;
  Write(frame);
  block_lines_ = block.size();
  last_draw_ = options_.clock->SteadyNow();
}

void LiveView::Redraw() { Scroll(""); }

void LiveView::Close() {
  if (closed_) return;
  if (options_.redraw && block_lines_ > 0) {
    char up[32];
    std::snprintf(up, sizeof up, kCursorUp, block_lines_);
    Write(std::string(up) + kClearToEnd);
  }
  block_lines_ = 0;
  closed_ = true;
}

}  // namespace sweep::cli
