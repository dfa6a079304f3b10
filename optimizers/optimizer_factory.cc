// MakeOptimizer: the one place that maps a SearchMethod to its optimizer.
#include <memory>

#include "core/conditional_space.h"

#include "optimizers/bayes/bayes_optimizer.h"
#include "optimizers/grid_search.h"
#include "optimizers/optimizer.h"
#include "optimizers/random_search.h"

namespace sweep {

Result<std::unique_ptr<Optimizer>> MakeOptimizer(const OptimizerOptions& options) {
  if (auto problem = ConditionProblem(options.space)) return Error::InvalidInput(*problem);
  switch (options.method) {
    case SearchMethod::kGrid: {
      Result<std::unique_ptr<GridSearch>> grid = GridSearch::Create(options.space);
      if (!grid.ok()) return grid.error();
      return std::unique_ptr<Optimizer>(std::move(grid).value());
    }
    case SearchMethod::kRandom:
      return std::unique_ptr<Optimizer>(std::make_unique<RandomSearch>(options.space, options.seed));
    case SearchMethod::kBayes:
      return MakeBayesOptimizer(options);
  }
  return Error::Internal("unknown search method");
}

}  // namespace sweep
