#include "sweep/spec/condition_parser.h"

#include <gtest/gtest.h>

#include "sweep/spec/spec_test_util.h"

namespace sweep {
namespace {

using spec_test::ErrorCount;
using spec_test::HasDiagnostic;
using spec_test::Parse;
using spec_test::WithParameters;

const std::string kOptimizer =
    "  optimizer:\n"
    "    values: [sgd, adam]\n"
    "  layers:\n"
    "    min: 1\n"
    "    max: 3\n";

TEST(ConditionParser, ScalarAndListFormsAndSeveralParents) {
  auto r = Parse(WithParameters(kOptimizer +
                                "  momentum:\n"
                                "    values: [0.5, 0.9]\n"
                                "    condition: {optimizer: sgd}\n"
                                "  units_3:\n"
                                "    value: 64\n"
                                "    condition:\n"
                                "      layers: [3]\n"
                                "      optimizer: [sgd, adam]\n"));
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  const SearchSpace& space = r.spec->space;
  ASSERT_EQ(space.parameters.size(), 4u);
  EXPECT_TRUE(space.parameters[0].conditions.empty());
  const auto& momentum = space.parameters[2].conditions;
  ASSERT_EQ(momentum.size(), 1u);
  EXPECT_EQ(momentum[0].parent, "optimizer");
  EXPECT_EQ(momentum[0].allowed, (ValueList{Value("sgd")}));
  const auto& units = space.parameters[3].conditions;
  ASSERT_EQ(units.size(), 2u);
  EXPECT_EQ(units[0].parent, "layers");
  EXPECT_EQ(units[0].allowed, (ValueList{Value(std::int64_t{3})}));
  EXPECT_EQ(units[1].allowed, (ValueList{Value("sgd"), Value("adam")}));
}

TEST(ConditionParser, NestedParentByDottedName) {
  auto r = Parse(WithParameters("  model:\n"
                                "    parameters:\n"
                                "      kind:\n"
                                "        values: [cnn, mlp]\n"
                                "  kernel:\n"
                                "    values: [3, 5]\n"
                                "    condition: {model.kind: cnn}\n"));
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  EXPECT_EQ(r.spec->space.parameters[1].conditions[0].parent, "model.kind");
}

TEST(ConditionParser, UnknownParentSuggestsTheNearestName) {
  auto r = Parse(WithParameters(kOptimizer +
                                "  momentum:\n"
                                "    value: 0.9\n"
                                "    condition: {optimiser: sgd}\n"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:11:17: error: parameter 'momentum': condition on 'optimiser': unknown "
                               "parameter 'optimiser'; did you mean 'optimizer'?"));
}

TEST(ConditionParser, ValueNotAmongTheParentsIsPointedAt) {
  auto r = Parse(WithParameters(kOptimizer +
                                "  momentum:\n"
                                "    value: 0.9\n"
                                "    condition:\n"
                                "      optimizer: [sgd, rmsprop]\n"
                                "  units:\n"
                                "    value: 8\n"
                                "    condition: {layers: 4}\n"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:12:24: error: parameter 'momentum': condition on 'optimizer': rmsprop is "
                               "not among the values of 'optimizer'"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:15:25: error: parameter 'units': condition on 'layers': 4 is not among "
                               "the values of 'layers' (an integer within its min and max)"));
  EXPECT_EQ(ErrorCount(r), 2) << spec_test::Dump(r);
}

TEST(ConditionParser, ContinuousParentIsRefused) {
  auto r = Parse(WithParameters("  lr:\n"
                                "    min: 0.0\n"
                                "    max: 1.0\n"
                                "  decay:\n"
                                "    value: 1\n"
                                "    condition: {lr: 0.5}\n"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:9:17: error: parameter 'decay': condition on 'lr': 'lr' is uniform; a "
                               "condition's parent must have a value, values or int_uniform bounds"));
}

TEST(ConditionParser, CycleIsReportedAtEachCondition) {
  auto r = Parse(WithParameters("  a:\n"
                                "    values: [1, 2]\n"
                                "    condition: {b: 1}\n"
                                "  b:\n"
                                "    values: [1, 2]\n"
                                "    condition: {a: 1}\n"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:6:16: error: parameter 'a': conditions form a cycle: 'a' -> 'b' -> 'a'"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:9:16: error: parameter 'b': conditions form a cycle: 'a' -> 'b' -> 'a'"));
}

TEST(ConditionParser, ShapeErrors) {
  auto r = Parse(WithParameters(kOptimizer +
                                "  x:\n"
                                "    value: 1\n"
                                "    condition: sgd\n"
                                "  y:\n"
                                "    value: 1\n"
                                "    condition: {optimizer: []}\n"
                                "  z:\n"
                                "    value: 1\n"
                                "    condition: {optimizer: {sgd: 1}}\n"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:11:16: error: parameter 'x': condition: expected a mapping of parameter "
                               "names to a value or a list of values (e.g. {optimizer: sgd}), got a string 'sgd'"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:14:28: error: parameter 'y': condition on 'optimizer': the list of values "
                               "is empty"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:17:28: error: parameter 'z': condition on 'optimizer': expected a value, "
                               "got a mapping"));
}

}  // namespace
}  // namespace sweep
