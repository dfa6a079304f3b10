#include "sweep/early_stop/make_early_stop_rule.h"

#include "sweep/early_stop/hyperband_rule.h"
#include "sweep/early_stop/median_stop_rule.h"

namespace sweep {

Result<std::unique_ptr<EarlyStopRule>> MakeEarlyStopRule(const EarlyStopOptions& options) {
  switch (options.type) {
    case EarlyStopOptions::kNone:
      return std::unique_ptr<EarlyStopRule>();
    case EarlyStopOptions::kHyperband: {
      auto rule = HyperbandRule::Create(options);
      if (!rule.ok()) return rule.error();
      return std::unique_ptr<EarlyStopRule>(std::move(rule).value());
    }
    case EarlyStopOptions::kMedian: {
      auto rule = MedianStopRule::Create(options);
      if (!rule.ok()) return rule.error();
      return std::unique_ptr<EarlyStopRule>(std::move(rule).value());
    }
  }
  return Error::Internal("MakeEarlyStopRule: unknown EarlyStopOptions::Type");
}

}  // namespace sweep
