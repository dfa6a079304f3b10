#include "sweep/clock.h"

namespace sweep {
namespace {

class SystemClocks final : public Clock {
 public:
  std::chrono::steady_clock::time_point SteadyNow() const override { return std::chrono::steady_clock::now(); }
  double WallSeconds() const override { return NowSeconds(); }
};

}  // namespace

const Clock& RealClock() {
  static const SystemClocks clock;
  return clock;
}

}  // namespace sweep
