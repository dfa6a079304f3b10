// Bayesian optimization (`method: bayes`): a Gaussian process over the
// unit-cube encoding of the search space (space_transform.h) and an
// acquisition function maximized over that space.
//
// Model. Every searched parameter maps to u = ToUnit(value): log laws are
// linear in log space, normal/beta laws follow their prior's CDF, ints and
// q-laws are rounded to their representative (candidates are rounded before
// the acquisition sees them), categoricals are one-hot. Matérn-5/2 kernel
// with one length scale per feature (ARD), learned signal and noise
// variances, objective log-warped (options.bayes.warp_outputs) and
// standardized. Hyperparameters maximize the log
// marginal likelihood plus log priors (log-space, bounded, multi-start
// L-BFGS-B with analytic gradients).
//
// Proposal n = history.size():
//   * while n < initial design size: point n of a seeded Latin hypercube;
//   * otherwise the maximizer of log EI (or UCB) within a trust region
//     around the incumbent (trust_region.h: TuRBO's box, stretched by the
//     length scales, doubled after 3 improvements in a row, halved after
//     max(4, d) failures) over quasi-random (R_d) candidates in the box plus
//     the axis slices through the incumbent (which reach outside it), the
//     best five refined by L-BFGS-B over the continuous parameters within
//     the box. Queued/running trials enter the model as "kriging
//     believer" fantasies (observed at the posterior mean), so parallel
//     agents asking at the same time get different points; a proposal never
//     repeats an encoded point already in the history while another exists.
// Failed trials follow options.bayes.failed_trials; NaN/inf objectives never
// reach the model.
//
// Cost. Hyperparameters are refitted when the number of observations m
// reaches a schedule point (every ~10% of growth), on at most 300 of them
// (the best half and an even stride through the rest); between refits the
// Cholesky factor grows by rank-1 appends. Beyond 2000 observations the model
// keeps the best 1000 and the 1000 most recent (a local window around the
// incumbents plus the current search region).
//
// Determinism: a proposal is a pure function of (options, history); caches
// only save work (a fresh instance proposes the same configuration).
//
// Thread-safety: an instance is used from one thread at a time.
#pragma once

#include <memory>
#include <vector>

#include "core/result.h"
#include "optimizers/optimizer.h"

namespace sweep {

// Never fails today (every W&B distribution has a unit-cube encoding); a
// space of constants only yields the constant configuration every time.
// Returns Result so MakeOptimizer can forward it unchanged.
Result<std::unique_ptr<Optimizer>> MakeBayesOptimizer(const OptimizerOptions& options);

// The relevance of every parameter of options.space (same order), fitted on
// the finished trials of `history`: the inverse ARD length scale in the unit
// cube (the largest over a categorical's one-hot features; 0 for constants).
// kInvalidInput when fewer than 2 trials have a usable objective.
Result<std::vector<double>> FitParameterRelevance(const OptimizerOptions& options,
                                                  const std::vector<TrialObservation>& history);

}  // namespace sweep
