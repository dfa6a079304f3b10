// channel_flood: a trial that logs `points` metric points (config, default
// 1,000,000) through clients/cpp/sweep_client.h as fast as it can, kKeys keys
// per Log() call like a trainer reporting loss/acc/lr/grad_norm each step.
#include <string>

#include "sweep_client.h"

namespace {
constexpr int kKeys = 4;
constexpr long long kDefaultPoints = 1'000'000;
}  // namespace

int main() {
  auto run = sweep_client::Run::Init();
  const long long points = run.config().GetInt("points", kDefaultPoints);
  for (long long step = 0; step * kKeys < points; ++step) {
    const double i = static_cast<double>(step * kKeys);
    run.Log({{"loss", 1.0 / (i + 1)}, {"acc", 1.0 / (i + 2)}, {"lr", 1.0 / (i + 3)}, {"grad_norm", 1.0 / (i + 4)}},
            step);
  }
  run.Finish();
  return 0;
}
