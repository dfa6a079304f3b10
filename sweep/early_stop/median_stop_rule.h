// MedianStopRule: Optuna's MedianPruner (optuna.pruners.MedianPruner, i.e.
// PercentilePruner(50)) as an EarlyStopRule.
//
// A run is stopped at iteration i when all of these hold:
//   - at least n_startup_trials runs have completed (Optuna counts COMPLETE
//     trials; here: runs whose OnRunEnded came without this rule stopping
//     them, since the rule is not told the terminal state);
//   - i >= warmup_steps (Optuna's n_warmup_steps);
//   - some completed run logged a non-NaN value at iteration i (Optuna's
//     n_min_trials = 1);
//   - the run's best value so far (NaNs ignored, as numpy's nanmin) is
//     strictly worse than the median of the completed runs' values at
//     iteration i (NaNs ignored; numpy's linear interpolation, so the mean
//     of the two middle values for an even count).
// As in Optuna, a run whose values so far are all NaN is stopped once past
// the startup and warm-up conditions.
//
// Resume: Replay() does not know which ended runs this rule stopped in an
// earlier session, so such runs count as completed afterwards; they only
// contribute values at the iterations they reached, a small optimistic bias
// (medians over slightly more runs) that never stops a run wrongly early.
//
// Cost: O(log n) per value for completed runs' values (one OrderStatistic per
// iteration), O(1) per decision; memory is one double per logged value.
//
// Thread-safety: not thread-safe (see EarlyStopRule).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "core/trial.h"
#include "sweep/early_stop/early_stop_options.h"
#include "sweep/early_stop/early_stop_rule.h"
#include "sweep/early_stop/order_statistic.h"

namespace sweep {

class MedianStopRule final : public EarlyStopRule {
 public:
  // Fails on negative n_startup_trials or warmup_steps.
  static Result<std::unique_ptr<MedianStopRule>> Create(const EarlyStopOptions& options);

  bool ShouldStop(const std::string& run_id, std::int64_t iteration, double value) override;
  void OnRunEnded(const std::string& run_id) override;
  std::string Explain(const std::string& run_id) const override;

 protected:
  void Record(const std::string& run_id, double value) override;

 private:
  struct RunState {
    std::vector<double> values;  // as logged, NaN included
    double best = 0;             // best non-NaN value so far; valid when has_best
    bool has_best = false;
    bool ended = false;
    bool stopped = false;  // this rule said stop: not a completed run
  };

  MedianStopRule(std::int64_t n_startup_trials, std::int64_t warmup_steps, Goal goal);

  void Append(RunState& run, double value) const;
  bool Judge(const RunState& run) const;

  std::int64_t n_startup_trials_;
  std::int64_t warmup_steps_;
  Goal goal_;
  std::int64_t completed_ = 0;
  // completed_values_[i]: non-NaN values at iteration i of completed runs.
  std::vector<OrderStatistic> completed_values_;
  std::unordered_map<std::string, RunState> runs_;
};

}  // namespace sweep
