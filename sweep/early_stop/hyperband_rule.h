// HyperbandRule: W&B's hyperband early termination, evaluated incrementally.
//
// W&B's reference (wandb/sweeps src/sweeps/hyperband_stopping.py,
// hyperband_stop_runs) is a batch function the W&B controller calls every
// tick with all runs of the sweep. For each band b (hyperband_bands.h) it
// collects the b-th value (history[b - 1]) of every run, finished or
// running, that has logged at least b values, negated when maximizing, and
// takes as threshold sorted(values)[int((1/eta) * len(values))]. Then every
// running run is judged against the threshold of the latest band it reached
// (the largest b <= its number of values): it is stopped when
// min(history) > threshold, i.e. its best value so far is strictly worse.
// (W&B's revision 035d000 "Hyperband now correctly stops more runs" moved
// from history[b] to history[b - 1]; we follow the current code.)
//
// This class keeps the same state incrementally: per band, the values at the
// band in an OrderStatistic (O(log n) per insert, O(1) threshold), and per
// run its best value so far and its values at the bands it reached. Each
// ShouldStop call records the value and then judges the run as W&B's tick
// would at that moment, against the thresholds built from every value
// recorded so far (the run's own included, as in W&B).
//
// Options:
//   strict = false: the run's best value so far is compared (W&B's
//     min(history), the revision that compares best-so-far).
//   strict = true:  the run's value at its latest band is compared
//     (W&B: history[closest_band - 1] when early_terminate.strict is true).
//   The thresholds are always built from the values at the band, as in W&B.
//
// Differences from W&B, on purpose:
//   - NaN is recorded as the worst value (+inf after orientation) and takes
//     its iteration slot; W&B drops non-numeric values from the history,
//     which shifts later values onto earlier bands and lets a diverged run
//     look healthy. A NaN at a band therefore ranks last in the threshold.
//   - A run is judged when it logs a value, not on a timer: a threshold that
//     tightens later (other runs reaching the band) stops the run at its next
//     value, one value later than a W&B tick might.
//   - A lone run (or the best run at a band) is never stopped: the threshold
//     includes its own value and the comparison is strict, as in W&B.
//
// Thread-safety: not thread-safe (see EarlyStopRule).
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "core/trial.h"
#include "sweep/early_stop/early_stop_options.h"
#include "sweep/early_stop/early_stop_rule.h"
#include "sweep/early_stop/order_statistic.h"

namespace sweep {

// "1st", "2nd", "3rd", "4th", "11th", "21st": for messages.
std::string OrdinalNumber(std::int64_t n);

class HyperbandRule final : public EarlyStopRule {
 public:
  // Validates `options` (HyperbandBands) and builds the rule.
  static Result<std::unique_ptr<HyperbandRule>> Create(const EarlyStopOptions& options);

  bool ShouldStop(const std::string& run_id, std::int64_t iteration, double value) override;
  void OnRunEnded(const std::string& run_id) override;
  std::string Explain(const std::string& run_id) const override;

  // The bands, ascending.
  const std::vector<std::int64_t>& bands() const { return bands_; }
  // The current threshold at bands()[band_index], in the metric's own
  // orientation (not negated); nullopt while no run reached that band. +inf
  // or -inf stands for a NaN ranked at the threshold.
  std::optional<double> Threshold(std::size_t band_index) const;

 protected:
  void Record(const std::string& run_id, double value) override;

 private:
  struct RunState {
    std::int64_t count = 0;  // values recorded
    double best = std::numeric_limits<double>::infinity();  // oriented best so far
    std::vector<double> at_band;  // oriented value at each band reached, in order
    bool ended = false;
  };

  HyperbandRule(std::vector<std::int64_t> bands, double eta, bool strict, Goal goal);

  // Maps a metric value to "smaller is better"; NaN becomes +inf (worst).
  double Orient(double value) const;
  void Append(RunState& run, double value);
  bool Judge(const RunState& run) const;

  std::vector<std::int64_t> bands_;
  std::vector<OrderStatistic> band_values_;  // one per band
  bool strict_;
  Goal goal_;
  std::unordered_map<std::string, RunState> runs_;
};

}  // namespace sweep
