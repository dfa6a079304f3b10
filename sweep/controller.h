// SweepController: the loop that runs a sweep on one machine.
//
//   claim a run (the optimizer proposes inside the store's claim transaction)
//   -> prepare and launch it on the TrialRunner (with a GPU grant when the
//   pool has GPUs) -> record its metrics as they arrive, applying the early
//   termination rule to each value of the sweep metric -> classify its exit,
//   record the outcome, apply the failure policy (retry, stop) -> repeat until
//   the space is exhausted, a limit or the metric target is reached, the
//   failure policy gives up, or the user interrupts.
//
// Every state change is written to the store before anything depends on it.
// While trials run, the controller beats their heartbeats, so another process
// can tell a live sweep from a dead one (ReapStaleRuns).
//
// Single-threaded: the runner delivers events from inside Poll() on the
// caller's thread. Its timers and the times it stores come from
// ControllerOptions::clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "agents/host/environment_capture.h"
#include "agents/host/gpu_slots.h"
#include "agents/host/system_sampler.h"
#include "agents/trial_runner.h"
#include "core/result.h"
#include "core/sweep_spec.h"
#include "optimizers/optimizer.h"
#include "sweep/clock.h"
#include "sweep/controller_observer.h"
#include "sweep/durable_observer.h"
#include "sweep/early_stop/early_stop_rule.h"
#include "sweep/known_points.h"
#include "sweep/failure_policy.h"
#include "sweep/repeated_file_writer.h"
#include "sweep/run_outcome.h"
#include "sweep/trial_launch.h"
#include "tracking/store.h"

namespace sweep {

// How often running trials' heartbeats are written. A run whose heartbeat is
// older than kHeartbeatStaleAfter belongs to a dead controller: six missed
// beats, so a slow disk or a stopped laptop lid does not reap live runs.
// A controller given another timeout (ControllerOptions::heartbeat_timeout)
// keeps that ratio: it beats every timeout / kBeatsPerHeartbeatTimeout.
inline constexpr std::chrono::seconds kHeartbeatInterval{10};
inline constexpr std::chrono::seconds kHeartbeatStaleAfter{60};
inline constexpr int kBeatsPerHeartbeatTimeout = 6;
// How often the controller reads `sweep stop` requests of its active runs:
// one small query, often enough that a stop feels immediate.
inline constexpr std::chrono::seconds kStopPollInterval{2};
// How long one Poll may block: bounds the latency of metric flushes, timers
// and of noticing that a slot became free when no event arrives.
inline constexpr std::chrono::milliseconds kControllerPollInterval{100};
// Metric points are written in batches: either this many are pending for a
// run, or this much time passed since the last flush. Large batches amortize
// the transaction; the interval keeps `sweep runs` live during long trials.
inline constexpr std::size_t kMetricFlushBatch = 8192;
inline constexpr std::chrono::milliseconds kMetricFlushInterval{250};

struct ControllerOptions {
  int agents = 1;                     // trials at once (also bounded by GPU slots)
  std::optional<std::int64_t> count;  // runs this invocation may launch
  LaunchSettings launch;
  std::string host;
  std::string agent_id;
  // Optional host resources, owned by the caller; null = not used.
  GpuSlots* gpu_slots = nullptr;          // each trial waits for a whole-GPU grant
  SystemSampler* sampler = nullptr;       // system/* metrics while trials run
  EnvironmentCapture* environment = nullptr;  // env.* tags and diff.patch per run
  std::chrono::milliseconds sample_interval = kDefaultSystemSampleInterval;
  // How long a run may go without a heartbeat before other agents may reap
  // it; every agent of a sweep must use the same value (ReapDeadRuns).
  std::chrono::milliseconds heartbeat_timeout = kHeartbeatStaleAfter;
  // Every timer and every time the controller stores reads this clock, so
  // tests can move time instead of waiting for it.
  const Clock* clock = &RealClock();
};

// Why the loop ended.
enum class SweepEnd {
  kExhausted,
  kCountReached,
  kRunCapReached,
  kTargetReached,
  kInterrupted,
  kGaveUp,         // the failure policy stopped it (max_failures, a broken program)
  kMaxRuntime,     // the spec's max_runtime passed: running trials were terminated
  kCancelled,  // the sweep was marked stopped in the store (`sweep cancel`)
};
std::string_view SweepEndName(SweepEnd end);

struct SweepOutcome {
  SweepEnd end = SweepEnd::kExhausted;
  std::map<TrialState, std::int64_t> launched_by_state;  // runs this invocation launched
  std::string give_up_message;                          // set for kGaveUp
};

class SweepController : public TrialEvents {
 public:
  // Lifetimes: `store`, `spec`, `optimizer`, `observer` (may be null) and
  // the resources in `options` (gpu_slots, sampler, environment, clock) are
  // held by reference and must outlive the controller; `sweep` and the
  // options themselves are copied. The store is also used by the
  // controller's sync thread (Store::SyncWrites) until it is destroyed.
  SweepController(Store& store, const SweepSpec& spec, SweepRecord sweep, Optimizer& optimizer,
                  ControllerOptions options, ControllerObserver* observer);
  ~SweepController() override;

