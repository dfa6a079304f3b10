// Parameter importance for a sweep metric: functional ANOVA on a random
// forest (as Optuna's FanovaImportanceEvaluator) plus the Spearman rank
// correlation W&B's parameter-importance panel shows.
//
// Thread-safety: ComputeImportance is a pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/search_space.h"
#include "core/trial.h"
#include "review/run_row.h"

namespace sweep::review {

// Fewer finished runs with the metric than this is refused: a forest on a
// handful of bootstrap draws mostly fits one or two leaves per tree, and the
// shares it yields are noise.
inline constexpr int kMinRunsForImportance = 5;

struct ImportanceOptions {
  int trees = 64;      // Optuna's default n_trees
  int max_depth = 64;  // Optuna's default max_depth
  std::uint64_t seed = 0;
};

struct ParameterImportance {
  std::string name;
  // First-order variance share, normalised so the parameters sum to 1 (as
  // Optuna does); `importance_std` is the std across trees on the same scale.
  double importance = 0;
  double importance_std = 0;
  // Spearman correlation of the value with the metric (sign included);
  // nullopt for categorical parameters (unordered) and constant columns.
  std::optional<double> spearman;
  // Set for a conditional parameter (core/conditional_space.h): its shares
  // and correlation come from only the runs where it was active, this many,
  // in a forest of the unconditional parameters plus itself.
  std::optional<int> active_runs;
  std::string condition;  // "optimizer = sgd": when it is active; empty unless conditional
};

struct ImportanceReport {
  std::string metric;
  Goal goal = Goal::kMinimize;  // kept for display: variance shares do not depend on it
  std::vector<ParameterImportance> parameters;  // most important first
  int runs_used = 0;
  int runs_not_finished = 0;         // any state but finished
  int runs_without_metric = 0;       // finished, metric absent or not finite
  int runs_with_unusable_params = 0;  // a value missing, outside the categories, or not a number
  // Conditional parameters active in too few usable runs to be rated.
  std::vector<std::string> unrated_conditional;
};

// Rates every non-constant parameter of `space` by its main-effect share of
// the metric's variance across the finished runs. Numeric parameters are
// modelled over their distribution's range (widened to the observed values),
// in log space for the log_* / inv_log_* / log_normal families; categorical
// parameters are split natively on category subsets. With conditional
// parameters, the counts and the unconditional parameters' shares are those
// of the unconditional parameters over every run; each conditional one is
// rated over the runs where it was active (conditional_importance.h) and
// follows them in `parameters`.
// Errors (kInvalidInput): fewer than kMinRunsForImportance usable runs, no
// non-constant parameter, more than kMaxCategories categories, trees < 1.
Result<ImportanceReport> ComputeImportance(const SearchSpace& space, const std::vector<RunRow>& rows,
                                           const std::string& metric, Goal goal,
                                           const ImportanceOptions& options = {});

}  // namespace sweep::review
