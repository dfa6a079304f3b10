#include "optimizers/bayes/box_minimizer.h"

#include <LBFGSB.h>

#include <exception>

namespace sweep::bayes {

bool MinimizeInBox(const BoxObjective& objective, const BoxMinimizerSettings& settings, Eigen::VectorXd& x,
                   const Eigen::VectorXd& lower, const Eigen::VectorXd& upper) {
  LBFGSpp::LBFGSBParam<double> param;
  param.max_iterations = settings.max_iterations;
  param.epsilon = settings.epsilon;
  param.max_linesearch = settings.max_linesearch;
  LBFGSpp::LBFGSBSolver<double> solver(param);
  // LBFGS++ takes the objective by non-const reference; this forwards to
  // the caller's without copying whatever state it keeps.
  auto f = [&objective](const Eigen::VectorXd& at, Eigen::VectorXd& grad) { return objective(at, grad); };
  double fx = 0;
  try {
    solver.minimize(f, x, fx, lower, upper);
  } catch (const std::exception&) {
    // LBFGS++ reports a failed line search by throwing.
    return false;
  }
  return true;
}

}  // namespace sweep::bayes
