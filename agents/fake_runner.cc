#include "agents/fake_runner.h"

#include <algorithm>
#include <csignal>

namespace sweep {

FakeRunner::FakeRunner(TrialEvents& events, RunnerOptions options) : events_(events), options_(options) {}

void FakeRunner::SetScript(Predicate predicate, FakeTrialScript script) {
  scripts_.emplace_back(std::move(predicate), std::move(script));
}

void FakeRunner::SetRunScript(const std::string& run_id, FakeTrialScript script) {
  SetScript([run_id](const LaunchRequest& r) { return r.run_id == run_id; }, std::move(script));
}

void FakeRunner::SetDefaultScript(FakeTrialScript script) { default_script_ = std::move(script); }

void FakeRunner::Interrupt(int signal_number) { pending_interrupts_.push_back(signal_number); }

Status FakeRunner::Launch(const LaunchRequest& request) {
  if (Status valid = ValidateLaunchRequest(request); !valid.ok()) return valid;
  if (trials_.count(request.run_id) != 0) return Error::Conflict("run " + request.run_id + " is already running");
  Trial trial;
  trial.script = default_script_;
  for (const auto& [predicate, script] : scripts_) {
    if (predicate(request)) {
      trial.script = script;
      break;
    }
  }
  trial.order = next_order_++;
  trial.start = now_;
  trial.end = now_ + trial.script.duration;
  if (trial.script.exit.launch_error.empty()) {
    trial.pid = next_pid_++;
    if (request.timeout && *request.timeout < trial.script.duration) {
      trial.end = now_ + *request.timeout;
      trial.script.exit = TrialExit{};
      trial.script.exit.timed_out = true;
      trial.script.exit.signal = SIGTERM;
    }
  } else {
    trial.end = now_;
    trial.started = true;  // a launch error has no start
  }
  launched_.push_back(request);
  trials_.emplace(request.run_id, std::move(trial));
  return OkStatus();
}

void FakeRunner::Terminate(const std::string& run_id) {
  auto it = trials_.find(run_id);
  if (it == trials_.end() || !it->second.script.exit.launch_error.empty()) return;
  Trial& t = it->second;
  if (t.end <= now_) return;  // already ending at this instant
  t.end = now_;
  t.script.exit = TrialExit{};
  t.script.exit.terminated = true;
  t.script.exit.signal = SIGTERM;
  t.script.channel_messages.clear();
  // Points due later than now are never printed.
  auto& pts = t.script.points;
  std::size_t keep = t.next_point;
  while (keep < pts.size() && PointTime(t, keep) <= now_) ++keep;
  pts.resize(keep);
}

void FakeRunner::TerminateAll() {
  for (auto& [id, trial] : trials_) Terminate(id);
}

std::chrono::milliseconds FakeRunner::PointTime(const Trial& t, std::size_t i) const {
  // Computed from the original duration so Terminate does not move points.
  const auto n = static_cast<std::int64_t>(t.script.points.size());
  return t.start + t.script.duration * static_cast<std::int64_t>(i + 1) / (n + 1);
}

std::optional<std::chrono::milliseconds> FakeRunner::NextDue() const {
  std::optional<std::chrono::milliseconds> due;
  for (const auto& [id, t] : trials_) {
    auto when = t.next_point < t.script.points.size() ? std::min(PointTime(t, t.next_point), t.end) : t.end;
    if (!due || when < *due) due = when;
  }
  return due;
}

void FakeRunner::Poll(std::chrono::milliseconds max_wait) {
  std::vector<std::pair<std::uint64_t, std::string>> by_order;
  for (const auto& [id, t] : trials_) by_order.emplace_back(t.order, id);
  std::sort(by_order.begin(), by_order.end());

  bool delivered = false;
  for (int signal_number : pending_interrupts_) {
    events_.OnInterrupt(signal_number);
    delivered = true;
  }
  pending_interrupts_.clear();
  for (const auto& [order, id] : by_order) {
    Trial& t = trials_.at(id);
    if (!t.started) {
      t.started = true;
      delivered = true;
      events_.OnTrialStarted(id, t.pid);
    } else if (!t.script.exit.launch_error.empty()) {
      delivered = true;
      Finish(id);
    }
  }
  if (delivered) return;

  std::optional<std::chrono::milliseconds> due = NextDue();
  if (!due || *due > now_ + max_wait) {
    now_ += max_wait;
    return;
  }
  now_ = std::max(now_, *due);
  DeliverDue();
}

void FakeRunner::DeliverDue() {
  std::vector<std::pair<std::uint64_t, std::string>> by_order;
  for (const auto& [id, t] : trials_) by_order.emplace_back(t.order, id);
  std::sort(by_order.begin(), by_order.end());
  const double now_seconds = std::chrono::duration<double>(now_).count();
  for (const auto& [order, id] : by_order) {
    Trial& t = trials_.at(id);
    while (t.next_point < t.script.points.size() && PointTime(t, t.next_point) <= now_) {
      MetricPoint point = t.script.points[t.next_point++];
      if (point.time == 0) point.time = now_seconds;
      events_.OnMetrics(id, {point});
    }
    if (t.end <= now_) {
      // A trial ending early (timeout) never prints its later points.
      for (const ChannelMessage& m : t.script.channel_messages) events_.OnChannelMessage(id, m);
      Finish(id);
    }
  }
}

void FakeRunner::Finish(const std::string& run_id) {
  auto node = trials_.extract(run_id);
  events_.OnTrialExited(run_id, node.mapped().script.exit);
}

}  // namespace sweep