  // Runs until the sweep ends. `runner` must deliver its events to *this.
  // Runs already stored (resume, other agents) count toward run_cap and the
  // failure limits, and feed the early-termination rule.
  Result<SweepOutcome> Run(TrialRunner& runner);

  // TrialEvents.
  void OnTrialStarted(const std::string& run_id, int pid) override;
  void OnMetrics(const std::string& run_id, std::vector<MetricPoint> points) override;
  void OnTrialExited(const std::string& run_id, const TrialExit& exit) override;
  void OnInterrupt(int signal_number) override;
  void OnChannelMessage(const std::string& run_id, const ChannelMessage& message) override;

 private:
  struct ActiveRun {
    RunRecord record;
    std::vector<std::string> argv;
    std::vector<MetricPoint> pending_points;
    EndRequest end_request = EndRequest::kNone;
    int attempt = 1;
    std::string first_attempt_id;         // the run a retry repeats
    std::int64_t metric_iterations = 0;   // values of the sweep metric seen so far
    std::vector<int> gpu_indices;
    std::map<std::string, std::string> pending_tags;  // from the trial's channel
    std::string stop_explanation;  // the early-termination rule's reason, when it stopped the run
    // Another agent ended the run in the store (it reaped this agent as
    // dead): the trial is killed and nothing more is written for it.
    bool taken_over = false;
  };
  struct PendingRetry {
    Config params;
    std::string first_attempt_id;
    int attempt = 2;
  };

  Status Prepare();
  // Claims and launches one run; false when nothing is left to launch.
  Result<bool> LaunchNext(TrialRunner& runner);
  Result<std::optional<NewRun>> Propose(const std::vector<RunRecord>& existing);
  // LaunchNext's steps after the claim: the launch request of `run` (with
  // its GPU grant, if any, its timeout and recorded environment), and, when
  // that failed, the run's end recorded as failed (crashed for a filesystem
  // error) and its GPUs released.
  Result<LaunchRequest> PrepareRequest(const RunRecord& run, const GpuGrant* grant, ActiveRun& active);
  Error AbandonUnprepared(const RunRecord& run, Error error);
  Status RecordEnvironment(const RunRecord& run, const LaunchRequest& request, const std::vector<GpuInfo>& gpus);
  void ApplyEarlyStop(ActiveRun& run, const std::vector<MetricPoint>& points);
  void FlushMetrics(ActiveRun& run);
  void FlushAllMetrics();
  void OnTimers();
  // Terminates the active runs whose stop `sweep stop` requested (Store::RequestStop).
  void StopRequestedRuns(const std::vector<std::string>& active_ids);
  void CheckMaxRuntime();
  // A failure of the controller or the store: ends the sweep with `error`,
  // terminating running trials (recorded as crashed, "controller error: ...").
  void Fail(Error error);
  // Retries recording the ends that failed; says in fatal_ which could not be.
  void FinishUnrecorded();
  bool ShouldLaunchMore(const TrialRunner& runner) const;
  // Whether this agent may have been reaped as dead: it missed heartbeats
  // (it was paused, or the store was out of reach), so before writing for a
  // run it must check the run is still its own.
  bool MissedHeartbeats() const;
  // Reads the run's state from the store; once another agent ended it (or
  // claims it), gives it up (TakeOver). Returns whether the run is still
  // this agent's; a store error is returned as is.
  Result<bool> StillOurs(ActiveRun& run);
  // Stops recording for a run another agent took over and kills its trial.
  void GiveUp(ActiveRun& run);
  // Checks every active run (StillOurs); false after a store failure (Fail).
  bool DropTakenOverRuns();
  std::chrono::milliseconds HeartbeatInterval() const;

  Store& store_;
  const SweepSpec& spec_;
  SweepRecord sweep_;
  Optimizer& optimizer_;
  ControllerOptions options_;
  DurableObserver durable_;         // the caller's observer, behind the store's syncs
  ControllerObserver* observer_;    // &durable_
  TrialRunner* runner_ = nullptr;
  std::unique_ptr<EarlyStopRule> early_stop_;
  FailurePolicy failure_policy_;
  RepeatedFileWriter environment_files_;  // requirements.txt, diff.patch of each run

  std::unordered_map<std::string, ActiveRun> active_;
  std::deque<PendingRetry> retries_;
  // Enqueued points and warm start, refreshed from the store before each claim.
  ProposalContext proposal_context_;
  std::optional<SweepEnd> stop_reason_;  // set once no new runs may start
  std::int64_t launched_ = 0;
  int interrupt_presses_ = 0;
  std::optional<Error> fatal_;
  std::vector<std::pair<std::string, RunOutcome>> unrecorded_;  // ended, but FinishRun failed
  SweepOutcome outcome_;
  std::chrono::steady_clock::time_point started_, last_flush_, last_heartbeat_, last_sample_, last_stop_poll_;
};

}  // namespace sweep
