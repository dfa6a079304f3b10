// Wall-clock time as stored in the tracking database.
#pragma once

#include <chrono>

namespace sweep {

// Seconds since the Unix epoch, with sub-second precision.
inline double NowSeconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

}  // namespace sweep
