// ReportData: everything the HTML report shows, as plain values. The CLI fills
// it from the Store (runs, params, the sweep metric's series for a few runs)
// and from review's importance analysis; the report itself reads no store.
// Plain aggregate: no invariants beyond those documented per field; not
// synchronized (fill on one thread, then read-only).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/search_space.h"
#include "core/trial.h"

namespace sweep::report {

struct ReportRun {
  std::string id;
  std::int64_t number = 0;  // 1-based order of creation within the sweep
  TrialState state = TrialState::kQueued;
  Config params;
  // The run's summary value of the sweep metric; empty when never reported.
  // Non-finite values are shown in the table but kept off every chart.
  std::optional<double> objective;
  std::string failure_reason;  // empty unless failed/crashed/killed
  // Seconds since the Unix epoch; 0 = not reached (e.g. still queued).
  double created_at = 0, started_at = 0, ended_at = 0;
  std::optional<int> exit_code;
  // The sweep metric over steps, (step, value). Fill it for the top runs and
  // the stopped runs; the report draws at most a few dozen curves anyway.
  std::vector<std::pair<std::int64_t, double>> curve;
};

struct ReportImportance {
  std::string parameter;
  double importance = 0, importance_std = 0;  // e.g. permutation importance
  double spearman = 0;                        // rank correlation with the metric, [-1, 1]
  std::optional<double> gp_relevance;         // 1/lengthscale of a fitted GP, if any
};

struct ReportData {
  std::string sweep_id, sweep_name, method, metric_name;
  Goal goal = Goal::kMinimize;
  SearchSpace space;
  std::vector<ReportRun> runs;
  std::vector<ReportImportance> importance;
  // Shown when `importance` is empty, e.g. "too few finished runs".
  std::string importance_note;
  double generated_at = 0;  // seconds since the Unix epoch
};

}  // namespace sweep::report
