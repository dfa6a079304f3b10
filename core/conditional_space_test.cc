#include "core/conditional_space.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

ParameterSpec Categorical(std::string name, ValueList values) {
  ParameterSpec p;
  p.path = {std::move(name)};
  p.distribution = Distribution::kCategorical;
  p.values = std::move(values);
  return p;
}

ParameterSpec Conditional(ParameterSpec p, std::string parent, ValueList allowed) {
  p.conditions.push_back({std::move(parent), std::move(allowed)});
  return p;
}

// optimizer: [sgd, adam]; momentum only for sgd; nesterov only when momentum is 0.9.
SearchSpace OptimizerSpace() {
  SearchSpace space;
  space.parameters.push_back(Conditional(Categorical("nesterov", {Value(true), Value(false)}), "momentum", {Value(0.9)}));
  space.parameters.push_back(Conditional(Categorical("momentum", {Value(0.5), Value(0.9)}), "optimizer",
                                         {Value("sgd")}));
  space.parameters.push_back(Categorical("optimizer", {Value("sgd"), Value("adam")}));
  return space;
}

TEST(ConditionalSpaceTest, ActivityFollowsChainsWhateverTheListingOrder) {
  const ActivityRules rules(OptimizerSpace());
  ASSERT_TRUE(rules.conditional());
  const Config sgd = {{"nesterov", Value(true)}, {"momentum", Value(0.9)}, {"optimizer", Value("sgd")}};
  EXPECT_EQ(rules.Active(sgd), (std::vector<bool>{true, true, true}));
  const Config slow = {{"nesterov", Value(true)}, {"momentum", Value(0.5)}, {"optimizer", Value("sgd")}};
  EXPECT_EQ(rules.Active(slow), (std::vector<bool>{false, true, true}));
  // adam deactivates momentum, and with it nesterov, even though momentum's drawn value is 0.9.
  const Config adam = {{"nesterov", Value(true)}, {"momentum", Value(0.9)}, {"optimizer", Value("adam")}};
  EXPECT_EQ(rules.Active(adam), (std::vector<bool>{false, false, true}));
  EXPECT_EQ(rules.DropInactive(adam), (Config{{"optimizer", Value("adam")}}));
}

TEST(ConditionalSpaceTest, AbsentParentDeactivatesChildren) {
  const ActivityRules rules(OptimizerSpace());
  EXPECT_EQ(rules.Active(Config{{"momentum", Value(0.9)}}), (std::vector<bool>{false, false, true}));
}

TEST(ConditionalSpaceTest, SpaceWithoutConditionsKeepsEverything) {
  SearchSpace space;
  space.parameters.push_back(Categorical("a", {Value(1)}));
  const ActivityRules rules(space);
  EXPECT_FALSE(rules.conditional());
  EXPECT_FALSE(HasConditions(space));
  EXPECT_EQ(rules.DropInactive({{"a", Value(1)}}), (Config{{"a", Value(1)}}));
  EXPECT_EQ(ConditionProblem(space), std::nullopt);
}

TEST(ConditionalSpaceTest, CycleIsFoundAndNeverActive) {
  SearchSpace space;
  space.parameters.push_back(Categorical("root", {Value(1)}));
  space.parameters.push_back(Conditional(Categorical("a", {Value(1), Value(2)}), "b", {Value(1)}));
  space.parameters.push_back(Conditional(Categorical("b", {Value(1), Value(2)}), "a", {Value(1)}));
  EXPECT_EQ(ConditionCycle(space), (std::vector<std::size_t>{1, 2}));
  const auto problem = ConditionProblem(space);
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("cycle: 'a' -> 'b' -> 'a'"), std::string::npos) << *problem;
  const ActivityRules rules(space);
  EXPECT_EQ(rules.Active(Config{{"root", Value(1)}, {"a", Value(1)}, {"b", Value(1)}}),
            (std::vector<bool>{true, false, false}));
}

TEST(ConditionalSpaceTest, SelfConditionIsACycleOfOne) {
  SearchSpace space;
  space.parameters.push_back(Conditional(Categorical("a", {Value(1)}), "a", {Value(1)}));
  EXPECT_EQ(ConditionCycle(space), (std::vector<std::size_t>{0}));
}

TEST(ConditionalSpaceTest, ProblemsNameUnknownParentsAndForeignValues) {
  SearchSpace space = OptimizerSpace();
  space.parameters.push_back(Conditional(Categorical("x", {Value(1)}), "optimiser", {Value("sgd")}));
  space.parameters.push_back(Conditional(Categorical("y", {Value(1)}), "optimizer", {Value("rmsprop")}));
  space.parameters.push_back(BoundedParameter("lr", Distribution::kUniform, 0, 1));
  space.parameters.push_back(Conditional(Categorical("z", {Value(1)}), "lr", {Value(0.5)}));
  const auto problem = ConditionProblem(space);
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("'x': condition on 'optimiser': no such parameter"), std::string::npos) << *problem;
  EXPECT_NE(problem->find("'rmsprop' is not a value of 'optimizer'"), std::string::npos) << *problem;
  EXPECT_NE(problem->find("'lr' is uniform"), std::string::npos) << *problem;
}

TEST(ConditionalSpaceTest, IntUniformParentTakesIntegersWithinBounds) {
  ParameterSpec layers = BoundedParameter("layers", Distribution::kIntUniform, 1, 3);
  EXPECT_TRUE(ParentCanTake(layers, Value(std::int64_t{3})));
  EXPECT_FALSE(ParentCanTake(layers, Value(std::int64_t{4})));
  EXPECT_FALSE(ParentCanTake(layers, Value(2.0)));
}

}  // namespace
}  // namespace sweep
