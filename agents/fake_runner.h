// FakeRunner: a scripted TrialRunner for controller tests, like ninja's
// FakeCommandRunner. No processes: each launched trial follows a
// FakeTrialScript on a virtual clock, so tests run instantly and the event
// order is deterministic.
//
// Timeline of a trial launched at virtual time T with script S:
//   * OnTrialStarted(run_id, pid) on the next Poll (pids count up from
//     kFirstFakePid in launch order);
//   * point i of S.points (of n) at T + S.duration * (i + 1) / (n + 1), each
//     in its own OnMetrics call; a point whose time is 0 gets the virtual
//     time in seconds;
//   * S.channel_messages, if any, just before the exit;
//   * OnTrialExited(run_id, S.exit) at T + S.duration.
// A request with a timeout shorter than S.duration ends at T + timeout with
// timed_out set and signal SIGTERM; Terminate() ends a trial at the current
// virtual time with terminated set and signal SIGTERM (the grace period is not
// simulated). Points not yet due are dropped. A script whose
// exit.launch_error is set produces only OnTrialExited, on the next Poll.
//
// Poll(max_wait) first delivers pending starts, interrupts and launch errors;
// if none, it advances the clock to the earliest due event, unless that lies
// beyond now + max_wait (then the clock moves by max_wait and nothing
// happens), and delivers every event due at that instant. Events due at the
// same instant come in launch order, per trial in timeline order.
//
// Not thread-safe; like the real runner, events come only from Poll.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agents/trial_runner.h"

namespace sweep {

struct FakeTrialScript {
  std::vector<MetricPoint> points;
  // Default: a normal exit with code 0.
  TrialExit exit = [] {
    TrialExit e;
    e.exit_code = 0;
    return e;
  }();
  std::chrono::milliseconds duration{1000};
  std::vector<ChannelMessage> channel_messages;
};

class FakeRunner final : public TrialRunner {
 public:
  using Predicate = std::function<bool(const LaunchRequest&)>;
  // First pid handed out; an arbitrary value that no test mistakes for 0 or 1.
  static constexpr int kFirstFakePid = 10000;

  explicit FakeRunner(TrialEvents& events, RunnerOptions options = {});

  // Scripts are matched in the order they were set; the first match wins.
  void SetScript(Predicate predicate, FakeTrialScript script);
  // Shorthand for a predicate matching one run id.
  void SetRunScript(const std::string& run_id, FakeTrialScript script);
  // Used when no predicate matches. Initially: exit code 0 after 1 s, no points.
  void SetDefaultScript(FakeTrialScript script);
  // Simulates SIGINT/SIGTERM to the controller: OnInterrupt on the next Poll.
  void Interrupt(int signal_number);

  // Every accepted request, in launch order.
  const std::vector<LaunchRequest>& launched() const { return launched_; }
  // Virtual time since construction.
  std::chrono::milliseconds now() const { return now_; }
  const RunnerOptions& options() const { return options_; }

  // TrialRunner.
  Status Launch(const LaunchRequest& request) override;
  void Terminate(const std::string& run_id) override;
  void TerminateAll() override;
  std::size_t active() const override { return trials_.size(); }
  void Poll(std::chrono::milliseconds max_wait) override;

 private:
  struct Trial {
    std::uint64_t order = 0;  // launch sequence number
    int pid = 0;
    bool started = false;
    std::chrono::milliseconds start{0};
    std::chrono::milliseconds end{0};
    FakeTrialScript script;
    std::size_t next_point = 0;
  };

  std::chrono::milliseconds PointTime(const Trial& t, std::size_t i) const;
  // Earliest virtual time at which some trial has something due.
  std::optional<std::chrono::milliseconds> NextDue() const;
  void DeliverDue();
  void Finish(const std::string& run_id);

  TrialEvents& events_;
  RunnerOptions options_;
  std::vector<std::pair<Predicate, FakeTrialScript>> scripts_;
  FakeTrialScript default_script_;
  std::vector<LaunchRequest> launched_;
  std::map<std::string, Trial> trials_;
  std::vector<int> pending_interrupts_;
  std::chrono::milliseconds now_{0};
  std::uint64_t next_order_ = 0;
  int next_pid_ = kFirstFakePid;
};

}  // namespace sweep
