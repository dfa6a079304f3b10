#include <gtest/gtest.h>

#include "optimizers/optimizer.h"

namespace sweep {
namespace {

OptimizerOptions Options(SearchMethod method, Distribution d) {
  ParameterSpec p;
  p.path = {"x"};
  p.distribution = d;
  p.min = 0;
  p.max = 3;
  OptimizerOptions options;
  options.method = method;
  options.space.parameters.push_back(p);
  options.seed = 11;
  return options;
}

TEST(MakeOptimizer, BuildsGridAndRandom) {
  auto grid = MakeOptimizer(Options(SearchMethod::kGrid, Distribution::kIntUniform));
  ASSERT_TRUE(grid.ok());
  auto first = (*grid)->Ask({});
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->grid_index, 0);
  EXPECT_EQ(first->config[0].second, Value(0));

  auto random = MakeOptimizer(Options(SearchMethod::kRandom, Distribution::kUniform));
  ASSERT_TRUE(random.ok());
  auto draw = (*random)->Ask({});
  ASSERT_TRUE(draw.has_value());
  EXPECT_FALSE(draw->grid_index.has_value());
  EXPECT_TRUE(draw->config[0].second.is_double());
}

TEST(MakeOptimizer, ExplainsWhyASpaceDoesNotSuitTheMethod) {
  auto grid = MakeOptimizer(Options(SearchMethod::kGrid, Distribution::kUniform));
  ASSERT_FALSE(grid.ok());
  EXPECT_EQ(grid.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(grid.error().message.find("'x'"), std::string::npos);
}

}  // namespace
}  // namespace sweep
