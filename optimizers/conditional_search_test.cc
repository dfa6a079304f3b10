// Grid and random search over conditional spaces (core/conditional_space.h).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/conditional_space.h"
#include "optimizers/grid_search.h"
#include "optimizers/optimizer.h"
#include "optimizers/random_search.h"

namespace sweep {
namespace {

ParameterSpec Values(std::string name, ValueList values, std::string parent = "", ValueList allowed = {}) {
  ParameterSpec p;
  p.path = {std::move(name)};
  p.distribution = Distribution::kCategorical;
  p.values = std::move(values);
  if (!parent.empty()) p.conditions.push_back({std::move(parent), std::move(allowed)});
  return p;
}

// Listed children first, so that no order of the listing is assumed.
SearchSpace OptimizerSpace() {
  SearchSpace space;
  space.parameters.push_back(Values("nesterov", {Value(true), Value(false)}, "momentum", {Value(0.9)}));
  space.parameters.push_back(Values("lr", {Value(0.1), Value(0.01)}));
  space.parameters.push_back(Values("momentum", {Value(0.5), Value(0.9)}, "optimizer", {Value("sgd")}));
  space.parameters.push_back(Values("optimizer", {Value("sgd"), Value("adam")}));
  return space;
}

// True when `config` holds exactly the active parameters of the space.
bool HoldsExactlyTheActive(const SearchSpace& space, const Config& config) {
  const std::vector<bool> active = ActivityRules(space).Active(config);
  for (std::size_t i = 0; i < space.parameters.size(); ++i) {
    const std::string name = space.parameters[i].name();
    bool present = false;
    for (const auto& [n, v] : config) present = present || n == name;
    if (present != active[i]) return false;
  }
  return true;
}

std::string Key(const Config& config) {
  std::string out;
  for (const auto& [name, value] : config) out += name + "=" + FormatPythonArg(value) + " ";
  return out;
}

TEST(ConditionalGrid, ProposesEachValidCombinationOnceAndOnlyThose) {
  const SearchSpace space = OptimizerSpace();
  auto grid = GridSearch::Create(space);
  ASSERT_TRUE(grid.ok()) << grid.error().message;
  // adam x 2 lr; sgd/0.5 x 2 lr; sgd/0.9 x nesterov x 2 lr: 2 + 2 + 4, not the product 16.
  EXPECT_EQ((*grid)->size(), 8);
  std::vector<TrialObservation> history;
  std::set<std::string> seen;
  while (auto s = (*grid)->Ask(history)) {
    ASSERT_LT(history.size(), 16u) << "the grid did not end";
    EXPECT_TRUE(HoldsExactlyTheActive(space, s->config)) << Key(s->config);
    EXPECT_TRUE(seen.insert(Key(s->config)).second) << "twice: " << Key(s->config);
    TrialObservation t;
    t.number = static_cast<std::int64_t>(history.size());
    t.grid_index = s->grid_index;
    t.config = s->config;
    t.state = TrialState::kFinished;
    history.push_back(t);
  }
  EXPECT_EQ(seen.size(), 8u);
  // What the full product gives once inactive parameters are dropped.
  std::set<std::string> expected;
  const ActivityRules rules(space);
  for (const Value& nesterov : space.parameters[0].values)
    for (const Value& lr : space.parameters[1].values)
      for (const Value& momentum : space.parameters[2].values)
        for (const Value& optimizer : space.parameters[3].values)
          expected.insert(Key(rules.DropInactive(
              {{"nesterov", nesterov}, {"lr", lr}, {"momentum", momentum}, {"optimizer", optimizer}})));
  EXPECT_EQ(seen, expected);
}

TEST(ConditionalGrid, ClaimedIndicesFromOtherAgentsAreSkipped) {
  auto grid = GridSearch::Create(OptimizerSpace());
  ASSERT_TRUE(grid.ok());
  auto first = (*grid)->Ask({});
  ASSERT_TRUE(first && first->grid_index);
  TrialObservation t;
  t.grid_index = first->grid_index;
  t.state = TrialState::kRunning;
  auto second = (*grid)->Ask({t});
  ASSERT_TRUE(second && second->grid_index);
  EXPECT_GT(*second->grid_index, *first->grid_index);
  EXPECT_NE(Key(second->config), Key(first->config));
}

TEST(ConditionalGrid, UnconditionalGridKeepsWandbOrder) {
  SearchSpace space;
  space.parameters.push_back(Values("b", {Value(1), Value(2)}));
  space.parameters.push_back(Values("a", {Value(1), Value(2)}));
  auto grid = GridSearch::Create(space);
  ASSERT_TRUE(grid.ok());
  EXPECT_EQ((*grid)->size(), 4);
  // a (sorted first) varies slowest: index 1 is a=1, b=2.
  EXPECT_EQ((*grid)->ConfigAt(1), (Config{{"b", Value(2)}, {"a", Value(1)}}));
}

TEST(ConditionalRandom, DrawsOnlyActiveParametersWithTheirLaws) {
  const SearchSpace space = OptimizerSpace();
  RandomSearch random(space, 7);
  constexpr int kDraws = 2000;
  int sgd = 0, momentum_high = 0, with_momentum = 0;
  for (int n = 0; n < kDraws; ++n) {
    const Config c = random.ConfigFor(n);
    ASSERT_TRUE(HoldsExactlyTheActive(space, c)) << Key(c);
    for (const auto& [name, value] : c) {
      if (name == "optimizer" && value == Value("sgd")) ++sgd;
      if (name == "momentum") {
        ++with_momentum;
        momentum_high += value == Value(0.9);
      }
    }
  }
  EXPECT_EQ(with_momentum, sgd);
  // Binomial(2000, 1/2) and Binomial(~1000, 1/2): 5 sigma is about 110 and 80.
  EXPECT_NEAR(sgd, kDraws / 2, 110);
  EXPECT_NEAR(momentum_high, sgd / 2, 80);
}

TEST(ConditionalFactory, BrokenConditionsAreRefusedForEveryMethod) {
  OptimizerOptions options;
  options.space.parameters.push_back(Values("a", {Value(1), Value(2)}, "b", {Value(1)}));
  options.space.parameters.push_back(Values("b", {Value(1), Value(2)}, "a", {Value(1)}));
  for (SearchMethod method : {SearchMethod::kGrid, SearchMethod::kRandom, SearchMethod::kBayes}) {
    options.method = method;
    auto made = MakeOptimizer(options);
    ASSERT_FALSE(made.ok());
    EXPECT_NE(made.error().message.find("cycle"), std::string::npos) << made.error().message;
  }
}

}  // namespace
}  // namespace sweep
