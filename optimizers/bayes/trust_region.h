// The trust region of the Bayesian optimizer (TuRBO, Eriksson et al. 2019):
// a box around the incumbent, inside which the acquisition is maximized,
// that doubles after a run of improvements and halves after a run of
// failures. A global GP with a global acquisition keeps revisiting the
// corners of the cube where its variance is largest and never refines a
// basin it has found (bench/bayes, Ackley-5 seed 1000: 16 of evaluations
// 25-99 at corners, the best point's coordinates 0.3 off the optimum); the box makes
// the search local once the global design has found a basin, and escapes
// come from axis slices through the incumbent (design.h), which are scored
// outside the box.
//
// The region's size is a pure function of the observed history (replayed
// in history order), so proposals stay a pure function of the history.
//
// Value types and pure functions; thread-safe.
#pragma once

#include <vector>

#include <Eigen/Dense>

namespace sweep::bayes {

// TuRBO's published defaults, in units of the unit cube's side: start at
// 0.8, grow to at most 1.6 (the box then covers the cube from any centre),
// and when it shrinks below 2^-7 (a box finer than any length scale the
// fit allows) start over at 0.8.
constexpr double kTrustRegionInitial = 0.8;
constexpr double kTrustRegionMax = 1.6;
constexpr double kTrustRegionMin = 1.0 / 128;
// Consecutive improvements that double the side; consecutive failures that
// halve it are max(kTrustRegionMinFailures, dims): in d dimensions a box
// needs ~d proposals before a run of failures says it is too large.
constexpr int kTrustRegionSuccesses = 3;
constexpr int kTrustRegionMinFailures = 4;
// An observation improves on the best so far when it is lower by more than
// this fraction of the best's magnitude (TuRBO's 1e-3): smaller gains are
// refinement noise, not progress that justifies a larger box.
constexpr double kTrustRegionImprovement = 1e-3;

// The side length after replaying `y` (minimized, history order): the first
// `design` values only set the best so far (the initial design does not
// succeed or fail).
double TrustRegionSide(const Eigen::VectorXd& y, int design, int dims);

struct Box {
  std::vector<double> lower, upper;  // per raw coordinate, within [0, 1]
};

// The box of side `side` centred on `center` (raw coordinates), stretched
// per coordinate by its length scale relative to their geometric mean, so
// the box is longer along directions the model finds smooth; clipped to the
// cube. Coordinates with `unbounded[j]` (categoricals: their raw order means
// nothing) span [0, 1].
Box TrustRegionBox(const std::vector<double>& center, const std::vector<double>& lengthscale,
                   const std::vector<bool>& unbounded, double side);

}  // namespace sweep::bayes
