// TrialRunner: starts trial processes and reports what happens to them.
// Knows nothing of optimizers or SQL (DESIGN.md): it launches argv vectors,
// streams output to log files, turns metric lines into MetricPoints and
// reports events to a TrialEvents observer.
//
// Like ninja's CommandRunner there is a real implementation (local
// subprocesses, local_runner.cc) and a scripted fake for controller tests
// (fake_runner.h). Everything runs on the caller's thread: events are
// delivered only from inside Poll(), so observers need no locking.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agents/metric_channel.h"
#include "core/result.h"
#include "core/trial.h"

namespace sweep {

// Every trial's environment names its run (LaunchRequest::run_id) here,
// unless the request sets it; it also marks the trial's processes as its own.
inline constexpr const char* kRunIdEnv = "SWEEP_RUN_ID";

// The files a trial's output streams are appended to, in its log_dir.
inline constexpr const char* kStdoutLogName = "stdout.log";
inline constexpr const char* kStderrLogName = "stderr.log";

struct LaunchRequest {
  std::string run_id;
  // argv[0] is looked up on PATH when it has no '/'. Never run through a shell.
  std::vector<std::string> argv;
  // Added to (and overriding) the controller's own environment.
  std::map<std::string, std::string> env;
  std::filesystem::path working_dir;
  // stdout.log and stderr.log are written here as the trial prints; each is
  // created on the first byte of its stream (a silent stream leaves none).
  std::filesystem::path log_dir;
  // Wall-clock limit; the trial is terminated (SIGTERM, grace, SIGKILL) past it.
  std::optional<std::chrono::milliseconds> timeout;
};

struct TrialExit {
  std::optional<int> exit_code;  // set when the process exited normally
  std::optional<int> signal;     // set when a signal killed it
  bool timed_out = false;        // ended by LaunchRequest::timeout
  bool terminated = false;       // ended by Terminate()/TerminateAll()
  std::string launch_error;      // non-empty when the process could not start
  std::string stderr_tail;       // the last lines of stderr, for failure reasons
  // Metric channel lines that were not valid messages (metric_channel.h).
  std::size_t bad_channel_lines = 0;
  // Why the first channel line that broke the protocol's limits (too long,
  // nested too deep) was refused; empty if none did. The run fails with it.
  std::string channel_error;
  // stdout lines longer than kMaxMetricLineBytes: logged, not parsed.
  std::size_t oversized_stdout_lines = 0;
};

// Receives runner events. Called only from inside TrialRunner::Poll().
class TrialEvents {
 public:
  virtual ~TrialEvents() = default;
  virtual void OnTrialStarted(const std::string& run_id, int pid) = 0;
  // Points parsed from the trial's output, in the order printed.
  virtual void OnMetrics(const std::string& run_id, std::vector<MetricPoint> points) = 0;
  // Exactly once per launched trial, after all of its output was delivered.
  virtual void OnTrialExited(const std::string& run_id, const TrialExit& exit) = 0;
  // The controller process received SIGINT or SIGTERM.
  virtual void OnInterrupt(int signal_number) = 0;
  // A summary/config/artifact/finish message from the trial's metric channel
  // (metric_channel.h), in the order written, before OnTrialExited.
  virtual void OnChannelMessage(const std::string& run_id, const ChannelMessage& message) {
    (void)run_id;
    (void)message;
  }
};

struct RunnerOptions {
  // Time between SIGTERM and SIGKILL when a trial is terminated. Ten seconds
  // lets a training script checkpoint, like Slurm's default KillWait.
  std::chrono::milliseconds kill_grace{10000};
  // Lines of stderr kept for failure reasons.
  std::size_t stderr_tail_lines = 20;
};

// Checks a request before anything is started: non-empty run_id and argv,
// argv[0] non-empty, no NUL bytes in argv or env, env names non-empty without
// '=', log_dir set and absolute, working_dir absolute when set, timeout
// positive when set. Failures are kInvalidInput. Both runners call it in Launch.
Status ValidateLaunchRequest(const LaunchRequest& request);

class TrialRunner {
 public:
  virtual ~TrialRunner() = default;

  // Starts a trial. A program that cannot be started is not an error here:
  // it is reported through OnTrialExited with launch_error set. An invalid
  // request (ValidateLaunchRequest) or a run_id still active is an error and
  // nothing is reported for it. Events for the trial, OnTrialStarted first,
  // come from later Poll() calls, never from inside Launch.
  virtual Status Launch(const LaunchRequest& request) = 0;
  // SIGTERM to the trial's process group, SIGKILL after the grace period.
  virtual void Terminate(const std::string& run_id) = 0;
  virtual void TerminateAll() = 0;
  // Trials launched and not yet reported as exited.
  virtual std::size_t active() const = 0;
  // Dispatches pending events; waits up to `max_wait` for the first one.
  virtual void Poll(std::chrono::milliseconds max_wait) = 0;
};

// Local subprocesses with Boost.Process/Asio (vfork + exec). Listens for
// SIGINT/SIGTERM and SIGCHLD while it exists (default handling is restored on
// destruction); at most one local runner may exist at a time. Each trial runs
// in its own process group (and its own cgroup where the system allows it),
// inherits only stdio and the metric channel (SWEEP_METRICS_FD,
// metric_channel.h), and gets PR_SET_PDEATHSIG SIGKILL, which Linux ties to
// the launching *thread*: keep the runner on a thread that lives as long as
// its trials. A trial's whole process tree ends with it: once its main
// process exits, on Terminate, on timeout, when the runner is destroyed, and
// when the controller dies (a watchdog process); trial_containment.h says
// how. While it exists the runner may be the child subreaper of its process
// (where cgroups are not usable) and reaps the trials' orphans. log_dir is
// created; stdout.log and stderr.log are appended to once there is output. OnTrialExited comes
// once the process has exited and its pipes reached EOF (at once, since the
// rest of the tree is killed), or 5 s after the exit when a process that
// escaped containment holds them open. Destroying the runner SIGKILLs trials
// still running, without reporting them.
std::unique_ptr<TrialRunner> MakeLocalRunner(TrialEvents& events, const RunnerOptions& options);

}  // namespace sweep
