#include "sweep/early_stop/median_stop_rule.h"

#include <sstream>

#include <cmath>
#include <string>

namespace sweep {
namespace {

// Rank of the lower median: for n values, element (n-1)/2; for an even n the
// upper middle element is the next rank.
std::size_t LowerMedianRank(std::size_t n) { return (n - 1) / 2; }

// numpy.percentile(values, 50) with its default linear interpolation.
double Median(const OrderStatistic& s) {
  const double lo = *s.AtRank();
  if (s.size() % 2 == 1) return lo;
  const double hi = *s.AfterRank();
  if (lo == hi) return lo;  // also keeps inf - inf from producing NaN
  return lo + (hi - lo) * 0.5;
}

}  // namespace

Result<std::unique_ptr<MedianStopRule>> MedianStopRule::Create(const EarlyStopOptions& o) {
  if (o.n_startup_trials < 0) {
    return Error::InvalidInput("early_terminate.n_startup_trials must be >= 0, got " +
                               std::to_string(o.n_startup_trials));
  }
  if (o.warmup_steps < 0) {
    return Error::InvalidInput("early_terminate.warmup_steps must be >= 0, got " +
                               std::to_string(o.warmup_steps));
  }
  return std::unique_ptr<MedianStopRule>(
      new MedianStopRule(o.n_startup_trials, o.warmup_steps, o.goal));
}

MedianStopRule::MedianStopRule(std::int64_t n_startup_trials, std::int64_t warmup_steps, Goal goal)
    : n_startup_trials_(n_startup_trials), warmup_steps_(warmup_steps), goal_(goal) {}

bool MedianStopRule::Judge(const RunState& run) const {
  if (run.values.empty()) return false;
  if (completed_ < n_startup_trials_) return false;
  const std::int64_t step = static_cast<std::int64_t>(run.values.size()) - 1;
  if (step < warmup_steps_) return false;

  if (!run.has_best) return true;  // Optuna: a NaN best intermediate value prunes

  const auto idx = static_cast<std::size_t>(step);
  if (idx >= completed_values_.size() || completed_values_[idx].size() == 0) return false;
  return IsBetter(goal_, Median(completed_values_[idx]), run.best);
}

bool MedianStopRule::ShouldStop(const std::string& run_id, std::int64_t iteration, double value) {
  RunState& run = runs_[run_id];
  if (run.ended) return false;
  if (iteration >= static_cast<std::int64_t>(run.values.size())) Append(run, value);
  const bool stop = Judge(run);
  if (stop) run.stopped = true;
  return stop;
}

std::string MedianStopRule::Explain(const std::string& run_id) const {
  auto it = runs_.find(run_id);
  if (it == runs_.end() || it->second.values.empty()) return "";
  const RunState& run = it->second;
  const auto idx = run.values.size() - 1;
  std::ostringstream out;
  out << "median rule: at iteration " << idx << " its best value so far ";
  if (run.has_best) out << run.best; else out << "NaN";
  if (idx < completed_values_.size() && completed_values_[idx].size() > 0) {
    out << (Judge(run) ? " was worse than" : " was not worse than") << " the median "
        << Median(completed_values_[idx]) << " of " << completed_values_[idx].size() << " completed runs";
  }
  return out.str();
}

void MedianStopRule::OnRunEnded(const std::string& run_id) {
  RunState& run = runs_[run_id];
  if (run.ended) return;
  run.ended = true;
  if (run.stopped) return;
  ++completed_;
  if (completed_values_.size() < run.values.size()) {
    completed_values_.reserve(run.values.size());
    while (completed_values_.size() < run.values.size()) {
      completed_values_.emplace_back(LowerMedianRank);
    }
  }
  for (std::size_t i = 0; i < run.values.size(); ++i) {
    if (!std::isnan(run.values[i])) completed_values_[i].Insert(run.values[i]);
  }
}

void MedianStopRule::Append(RunState& run, double value) const {
  run.values.push_back(value);
  if (!std::isnan(value) && (!run.has_best || IsBetter(goal_, value, run.best))) {
    run.best = value;
    run.has_best = true;
  }
}

void MedianStopRule::Record(const std::string& run_id, double value) {
  RunState& run = runs_[run_id];
  if (!run.ended) Append(run, value);
}

}  // namespace sweep
