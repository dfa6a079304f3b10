#include "core/space_point.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

SearchSpace Space() {
  SearchSpace space;
  ParameterSpec optimizer;
  optimizer.path = {"optimizer"};
  optimizer.distribution = Distribution::kCategorical;
  optimizer.values = {Value("sgd"), Value("adam")};
  ParameterSpec momentum = BoundedParameter("momentum", Distribution::kUniform, 0, 1);
  momentum.conditions.push_back({"optimizer", {Value("sgd")}});
  ParameterSpec epochs;
  epochs.path = {"epochs"};
  epochs.value = Value(10);
  ParameterSpec depth = BoundedParameter("depth", Distribution::kIntUniform, 1, 8);
  depth.path = {"model", "depth"};
  space.parameters = {optimizer, BoundedParameter("lr", Distribution::kLogUniformValues, 1e-5, 1), momentum,
                      epochs, depth};
  return space;
}

TEST(SpacePoint, TypesValuesFillsConstantsAndOrdersAsTheSpace) {
  auto point = NormalizePoint(Space(), {{"model.depth", Value(3.0)},
                                        {"momentum", Value(1)},
                                        {"lr", Value(0.001)},
                                        {"optimizer", Value("sgd")}});
  ASSERT_TRUE(point.ok()) << point.error().message;
  EXPECT_EQ(*point, (Config{{"optimizer", Value("sgd")},
                            {"lr", Value(0.001)},
                            {"momentum", Value(1.0)},
                            {"epochs", Value(10)},
                            {"model.depth", Value(std::int64_t{3})}}));
}

TEST(SpacePoint, ConditionalParametersFollowTheirParents) {
  auto adam = NormalizePoint(Space(), {{"optimizer", Value("adam")}, {"lr", Value(0.1)}, {"model.depth", Value(2)}});
  ASSERT_TRUE(adam.ok()) << adam.error().message;
  PointProblem problem;
  auto extra = NormalizePoint(Space(),
                              {{"optimizer", Value("adam")}, {"lr", Value(0.1)}, {"momentum", Value(0.5)},
                               {"model.depth", Value(2)}},
                              &problem);
  ASSERT_FALSE(extra.ok());
  EXPECT_EQ(problem.parameter, "momentum");
  EXPECT_EQ(extra.error().message, "'momentum' is inactive with the point's other values");
  auto missing = NormalizePoint(Space(), {{"optimizer", Value("sgd")}, {"lr", Value(0.1)}, {"model.depth", Value(2)}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "'momentum' is missing");
}

TEST(SpacePoint, RefusesUnknownNamesAndValuesOutsideTheLaw) {
  const Config base = {{"optimizer", Value("adam")}, {"model.depth", Value(2)}};
  auto with = [&](std::string name, Value v) {
    Config c = base;
    c.emplace_back(std::move(name), std::move(v));
    return NormalizePoint(Space(), c);
  };
  EXPECT_EQ(with("lr", Value(2.0)).error().message, "'lr': 2.0 is not a value it takes (a number from 1e-05 to 1.0)");
  EXPECT_EQ(with("lr", Value("fast")).error().message,
            "'lr': fast is not a value it takes (a number from 1e-05 to 1.0)");
  EXPECT_EQ(with("rl", Value(0.1)).error().message, "'rl' is not a parameter of the sweep");
  Config bad_depth = {{"optimizer", Value("adam")}, {"lr", Value(0.1)}, {"model.depth", Value(2.5)}};
  EXPECT_EQ(NormalizePoint(Space(), bad_depth).error().message,
            "'model.depth': 2.5 is not a value it takes (an integer from 1 to 8)");
  Config bad_choice = {{"optimizer", Value("rmsprop")}, {"lr", Value(0.1)}, {"model.depth", Value(2)}};
  EXPECT_EQ(NormalizePoint(Space(), bad_choice).error().message,
            "'optimizer': rmsprop is not a value it takes (one of its values)");
}

TEST(SpacePoint, FlattensNestedMapsOnlyAbovePathsOfParameters) {
  const ValueMap nested = {{"model", Value(ValueMap{{"depth", Value(3)}})}, {"lr", Value(0.1)}};
  EXPECT_EQ(FlattenPoint(Space(), nested), (Config{{"model.depth", Value(3)}, {"lr", Value(0.1)}}));
}

}  // namespace
}  // namespace sweep
