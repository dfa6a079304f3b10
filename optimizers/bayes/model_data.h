// The history as the Bayesian optimizer's model sees it, and the target
// transforms and row selections the model is fitted on (private to
// optimizers/bayes: exposes Eigen).
//
// Pure functions of their arguments; thread-safe.
#pragma once

#include <vector>

#include <Eigen/Dense>

#include "optimizers/bayes/encoding.h"
#include "optimizers/optimizer.h"

namespace sweep::bayes {

// Rows in history order (observed and imputed), targets minimized, and the
// pending (queued/running) rows.
struct ModelData {
  std::vector<std::vector<double>> raw;  // raw coordinates of every row
  Eigen::MatrixXd x;                     // features of observed + imputed rows
  Eigen::VectorXd y;                     // their objective, to minimize
  Eigen::MatrixXd pending;               // features of queued/running trials
  std::vector<std::vector<double>> pending_raw;
};

// The model's view of `history`: configurations outside the space are
// skipped, failed trials imputed or excluded per options.bayes.failed_trials,
// NaN/inf objectives never kept as values (a trial reporting one counts as
// failed).
ModelData Collect(const OptimizerOptions& options, const SpaceEncoding& enc,
                  const std::vector<TrialObservation>& history);

// Standardizes y: zero mean, unit variance (variance 1 if y is constant),
// after the log output warp when `warp` (model_data.cc says why).
Eigen::VectorXd Standardize(const Eigen::VectorXd& raw, bool warp = true);

// Indices of the rows to keep when there are more than `limit`: the best
// half by y and an even stride (or the most recent, `recent`) through the
// rest, returned in history order.
std::vector<int> Subset(const Eigen::VectorXd& y, int limit, bool recent);

// The rows `idx` of x (of y), in that order.
Eigen::MatrixXd Rows(const Eigen::MatrixXd& x, const std::vector<int>& idx);
Eigen::VectorXd Rows(const Eigen::VectorXd& y, const std::vector<int>& idx);

}  // namespace sweep::bayes
