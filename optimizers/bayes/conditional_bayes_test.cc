// Bayesian search over a conditional space (core/conditional_space.h).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "core/conditional_space.h"
#include "optimizers/bayes/bayes_optimizer.h"
#include "optimizers/bayes/encoding.h"

namespace sweep {
namespace {

ParameterSpec Conditional(ParameterSpec p, std::string parent, ValueList allowed) {
  p.conditions.push_back({std::move(parent), std::move(allowed)});
  return p;
}

// optimizer in {sgd, adam}; lr for both; momentum only for sgd.
SearchSpace OptimizerSpace() {
  ParameterSpec optimizer;
  optimizer.path = {"optimizer"};
  optimizer.distribution = Distribution::kCategorical;
  optimizer.values = {Value("sgd"), Value("adam")};
  SearchSpace space;
  space.parameters.push_back(BoundedParameter("lr", Distribution::kUniform, 0, 1));
  space.parameters.push_back(
      Conditional(BoundedParameter("momentum", Distribution::kUniform, 0, 1), "optimizer", {Value("sgd")}));
  space.parameters.push_back(optimizer);
  return space;
}

const Value* Find(const Config& c, const std::string& name) {
  for (const auto& [n, v] : c) {
    if (n == name) return &v;
  }
  return nullptr;
}

// Minimum 0 at sgd, lr 0.3, momentum 0.8; adam never gets below 0.5.
double Objective(const Config& c) {
  const double lr = Find(c, "lr")->as_number();
  if (*Find(c, "optimizer") == Value("adam")) return 0.5 + (lr - 0.7) * (lr - 0.7);
  const double m = Find(c, "momentum")->as_number();
  return (lr - 0.3) * (lr - 0.3) + (m - 0.8) * (m - 0.8);
}

TEST(ConditionalBayes, InactiveCoordinatesDoNotChangeFeatures) {
  const bayes::SpaceEncoding enc(OptimizerSpace());
  ASSERT_EQ(enc.raw_dims(), 3);
  // u = 0.9 picks adam (the second of two values): momentum is inactive.
  std::vector<double> f1(enc.feature_dims()), f2(enc.feature_dims());
  const std::vector<double> a = {0.5, 0.1, 0.9}, b = {0.5, 0.7, 0.9};
  enc.Features(a.data(), f1.data());
  enc.Features(b.data(), f2.data());
  EXPECT_EQ(f1, f2);
  EXPECT_EQ(f1[enc.FeatureOf(1)], bayes::kInactiveFeature);
  EXPECT_EQ(enc.Decode(a), (Config{{"lr", Value(0.5)}, {"optimizer", Value("adam")}}));
  // A history entry without momentum encodes; with sgd it would need one.
  EXPECT_TRUE(enc.EncodeRaw({{"lr", Value(0.5)}, {"optimizer", Value("adam")}}).has_value());
  EXPECT_FALSE(enc.EncodeRaw({{"lr", Value(0.5)}, {"optimizer", Value("sgd")}}).has_value());
}

TEST(ConditionalBayes, ProposesValidConfigurationsAndFindsTheBranchOptimum) {
  constexpr int kTrials = 30;
  OptimizerOptions o;
  o.method = SearchMethod::kBayes;
  o.space = OptimizerSpace();
  const ActivityRules rules(o.space);
  for (std::uint64_t seed : {1, 2, 3}) {
    o.seed = seed;
    auto opt = MakeBayesOptimizer(o);
    ASSERT_TRUE(opt.ok());
    std::vector<TrialObservation> history;
    double best = std::numeric_limits<double>::infinity();
    for (int i = 0; i < kTrials; ++i) {
      std::optional<Suggestion> s = (*opt)->Ask(history);
      ASSERT_TRUE(s.has_value());
      const bool sgd = *Find(s->config, "optimizer") == Value("sgd");
      ASSERT_EQ(Find(s->config, "momentum") != nullptr, sgd) << "seed " << seed << " trial " << i;
      TrialObservation t;
      t.number = i;
      t.config = s->config;
      t.state = TrialState::kFinished;
      t.objective = Objective(s->config);
      best = std::min(best, *t.objective);
      history.push_back(std::move(t));
    }
    // Random search's expected best of 30 here is about 0.02 (1 / (15 pi): half the draws are adam).
    EXPECT_LT(best, 2e-3) << "seed " << seed;
  }
}

}  // namespace
}  // namespace sweep
