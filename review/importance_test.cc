#include "review/importance.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace sweep::review {
namespace {

// Forest fANOVA on a noise-free additive objective recovers the analytic
// first-order shares within this absolute error (Optuna's agrees to ~0.02).
constexpr double kShareTolerance = 0.05;
constexpr int kRuns = 400;

ParameterSpec Uniform(const std::string& name, double lo, double hi) {
  return BoundedParameter(name, Distribution::kUniform, lo, hi);
}

RunRow Finished(int i, Config params, double loss) {
  RunRow r;
  r.id = "run" + std::to_string(i);
  r.number = i;
  r.state = TrialState::kFinished;
  r.params = std::move(params);
  r.metrics["loss"] = loss;
  return r;
}

const ParameterImportance& Find(const ImportanceReport& r, const std::string& name) {
  for (const auto& p : r.parameters) {
    if (p.name == name) return p;
  }
  throw std::runtime_error("no parameter " + name);
}

// y = 4 x1 + 2 x2 + 1 x3 + 0 x4 with x_i ~ U(0, 1): Var(a x) = a^2 / 12, so
// the main-effect shares are 16/21, 4/21, 1/21 and 0.
struct Additive {
  SearchSpace space;
  std::vector<RunRow> rows;
  Additive() {
    for (const char* n : {"x1", "x2", "x3", "x4"}) space.parameters.push_back(Uniform(n, 0, 1));
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0, 1);
    for (int i = 0; i < kRuns; ++i) {
      double x1 = u(rng), x2 = u(rng), x3 = u(rng), x4 = u(rng);
      rows.push_back(Finished(i, {{"x1", x1}, {"x2", x2}, {"x3", x3}, {"x4", x4}}, 4 * x1 + 2 * x2 + x3));
    }
  }
};

TEST(Importance, RecoversAnalyticSharesAndRanks) {
  Additive a;
  auto r = ComputeImportance(a.space, a.rows, "loss", Goal::kMinimize);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->parameters.size(), 4u);
  EXPECT_EQ(r->parameters[0].name, "x1");
  EXPECT_EQ(r->parameters[1].name, "x2");
  EXPECT_EQ(r->parameters[2].name, "x3");
  EXPECT_EQ(r->parameters[3].name, "x4");
  EXPECT_NEAR(Find(*r, "x1").importance, 16.0 / 21, kShareTolerance);
  EXPECT_NEAR(Find(*r, "x2").importance, 4.0 / 21, kShareTolerance);
  EXPECT_NEAR(Find(*r, "x3").importance, 1.0 / 21, kShareTolerance);
  EXPECT_NEAR(Find(*r, "x4").importance, 0.0, kShareTolerance);
  double sum = 0;
  for (const auto& p : r->parameters) sum += p.importance;
  EXPECT_NEAR(sum, 1.0, 1e-9);
  EXPECT_GT(Find(*r, "x1").importance_std, 0.0);
  EXPECT_GT(*Find(*r, "x1").spearman, 0.8);
  EXPECT_NEAR(*Find(*r, "x4").spearman, 0.0, 0.15);
  EXPECT_EQ(r->runs_used, kRuns);
}

TEST(Importance, NegativeEffectGivesNegativeSpearman) {
  Additive a;
  for (auto& row : a.rows) row.metrics["loss"] = -row.metrics["loss"];
  auto r = ComputeImportance(a.space, a.rows, "loss", Goal::kMaximize);
  ASSERT_TRUE(r.ok());
  EXPECT_LT(*Find(*r, "x1").spearman, -0.8);
  EXPECT_NEAR(Find(*r, "x1").importance, 16.0 / 21, kShareTolerance);
}

TEST(Importance, DeterministicForASeedAndSensitiveToIt) {
  Additive a;
  ImportanceOptions o;
  o.seed = 42;
  auto r1 = ComputeImportance(a.space, a.rows, "loss", Goal::kMinimize, o);
  auto r2 = ComputeImportance(a.space, a.rows, "loss", Goal::kMinimize, o);
  o.seed = 43;
  auto r3 = ComputeImportance(a.space, a.rows, "loss", Goal::kMinimize, o);
  ASSERT_TRUE(r1.ok() && r2.ok() && r3.ok());
  for (std::size_t i = 0; i < r1->parameters.size(); ++i) {
    EXPECT_EQ(r1->parameters[i].importance, r2->parameters[i].importance);
    EXPECT_EQ(r1->parameters[i].importance_std, r2->parameters[i].importance_std);
  }
  EXPECT_NE(Find(*r1, "x3").importance, Find(*r3, "x3").importance);
}

