// The wall clock as Sweep records it. Header-only; thread-safe.
#pragma once

#include <chrono>

namespace sweep {

// Seconds since the Unix epoch, with sub-second precision: the unit of every
// time in the store (created/started/ended, heartbeats, metric points,
// system samples).
inline double NowSeconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

}  // namespace sweep
