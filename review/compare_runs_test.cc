#include "review/compare_runs.h"

#include <gtest/gtest.h>

namespace sweep::review {
namespace {

TEST(CompareRuns, ReportsDifferingParamsEnvironmentAndMetrics) {
  RunRow a, b;
  a.id = "a";
  a.params = {{"lr", 0.1}, {"layers", 2}, {"opt", "adam"}};
  a.metrics = {{"loss", 0.5}};
  b.id = "b";
  b.params = {{"lr", 0.2}, {"layers", 2}};
  b.metrics = {{"loss", 0.4}, {"acc", 0.9}};
  auto c = CompareRuns({a, b}, {{{"git", "abc"}, {"host", "n1"}}, {{"git", "abc"}, {"host", "n2"}, {"gpu", "A100"}}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->run_ids, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(c->differing_params.size(), 2u);
  EXPECT_EQ(c->differing_params[0].name, "lr");
  EXPECT_EQ(c->differing_params[0].values, (std::vector<std::optional<Value>>{Value(0.1), Value(0.2)}));
  EXPECT_EQ(c->differing_params[1].name, "opt");
  EXPECT_FALSE(c->differing_params[1].values[1].has_value());
  EXPECT_EQ(c->common_params, (Config{{"layers", 2}}));
  ASSERT_EQ(c->differing_environment.size(), 2u);
  EXPECT_EQ(c->differing_environment[0].name, "gpu");
  EXPECT_EQ(c->differing_environment[1].name, "host");
  ASSERT_EQ(c->metrics.size(), 2u);
  EXPECT_EQ(c->metrics[0].name, "acc");
  EXPECT_EQ(c->metrics[0].values, (std::vector<std::optional<double>>{std::nullopt, 0.9}));
  EXPECT_EQ(c->metrics[1].values, (std::vector<std::optional<double>>{0.5, 0.4}));
}

TEST(CompareRuns, RejectsNoRunsAndMismatchedEnvironments) {
  EXPECT_EQ(CompareRuns({}).error().code, ErrorCode::kInvalidInput);
  RunRow a;
  auto c = CompareRuns({a, a}, {{}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message, "compare got 1 environments for 2 runs");
}

}  // namespace
}  // namespace sweep::review