// opt in {a, b, c} adds {0, 1, 3}: variance 14/9 with equally likely
// categories; 1.5 * x: variance 2.25/12 = 3/16. Shares 0.892 / 0.108.
TEST(Importance, CategoricalParameterSplitsNatively) {
  SearchSpace space;
  ParameterSpec opt;
  opt.path = {"opt"};
  opt.distribution = Distribution::kCategorical;
  opt.values = {"a", "b", "c"};
  space.parameters.push_back(opt);
  space.parameters.push_back(Uniform("x", 0, 1));
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(0, 1);
  const double effect[] = {0, 1, 3};
  std::vector<RunRow> rows;
  for (int i = 0; i < kRuns; ++i) {
    int c = i % 3;
    double x = u(rng);
    rows.push_back(Finished(i, {{"opt", opt.values[c]}, {"x", x}}, effect[c] + 1.5 * x));
  }
  auto r = ComputeImportance(space, rows, "loss", Goal::kMinimize);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const double var_opt = 14.0 / 9, var_x = 3.0 / 16;
  EXPECT_NEAR(Find(*r, "opt").importance, var_opt / (var_opt + var_x), kShareTolerance);
  EXPECT_NEAR(Find(*r, "x").importance, var_x / (var_opt + var_x), kShareTolerance);
  EXPECT_FALSE(Find(*r, "opt").spearman.has_value());
}

// A `values:` list of numbers is ordered: its Spearman correlation is
// computed (as W&B's panel does); a list with a string stays "not computed".
TEST(Importance, NumericValuesListGetsSpearman) {
  SearchSpace space;
  ParameterSpec batch;
  batch.path = {"batch"};
  batch.distribution = Distribution::kCategorical;
  batch.values = {Value(16.0), Value(64.0), Value(32.0)};
  space.parameters.push_back(batch);
  space.parameters.push_back(Uniform("x", 0, 1));
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<RunRow> rows;
  for (int i = 0; i < 60; ++i) {
    const Value& b = batch.values[static_cast<std::size_t>(i % 3)];
    rows.push_back(Finished(i, {{"batch", b}, {"x", u(rng) * 0.01}}, -b.as_number()));
  }
  auto r = ComputeImportance(space, rows, "loss", Goal::kMinimize);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_TRUE(Find(*r, "batch").spearman.has_value());
  EXPECT_NEAR(*Find(*r, "batch").spearman, -1.0, 1e-9);
}

// lr ~ log_uniform_values(1e-5, 1e-1) and loss = log10(lr): linear in log
// space, so lr carries everything and correlates perfectly.
TEST(Importance, LogScaleParameterModelledInLogSpace) {
  SearchSpace space;
  ParameterSpec lr;
  lr.path = {"lr"};
  lr.distribution = Distribution::kLogUniformValues;
  lr.min = 1e-5;
  lr.max = 1e-1;
  space.parameters.push_back(lr);
  space.parameters.push_back(Uniform("noise", 0, 1));
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<RunRow> rows;
  for (int i = 0; i < 200; ++i) {
    double v = std::pow(10.0, -5 + 4 * u(rng));
    rows.push_back(Finished(i, {{"lr", v}, {"noise", u(rng)}}, std::log10(v)));
  }
  auto r = ComputeImportance(space, rows, "loss", Goal::kMinimize);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_GT(Find(*r, "lr").importance, 1 - kShareTolerance);
  EXPECT_DOUBLE_EQ(*Find(*r, "lr").spearman, 1.0);
}

TEST(Importance, CountsLeftOutRunsAndRefusesTooFew) {
  Additive a;
  std::vector<RunRow> rows(a.rows.begin(), a.rows.begin() + kMinRunsForImportance - 1);
  RunRow failed = a.rows[10];
  failed.state = TrialState::kFailed;
  RunRow no_metric = a.rows[11];
  no_metric.metrics.clear();
  RunRow nan_metric = a.rows[12];
  nan_metric.metrics["loss"] = std::nan("");
  RunRow bad_param = a.rows[13];
  bad_param.params[0].second = "text";
  rows.insert(rows.end(), {failed, no_metric, nan_metric, bad_param});
  auto r = ComputeImportance(a.space, rows, "loss", Goal::kMinimize);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(r.error().message.find("at least 5 finished runs"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("found 4 (1 not finished, 2 without the metric, 1 with unusable parameters)"),
            std::string::npos)
      << r.error().message;

  rows.push_back(a.rows[20]);
  auto ok = ComputeImportance(a.space, rows, "loss", Goal::kMinimize);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->runs_used, 5);
  EXPECT_EQ(ok->runs_not_finished, 1);
  EXPECT_EQ(ok->runs_without_metric, 2);
  EXPECT_EQ(ok->runs_with_unusable_params, 1);
}

TEST(Importance, ConstantObjectiveRatesNothing) {
  Additive a;
  for (auto& row : a.rows) row.metrics["loss"] = 1.0;
  auto r = ComputeImportance(a.space, a.rows, "loss", Goal::kMinimize);
  ASSERT_TRUE(r.ok());
  for (const auto& p : r->parameters) EXPECT_EQ(p.importance, 0.0);
}

TEST(Importance, RefusesASpaceWithoutVaryingParameters) {
  SearchSpace space;
  ParameterSpec c;
  c.path = {"c"};
  c.value = 1;
  space.parameters.push_back(c);
  Additive a;
  auto r = ComputeImportance(space, a.rows, "loss", Goal::kMinimize);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace sweep::review
