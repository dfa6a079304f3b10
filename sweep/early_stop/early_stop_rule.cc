#include "sweep/early_stop/early_stop_rule.h"

namespace sweep {

EarlyStopRule::~EarlyStopRule() = default;

void EarlyStopRule::Replay(const std::string& run_id, std::span<const double> values) {
  for (double v : values) Record(run_id, v);
}

}  // namespace sweep
