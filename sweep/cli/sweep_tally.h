// What the live view and the summary count about one sweep, read from the
// store's runs (not from this process's own events), so the numbers are the
// sweep's after `sweep resume` and with several agents on one sweep.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/sweep_spec.h"
#include "tracking/store.h"

namespace sweep::cli {

struct SweepTally {
  std::int64_t runs = 0;      // every stored run
  std::int64_t done = 0;      // runs in a terminal state
  std::int64_t running = 0;   // queued or running, here or on other agents
  std::int64_t finished = 0;
  std::int64_t failed = 0;    // failed or crashed
  std::int64_t killed = 0;    // interrupted, timed out
  std::int64_t stopped = 0;   // ended by early termination
  std::optional<double> best;  // the best finished run's objective
  std::string best_run;
  Config best_params;
  // Median wall time of the runs that ran to their end (finished or
  // stopped); nullopt before the first.
  std::optional<double> median_seconds;
};

SweepTally TallyRuns(const std::vector<RunRecord>& runs, const MetricSpec& metric);

// How many runs the sweep will have in all, when something bounds it.
struct SweepPlan {
  std::optional<std::int64_t> grid_size;  // grid search: its number of points
  std::optional<std::int64_t> run_cap;    // the spec's run_cap
  // --count of this invocation, added to the runs already stored when it started.
  std::optional<std::int64_t> count_limit;
  int agents = 1;
};
std::optional<std::int64_t> PlannedRuns(const SweepPlan& plan);

// "grid 12 of 18", "12/20 done" or "12 done".
std::string ProgressText(const SweepPlan& plan, const SweepTally& tally);

// Seconds left: the median trial time times the runs not yet done, spread
// over the agents. nullopt when the total or the median is unknown.
std::optional<double> EstimateSecondsLeft(const SweepPlan& plan, const SweepTally& tally);

}  // namespace sweep::cli
