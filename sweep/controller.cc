#include "sweep/controller.h"

#include <cmath>

#include "agents/host/python_packages.h"
#include "sweep/channel_tags.h"
#include "sweep/run_info_message.h"
#include "sweep/early_stop/make_early_stop_rule.h"
#include "sweep/early_stop/options_from_spec.h"
#include "sweep/objective.h"
#include "sweep/proposal.h"

namespace sweep {

std::string_view SweepEndName(SweepEnd end) {
  switch (end) {
    case SweepEnd::kExhausted: return "search space exhausted";
    case SweepEnd::kCountReached: return "--count reached";
    case SweepEnd::kRunCapReached: return "run_cap reached";
    case SweepEnd::kTargetReached: return "metric target reached";
    case SweepEnd::kInterrupted: return "interrupted";
    case SweepEnd::kGaveUp: return "stopped by the failure policy";
    case SweepEnd::kMaxRuntime: return "max_runtime reached";
    case SweepEnd::kCancelled: return "cancelled";
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
      durable_([&store] { return store.SyncWrites(); }, observer),
      observer_(&durable_),
      failure_policy_(spec) {}

SweepController::~SweepController() = default;

Status SweepController::Prepare() {
  auto rule = MakeEarlyStopRule(EarlyStopOptionsFromSpec(spec_));
  if (!rule.ok()) return rule.error();
  early_stop_ = std::move(rule).value();

  auto runs = store_.ListRuns(sweep_.id);
  if (!runs.ok()) return runs.error();
  failure_policy_.Seed(*runs);
  if (early_stop_ && !spec_.metric.name.empty()) {
    // Resume and shared sweeps: thresholds come from every run's history.
    for (const auto& run : *runs) {
      auto series = store_.GetMetrics(run.id, spec_.metric.name);
      if (!series.ok()) return series.error();
      std::vector<double> values;
      values.reserve(series->size());
      for (const auto& point : *series) values.push_back(point.value);
      early_stop_->Replay(run.id, values);
      if (IsTerminal(run.state)) early_stop_->OnRunEnded(run.id);
    }
  }
  return OkStatus();
}

Result<std::optional<NewRun>> SweepController::Propose(const std::vector<RunRecord>& existing) {
  Proposal proposal = ProposeNext(spec_, optimizer_, existing, proposal_context_);
  if (!proposal.run) {
    stop_reason_ = proposal.why == NoProposal::kRunCapReached ? SweepEnd::kRunCapReached : SweepEnd::kExhausted;
  }
  return std::move(proposal.run);
}

bool SweepController::ShouldLaunchMore(const TrialRunner& runner) const {
  if (fatal_) return false;
  if (stop_reason_ && retries_.empty()) return false;
  if (stop_reason_ == SweepEnd::kInterrupted || stop_reason_ == SweepEnd::kGaveUp ||
      stop_reason_ == SweepEnd::kCancelled)
    return false;
  if (static_cast<int>(runner.active()) >= options_.agents) return false;
  if (options_.gpu_slots != nullptr && options_.gpu_slots->free() < options_.gpu_slots->gpus_per_trial()) return false;
  return true;
}

Result<bool> SweepController::LaunchNext(TrialRunner& runner) {
  if (options_.count && launched_ >= *options_.count) {
    if (!stop_reason_) stop_reason_ = SweepEnd::kCountReached;
    retries_.clear();
    return false;
  }
  // Agents on other machines learn of `sweep cancel` only through the store:
  // one primary-key read per claim is cheap next to launching a trial.
  auto current = store_.GetSweep(sweep_.id);
  if (!current.ok()) return current.error();
  if (current->state == SweepState::kStopped) {
    stop_reason_ = SweepEnd::kCancelled;
    retries_.clear();
    return false;
  }
  if (auto known = RefreshProposalContext(store_, sweep_.id, spec_, proposal_context_); !known.ok()) {
    return known.error();
  }
  ClaimContext context{options_.host, options_.agent_id, TrialState::kQueued};
  std::optional<PendingRetry> retry;
  if (!retries_.empty()) {
    retry = std::move(retries_.front());
    retries_.pop_front();
  }
  auto claimed = store_.ClaimRun(
      sweep_.id,
      [&](const std::vector<RunRecord>& existing) -> Result<std::optional<NewRun>> {
        if (retry) return std::optional<NewRun>(NewRun{retry->params, std::nullopt});
        return Propose(existing);
      },
      context);
  if (!claimed.ok()) return claimed.error();
  if (!claimed->has_value()) return false;
  RunRecord run = std::move(**claimed);
  ++launched_;

  ActiveRun active;
  if (retry) {
    active.attempt = retry->attempt;
    active.first_attempt_id = retry->first_attempt_id;
    std::map<std::string, std::string> tags{{kTagRetryOf, retry->first_attempt_id},
                                            {kTagAttempt, std::to_string(retry->attempt)}};
    if (auto status = store_.SetTags(run.id, tags); !status.ok()) return status.error();
    run.tags.insert(tags.begin(), tags.end());
  } else {
    active.first_attempt_id = run.id;
  }

  std::optional<GpuGrant> grant;
  if (options_.gpu_slots != nullptr) {
    grant = options_.gpu_slots->TryAcquire(run.id);
    if (!grant) return Error::Internal("no GPU free although the pool reported one");
  }
  auto request = PrepareRequest(run, grant ? &*grant : nullptr, active);
  if (!request.ok()) return AbandonUnprepared(run, request.error());
  active.record = run;
  active.record.run_dir = request->log_dir.string();
  active.argv = request->argv;
  active_.emplace(run.id, std::move(active));
  if (auto status = runner.Launch(*request); !status.ok()) {
    active_.erase(run.id);
    if (options_.gpu_slots != nullptr) options_.gpu_slots->Release(run.id);
    return status.error();
  }
  return true;
}

Result<LaunchRequest> SweepController::PrepareRequest(const RunRecord& run, const GpuGrant* grant,
                                                     ActiveRun& active) {
  auto request = PrepareLaunch(spec_, sweep_, run, options_.launch);
  if (!request.ok()) return request.error();
  std::vector<GpuInfo> granted;
  if (grant != nullptr) {
    for (const auto& [key, value] : GpuEnvironment(*grant)) request->env[key] = value;
    granted = grant->gpus;
    for (const auto& gpu : granted) active.gpu_indices.push_back(gpu.index);
  }
  if (spec_.timeout_seconds) {
    request->timeout = std::chrono::milliseconds(static_cast<std::int64_t>(*spec_.timeout_seconds * 1000.0));
  }
  if (auto status = RecordEnvironment(run, *request, granted); !status.ok()) return status.error();
  return request;
}

Error SweepController::AbandonUnprepared(const RunRecord& run, Error error) {
  // The run exists in the store: record why it never started, then stop.
  if (options_.gpu_slots != nullptr) options_.gpu_slots->Release(run.id);
  // A bad command is the spec's failure; a filesystem one (disk full, a
  // read-only folder) is the controller's, and the point runs again on resume.
  RunOutcome outcome;
  const bool controller_error = error.code == ErrorCode::kIo;
  outcome.state = controller_error ? TrialState::kCrashed : TrialState::kFailed;
  outcome.failure_reason =
      std::string(controller_error ? "controller error: " : "") + "could not prepare the trial: " + error.message;
  outcome.ended_at = options_.clock->WallSeconds();
  (void)store_.FinishRun(run.id, outcome);
  ++outcome_.launched_by_state[TrialState::kFailed];
  return error;
}

Status SweepController::RecordEnvironment(const RunRecord& run, const LaunchRequest& request,
                                          const std::vector<GpuInfo>& gpus) {
  std::map<std::string, std::string> tags;
  if (!gpus.empty()) {
    GpuGrant grant{run.id, gpus};
    tags = GpuTags(grant);
  }
  if (options_.environment != nullptr) {
    EnvironmentRequest env_request;
    env_request.working_dir = request.working_dir;
    env_request.argv = request.argv;
    env_request.spec_text = spec_.source_text;
    env_request.seed = static_cast<std::int64_t>(sweep_.seed);
    env_request.interpreter = options_.launch.interpreter;
    env_request.gpus = gpus;
    CapturedEnvironment captured = options_.environment->Capture(env_request);
    tags.insert(captured.tags.begin(), captured.tags.end());
    for (const auto& [file, text] : {std::pair{kDiffFileName, &captured.git_diff},
                                     std::pair{kRequirementsFileName, &captured.requirements}}) {
      if (text->empty()) continue;
      if (auto status = environment_files_.Write(request.log_dir / file, *text); !status.ok()) return status;
    }
  }
  if (tags.empty()) return OkStatus();
  return store_.SetTags(run.id, tags);
}

Result<SweepOutcome> SweepController::Run(TrialRunner& runner) {
  runner_ = &runner;
  if (auto status = Prepare(); !status.ok()) return status.error();
  started_ = options_.clock->SteadyNow();
  last_flush_ = last_heartbeat_ = last_sample_ = last_stop_poll_ = started_;
  while (true) {
    while (ShouldLaunchMore(runner)) {
      auto launched = LaunchNext(runner);
      if (!launched.ok()) {
        Fail(launched.error());
        break;
      }
      if (!*launched) break;
    }
    if (runner.active() == 0 && (stop_reason_ || fatal_) && (retries_.empty() || !ShouldLaunchMore(runner))) break;
    runner.Poll(kControllerPollInterval);
    OnTimers();
    if (auto status = durable_.DeliverDurable(); !status.ok()) Fail(status.error());
    observer_->OnTick();
  }
  FlushAllMetrics();
  runner_ = nullptr;
  if (fatal_) {
    FinishUnrecorded();
    (void)durable_.Flush();  // what ended before the failure is still shown
    return *fatal_;
  }
  // The outcome reports every run's end: they are on disk before it is.
  if (auto status = durable_.Flush(); !status.ok()) return status.error();
  outcome_.end = stop_reason_.value_or(SweepEnd::kExhausted);
  return outcome_;
}

void SweepController::CheckMaxRuntime() {
  if (!spec_.max_runtime_seconds || stop_reason_ == SweepEnd::kMaxRuntime) return;
  const std::chrono::duration<double> elapsed = options_.clock->SteadyNow() - started_;
  if (elapsed.count() < *spec_.max_runtime_seconds) return;
  stop_reason_ = SweepEnd::kMaxRuntime;
  retries_.clear();
  for (auto& [id, run] : active_) {
    if (run.end_request == EndRequest::kNone) run.end_request = EndRequest::kSweepRuntime;
  }
  if (runner_ != nullptr) runner_->TerminateAll();
}

void SweepController::OnTimers() {
  CheckMaxRuntime();
  const auto now = options_.clock->SteadyNow();
  if (options_.sampler != nullptr && now - last_sample_ >= options_.sample_interval) {
    last_sample_ = now;
    for (auto& [run_id, points] : options_.sampler->Sample(options_.clock->WallSeconds())) {
      auto it = active_.find(run_id);
      if (it == active_.end()) continue;
      auto& pending = it->second.pending_points;
      pending.insert(pending.end(), points.begin(), points.end());
    }
  }
  if (now - last_flush_ >= kMetricFlushInterval) FlushAllMetrics();
  if (now - last_stop_poll_ >= kStopPollInterval && !active_.empty()) {
    last_stop_poll_ = now;
    std::vector<std::string> ids;
    ids.reserve(active_.size());
    for (const auto& [id, run] : active_) ids.push_back(id);
    StopRequestedRuns(ids);
  }
  if (active_.empty()) {
    last_heartbeat_ = now;  // nothing to beat for: no beat was missed
    return;
  }
  if (now - last_heartbeat_ < HeartbeatInterval()) return;
  // Each beat first checks that no other agent took a run over (it reaped
  // this agent while it was paused or cut off), so no beat, metric or end
  // is written onto a run that is no longer this agent's.
  if (!DropTakenOverRuns()) return;
  std::vector<std::string> ids;
  ids.reserve(active_.size());
  for (const auto& [id, run] : active_) {
    if (!run.taken_over) ids.push_back(id);
  }
  last_heartbeat_ = now;
  if (ids.empty()) return;
  if (auto status = store_.Heartbeat(ids, options_.clock->WallSeconds()); !status.ok()) Fail(status.error());
}

std::chrono::milliseconds SweepController::HeartbeatInterval() const {
  return options_.heartbeat_timeout / kBeatsPerHeartbeatTimeout;
}

bool SweepController::MissedHeartbeats() const {
  // Two intervals: one missed beat, far inside the timeout other agents wait.
  return options_.clock->SteadyNow() - last_heartbeat_ > 2 * HeartbeatInterval();
}

Result<bool> SweepController::StillOurs(ActiveRun& run) {
  if (run.taken_over) return false;
  auto stored = store_.GetRun(run.record.id);
  if (!stored.ok()) return stored.error();
  const bool others = !stored->agent_id.empty() && stored->agent_id != options_.agent_id;
  if (!IsTerminal(stored->state) && !others) return true;
  GiveUp(run);
  return false;
}

void SweepController::GiveUp(ActiveRun& run) {
  run.taken_over = true;
  run.pending_points.clear();
  if (runner_ != nullptr) runner_->Terminate(run.record.id);
  if (observer_ != nullptr) observer_->OnRunTakenOver(run.record);
}

bool SweepController::DropTakenOverRuns() {
  for (auto& [id, run] : active_) {
    auto ours = StillOurs(run);
    if (!ours.ok()) {
      Fail(ours.error());
      return false;
    }
  }
  return true;
}

void SweepController::StopRequestedRuns(const std::vector<std::string>& active_ids) {
  auto requested = store_.StopRequested(active_ids);
  if (!requested.ok()) {
    Fail(requested.error());
    return;
  }
  for (const auto& id : *requested) {
    auto it = active_.find(id);
    if (it == active_.end() || it->second.end_request != EndRequest::kNone) continue;
    it->second.end_request = EndRequest::kStopRequest;
    if (runner_ != nullptr) runner_->Terminate(id);  // SIGTERM, then SIGKILL after the grace period
  }
}

void SweepController::Fail(Error error) {
  if (!fatal_) fatal_ = std::move(error);
  retries_.clear();
  for (auto& [id, run] : active_) {
    if (run.end_request == EndRequest::kNone) run.end_request = EndRequest::kControllerError;
  }
  if (runner_ != nullptr) runner_->TerminateAll();
}

void SweepController::FinishUnrecorded() {
  std::vector<std::string> still_running;
  for (auto& [run_id, outcome] : unrecorded_) {
    if (outcome.state != TrialState::kCrashed) {
      // Its result is unknown to the store (its metrics may be missing too):
      // it runs again on resume, like a dead agent's run.
      outcome.state = TrialState::kCrashed;
      outcome.failure_reason = "controller error: " + fatal_->message;
    }
    if (!store_.FinishRun(run_id, outcome).ok()) still_running.push_back(run_id);
  }
  unrecorded_.clear();
  if (still_running.empty()) return;
  std::string ids;
  for (const auto& id : still_running) ids += (ids.empty() ? "" : ", ") + id;
  fatal_->message += "; the store could not record the end of run" + std::string(still_running.size() == 1 ? " " : "s ") +
                     ids + " (`sweep resume` marks " + (still_running.size() == 1 ? "it" : "them") + " crashed)";
}

void SweepController::OnTrialStarted(const std::string& run_id, int pid) {
  auto it = active_.find(run_id);
  if (it == active_.end()) return;
  auto& run = it->second;
  run.record.pid = pid;
  run.record.argv = run.argv;
  run.record.started_at = options_.clock->WallSeconds();
  run.record.state = TrialState::kRunning;
  if (auto status = store_.MarkRunStarted(run_id, run.argv, pid, run.record.run_dir, run.record.started_at);
      !status.ok()) {
    // Reaped between the claim and the start (this agent paused there).
    if (status.error().code == ErrorCode::kConflict) {
      if (auto ours = StillOurs(run); ours.ok() && !*ours) return;
    }
    Fail(status.error());
    return;
  }
  if (options_.sampler != nullptr) {
    options_.sampler->Track(run_id, pid, run.gpu_indices, run.record.started_at);
  }
  if (observer_ != nullptr) observer_->OnRunStarted(run.record);
}

void SweepController::ApplyEarlyStop(ActiveRun& run, const std::vector<MetricPoint>& points) {
  if (!early_stop_ || spec_.metric.name.empty() || run.end_request != EndRequest::kNone) return;
  for (const auto& point : points) {
    if (point.key != spec_.metric.name) continue;
    const bool stop = early_stop_->ShouldStop(run.record.id, run.metric_iterations++, point.value);
    if (stop) {
      run.end_request = EndRequest::kEarlyStop;
      run.stop_explanation = early_stop_->Explain(run.record.id);
      if (runner_ != nullptr) runner_->Terminate(run.record.id);
      return;
    }
  }
}

void SweepController::OnMetrics(const std::string& run_id, std::vector<MetricPoint> points) {
  auto it = active_.find(run_id);
  if (it == active_.end() || it->second.taken_over) return;
  ApplyEarlyStop(it->second, points);
  if (observer_ != nullptr) observer_->OnMetrics(run_id, points);
  auto& pending = it->second.pending_points;
  pending.insert(pending.end(), std::make_move_iterator(points.begin()), std::make_move_iterator(points.end()));
  if (pending.size() >= kMetricFlushBatch) FlushMetrics(it->second);
}

void SweepController::OnChannelMessage(const std::string& run_id, const ChannelMessage& message) {
  auto it = active_.find(run_id);
  if (it == active_.end() || it->second.taken_over) return;
  if (message.type == kRunInfoMessageType) {
    auto info = RunInfoFromChannelMessage(message);
    if (!info.ok()) return;  // a malformed message is the trial's problem, never the sweep's
    auto status = RecordRunInfo(store_, run_id, *info);
    // A refused label (a space in a tag, say) is the trial's too; a store failure is not.
    if (!status.ok() && status.error().code != ErrorCode::kInvalidInput) Fail(status.error());
    return;
  }
  auto tags = TagsFromChannelMessage(message, it->second.record.run_dir);
  if (!tags.ok()) return;  // a malformed message is the trial's problem, never the sweep's
  if (tags->empty()) return;
  if (auto status = store_.SetTags(run_id, *tags); !status.ok()) Fail(status.error());
}

void SweepController::FlushMetrics(ActiveRun& run) {
  if (run.pending_points.empty()) return;
  if (MissedHeartbeats()) {
    auto ours = StillOurs(run);
    if (!ours.ok()) {
      Fail(ours.error());
      run.pending_points.clear();
      return;
    }
    if (!*ours) return;
  }
  if (auto status = store_.LogMetrics(run.record.id, run.pending_points); !status.ok()) {
    Fail(status.error());
  }
  run.pending_points.clear();
}

void SweepController::FlushAllMetrics() {
  for (auto& [id, run] : active_) FlushMetrics(run);
  last_flush_ = options_.clock->SteadyNow();
}

void SweepController::OnTrialExited(const std::string& run_id, const TrialExit& exit) {
  auto it = active_.find(run_id);
  if (it == active_.end()) return;
  ActiveRun run = std::move(it->second);
  active_.erase(it);
  if (options_.sampler != nullptr) options_.sampler->Untrack(run_id);
  if (options_.gpu_slots != nullptr) options_.gpu_slots->Release(run_id);
  if (early_stop_) early_stop_->OnRunEnded(run_id);
  // The trial may have ended while this agent was paused; the store says
  // whether its result is still this agent's to record.
  if (!run.taken_over && MissedHeartbeats()) (void)StillOurs(run);
  if (run.taken_over) return;
  FlushMetrics(run);
  if (run.taken_over) return;

  auto stored = store_.GetRun(run_id);
  std::map<std::string, MetricSummary> summary;
  if (stored.ok()) summary = WithReportedSummary(*stored);
  RunOutcome outcome =
      ClassifyExit(exit, run.end_request, spec_.metric, summary, options_.clock->WallSeconds(), spec_.timeout_seconds);
  if (outcome.state == TrialState::kStopped && !run.stop_explanation.empty()) {
    outcome.failure_reason = "stopped early (not a failure): " + run.stop_explanation;
  }
  if (run.end_request == EndRequest::kControllerError && fatal_) {
    outcome.failure_reason = "controller error: " + fatal_->message;
  }
  if (auto status = store_.FinishRun(run_id, outcome); !status.ok()) {
    // Reaped since the last check: the other agent's record stands.
    if (status.error().code == ErrorCode::kConflict) {
      if (auto ours = StillOurs(run); ours.ok() && !*ours) return;
    }
    // Retried once every trial has ended (the write that failed may have
    // been what filled the disk); see FinishUnrecorded.
    unrecorded_.emplace_back(run_id, outcome);
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

  if (stop_reason_ == SweepEnd::kInterrupted || stop_reason_ == SweepEnd::kMaxRuntime || fatal_) return;
  const auto verdict = failure_policy_.OnRunEnded(ended, run.attempt, exit.stderr_tail);
  if (verdict.stop_message) {
    if (stop_reason_ != SweepEnd::kGaveUp) {
      stop_reason_ = SweepEnd::kGaveUp;
      outcome_.give_up_message = *verdict.stop_message;
      retries_.clear();
      if (observer_ != nullptr) observer_->OnGiveUp(*verdict.stop_message);
    }
  } else if (verdict.retry) {
    retries_.push_back(PendingRetry{ended.params, run.first_attempt_id, run.attempt + 1});
  }
}

void SweepController::OnInterrupt(int /*signal_number*/) {
  ++interrupt_presses_;
  stop_reason_ = SweepEnd::kInterrupted;
  retries_.clear();
  if (interrupt_presses_ >= 2) {
    for (auto& [id, run] : active_) run.end_request = EndRequest::kUserInterrupt;
    if (runner_ != nullptr) runner_->TerminateAll();
  }
  if (observer_ != nullptr) observer_->OnInterrupt(interrupt_presses_);
}

}  // namespace sweep
