// Bounded L-BFGS-B (LBFGS++) behind one non-template call, private to
// optimizers/bayes. The solver is a deep template: instantiated once here
// for a std::function instead of once per objective type in every file that
// minimizes, it costs one compile instead of several (each ~15 CPU-seconds).
//
// Stateless; thread-safe when the objective is.
#pragma once

#include <functional>

#include <Eigen/Dense>

namespace sweep::bayes {

// The function to minimize: returns f(x) and writes its gradient to grad
// (resized by the objective when needed).
using BoxObjective = std::function<double(const Eigen::VectorXd& x, Eigen::VectorXd& grad)>;

struct BoxMinimizerSettings {
  int max_iterations = 0;  // LBFGS++ max_iterations (0: until converged)
  double epsilon = 0;      // convergence: gradient norm relative to |x|
  int max_linesearch = 0;  // line-search trials per iteration
};

// Minimizes `objective` from `x` within [lower, upper] (same size as x).
// Returns false when the solver gave up (a line search failed on a flat or
// non-finite region); x is then unspecified, and callers that need an answer
// keep the best point their objective saw.
bool MinimizeInBox(const BoxObjective& objective, const BoxMinimizerSettings& settings, Eigen::VectorXd& x,
                   const Eigen::VectorXd& lower, const Eigen::VectorXd& upper);

}  // namespace sweep::bayes
