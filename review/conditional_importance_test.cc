#include "review/conditional_importance.h"

#include <gtest/gtest.h>

#include <random>

namespace sweep::review {
namespace {

constexpr int kRuns = 200;

// loss = 0.1 * lr for adam; 0.1 * lr + momentum for sgd: among sgd runs
// momentum carries most of the variance, and it has no value for adam.
struct OptimizerSweep {
  SearchSpace space;
  std::vector<RunRow> rows;
  int sgd_runs = 0;

  OptimizerSweep() {
    ParameterSpec optimizer;
    optimizer.path = {"optimizer"};
    optimizer.distribution = Distribution::kCategorical;
    optimizer.values = {Value("sgd"), Value("adam")};
    ParameterSpec momentum = BoundedParameter("momentum", Distribution::kUniform, 0, 1);
    momentum.conditions.push_back({"optimizer", {Value("sgd")}});
    space.parameters = {optimizer, BoundedParameter("lr", Distribution::kUniform, 0, 1), momentum};
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> u(0, 1);
    for (int i = 0; i < kRuns; ++i) {
      RunRow r;
      r.id = "run" + std::to_string(i);
      r.number = i;
      r.state = TrialState::kFinished;
      const bool sgd = i % 2 == 0;
      const double lr = u(rng), m = u(rng);
      r.params = {{"optimizer", Value(sgd ? "sgd" : "adam")}, {"lr", Value(lr)}};
      if (sgd) r.params.emplace_back("momentum", Value(m));
      r.metrics["loss"] = 0.1 * lr + (sgd ? m : 0.0);
      sgd_runs += sgd;
      rows.push_back(std::move(r));
    }
  }
};

TEST(ConditionalImportance, ConditionalParameterIsRatedOverTheRunsWhereItWasActive) {
  const OptimizerSweep sweep;
  auto report = ComputeImportance(sweep.space, sweep.rows, "loss", Goal::kMinimize, {});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->runs_used, kRuns);  // the unconditional parameters use every run
  ASSERT_EQ(report->parameters.size(), 3u);
  const ParameterImportance& last = report->parameters.back();
  EXPECT_EQ(last.name, "momentum");
  ASSERT_TRUE(last.active_runs.has_value());
  EXPECT_EQ(*last.active_runs, sweep.sgd_runs);
  EXPECT_EQ(last.condition, "optimizer = sgd");
  // Var(momentum) = 1/12 against Var(0.1 lr) = 1/1200 among sgd runs: ~0.99.
  EXPECT_GT(last.importance, 0.9);
  ASSERT_TRUE(last.spearman.has_value());
  EXPECT_GT(*last.spearman, 0.9);
  for (std::size_t i = 0; i + 1 < report->parameters.size(); ++i) {
    EXPECT_FALSE(report->parameters[i].active_runs.has_value()) << report->parameters[i].name;
  }
}

TEST(ConditionalImportance, TooFewActiveRunsAreListedUnrated) {
  OptimizerSweep sweep;
  // Keep two sgd runs only.
  std::vector<RunRow> rows;
  int sgd = 0;
  for (const RunRow& r : sweep.rows) {
    const bool is_sgd = FindParam(r, "momentum") != nullptr;
    if (is_sgd && ++sgd > 2) continue;
    rows.push_back(r);
  }
  auto report = ComputeImportance(sweep.space, rows, "loss", Goal::kMinimize, {});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->unrated_conditional, (std::vector<std::string>{"momentum"}));
  for (const auto& p : report->parameters) EXPECT_NE(p.name, "momentum");
}

TEST(ConditionalImportance, DescribesListsAndSeveralParents) {
  ParameterSpec p;
  p.conditions = {{"layers", {Value(std::int64_t{2}), Value(std::int64_t{3})}}, {"optimizer", {Value("sgd")}}};
  EXPECT_EQ(DescribeConditions(p), "layers in [2, 3] and optimizer = sgd");
}

}  // namespace
}  // namespace sweep::review
