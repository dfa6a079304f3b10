#include "sweep/controller.h"

#include <cmath>

#include "sweep/clock.h"
#include "sweep/objective.h"

namespace sweep {
namespace {

// How long one Poll may block: bounds the latency of metric flushes and of
// noticing that a slot became free when no event arrives.
constexpr std::chrono::milliseconds kPollInterval{100};
// Metric points are written in batches: either this many are pending for a
// run, or this much time passed since the last flush. Large batches amortize
// the transaction; the interval keeps `sweep runs` live during long trials.
constexpr std::size_t kMetricFlushBatch = 8192;
constexpr std::chrono::milliseconds kMetricFlushInterval{250};

}  // namespace

std::string_view SweepEndName(SweepEnd end) {
  switch (end) {
    case SweepEnd::kExhausted: return "search space exhausted";
    case SweepEnd::kCountReached: return "--count reached";
    case SweepEnd::kRunCapReached: return "run_cap reached";
    case SweepEnd::kTargetReached: return "metric target reached";
    case SweepEnd::kInterrupted: return "interrupted";
  }
  return "unknown";
}

SweepController::SweepController(Store& store, const SweepSpec& spec, SweepRecord sweep, Optimizer& optimizer,
                                 ControllerOptions options, ControllerObserver* observer)
    : store_(store),
      spec_(spec),
      sweep_(std::move(sweep)),
      optimizer_(optimizer),
      options_(std::move(options)),
      observer_(observer) {}

Result<std::optional<NewRun>> SweepController::Propose(const std::vector<RunRecord>& existing) {
  if (spec_.run_cap && static_cast<std::int64_t>(existing.size()) >= *spec_.run_cap) {
    stop_reason_ = SweepEnd::kRunCapReached;
    return std::optional<NewRun>();
  }
  auto suggestion = optimizer_.Ask(ToObservations(existing, spec_.metric));
  if (!suggestion) {
    stop_reason_ = SweepEnd::kExhausted;
    return std::optional<NewRun>();
  }
  return std::optional<NewRun>(NewRun{std::move(suggestion->config), suggestion->grid_index});
}

bool SweepController::ShouldLaunchMore(const TrialRunner& runner) const {
  if (stop_reason_ || fatal_) return false;
  if (static_cast<int>(runner.active()) >= options_.agents) return false;
  return true;
}

Result<bool> SweepController::LaunchNext(TrialRunner& runner) {
  if (options_.count && launched_ >= *options_.count) {
    stop_reason_ = SweepEnd::kCountReached;
    return false;
  }
  ClaimContext context{options_.host, options_.agent_id, TrialState::kQueued};
  auto claimed = store_.ClaimRun(
      sweep_.id, [this](const std::vector<RunRecord>& existing) { return Propose(existing); }, context);
  if (!claimed.ok()) return claimed.error();
  if (!claimed->has_value()) return false;
  RunRecord run = std::move(**claimed);
  ++launched_;

  auto request = PrepareLaunch(spec_, sweep_, run, options_.launch);
  if (!request.ok()) {
    // The run exists in the store: record why it never started, then stop.
    RunOutcome outcome;
    outcome.state = TrialState::kFailed;
    outcome.failure_reason = "could not prepare the trial: " + request.error().message;
    outcome.ended_at = NowSeconds();
    (void)store_.FinishRun(run.id, outcome);
    ++outcome_.launched_by_state[TrialState::kFailed];
    return request.error();
  }
  ActiveRun active;
  active.record = run;
  active.record.run_dir = request->log_dir.string();
  active.argv = request->argv;
  active_.emplace(run.id, std::move(active));
  if (auto status = runner.Launch(*request); !status.ok()) {
    active_.erase(run.id);
    return status.error();
  }
  return true;
}

Result<SweepOutcome> SweepController::Run(TrialRunner& runner) {
  runner_ = &runner;
  last_flush_ = std::chrono::steady_clock::now();
  while (true) {
    while (ShouldLaunchMore(runner)) {
      auto launched = LaunchNext(runner);
      if (!launched.ok()) {
        Fail(launched.error());
        break;
      }
      if (!*launched) break;
    }
    if (runner.active() == 0 && (stop_reason_ || fatal_)) break;
    runner.Poll(kPollInterval);
    if (std::chrono::steady_clock::now() - last_flush_ >= kMetricFlushInterval) FlushAllMetrics();
  }
  runner_ = nullptr;
  if (fatal_) return *fatal_;
  outcome_.end = stop_reason_.value_or(SweepEnd::kExhausted);
  return outcome_;
}

void SweepController::Fail(Error error) {
  if (!fatal_) fatal_ = std::move(error);
  for (auto& [id, run] : active_) run.end_request = EndRequest::kUserInterrupt;
  if (runner_ != nullptr) runner_->TerminateAll();
}

void SweepController::OnTrialStarted(const std::string& run_id, int pid) {
  auto it = active_.find(run_id);
  if (it == active_.end()) return;
  auto& run = it->second;
  run.record.pid = pid;
  run.record.argv = run.argv;
  run.record.started_at = NowSeconds();
  run.record.state = TrialState::kRunning;
  if (auto status = store_.MarkRunStarted(run_id, run.argv, pid, run.record.run_dir, run.record.started_at);
      !status.ok()) {
    Fail(status.error());
    return;
  }
  if (observer_ != nullptr) observer_->OnRunStarted(run.record);
}

void SweepController::OnMetrics(const std::string& run_id, std::vector<MetricPoint> points) {
  auto it = active_.find(run_id);
  if (it == active_.end()) return;
  auto& pending = it->second.pending_points;
  pending.insert(pending.end(), std::make_move_iterator(points.begin()), std::make_move_iterator(points.end()));
  if (pending.size() >= kMetricFlushBatch) FlushMetrics(it->second);
}

void SweepController::FlushMetrics(ActiveRun& run) {
  if (run.pending_points.empty()) return;
  if (auto status = store_.LogMetrics(run.record.id, run.pending_points); !status.ok()) {
    Fail(status.error());
  }
  run.pending_points.clear();
}

void SweepController::FlushAllMetrics() {
  for (auto& [id, run] : active_) FlushMetrics(run);
  last_flush_ = std::chrono::steady_clock::now();
}

void SweepController::OnTrialExited(const std::string& run_id, const TrialExit& exit) {
  auto it = active_.find(run_id);
  if (it == active_.end()) return;
  ActiveRun run = std::move(it->second);
  active_.erase(it);
  FlushMetrics(run);

  auto stored = store_.GetRun(run_id);
  std::map<std::string, MetricSummary> summary;
  if (stored.ok()) summary = stored->summary;
  const RunOutcome outcome = ClassifyExit(exit, run.end_request, spec_.metric, summary, NowSeconds());
  if (auto status = store_.FinishRun(run_id, outcome); !status.ok()) {
    Fail(status.error());
    return;
  }
  ++outcome_.launched_by_state[outcome.state];

  RunRecord ended = stored.ok() ? std::move(stored).value() : run.record;
  ended.state = outcome.state;
  ended.exit_code = outcome.exit_code;
  ended.signal = outcome.signal;
  ended.failure_reason = outcome.failure_reason;
  ended.ended_at = outcome.ended_at;
  const auto objective = ObjectiveOf(ended, spec_.metric);
  if (spec_.metric.target && outcome.state == TrialState::kFinished && objective &&
      !IsBetter(spec_.metric.goal, *spec_.metric.target, *objective)) {
    // W&B: the sweep finishes once any run reaches the target; running
    // trials are left to end on their own.
    if (!stop_reason_) stop_reason_ = SweepEnd::kTargetReached;
  }
  if (observer_ != nullptr) observer_->OnRunEnded(ended, objective);
}

void SweepController::OnInterrupt(int /*signal_number*/) {
  ++interrupt_presses_;
  stop_reason_ = SweepEnd::kInterrupted;
  if (interrupt_presses_ >= 2) {
    for (auto& [id, run] : active_) run.end_request = EndRequest::kUserInterrupt;
    if (runner_ != nullptr) runner_->TerminateAll();
  }
  if (observer_ != nullptr) observer_->OnInterrupt(interrupt_presses_);
}

}  // namespace sweep
