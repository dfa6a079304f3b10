// Time as Sweep reads it: the wall clock whose seconds are stored in the
// tracking database, and the Clock the controller reads both through, so tests
// drive its timers (heartbeats, metric flushes, system sampling, max_runtime)
// with a manual clock instead of sleeping through them.
#pragma once

#include <chrono>

#include "core/wall_clock.h"

namespace sweep {

class Clock {
 public:
  virtual ~Clock() = default;
  // For intervals and deadlines: monotonic, so a step of the wall clock (an
  // NTP correction, a laptop waking up) neither fires nor postpones a timer.
  virtual std::chrono::steady_clock::time_point SteadyNow() const = 0;
  // Seconds since the Unix epoch, for the times written to the store.
  virtual double WallSeconds() const = 0;
};

// std::chrono::steady_clock and NowSeconds(): the clock outside of tests.
const Clock& RealClock();

}  // namespace sweep
