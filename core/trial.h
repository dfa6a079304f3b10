// Trial lifecycle and metric types shared by every module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sweep {

// queued -> running -> finished | failed | crashed | killed | stopped.
//   failed:  non-zero exit, death by signal, or the sweep metric never reported;
//   crashed: the supervising agent died (stale heartbeat, resumed sweep);
//   killed:  the user or a limit (timeout, Ctrl-C) ended it;
//   stopped: ended early by the early-termination rule (not a failure).
enum class TrialState { kQueued, kRunning, kFinished, kFailed, kCrashed, kKilled, kStopped };

std::string_view TrialStateName(TrialState s);
std::optional<TrialState> ParseTrialState(std::string_view name);
bool IsTerminal(TrialState s);

// One logged value. `time` is seconds since the Unix epoch.
struct MetricPoint {
  std::string key;
  std::int64_t step = 0;
  double value = 0;
  double time = 0;
};

enum class Goal { kMinimize, kMaximize };

// True when `a` is strictly better than `b` under `goal`. NaN is never better.
bool IsBetter(Goal goal, double a, double b);

}  // namespace sweep
