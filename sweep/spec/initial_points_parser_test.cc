#include "sweep/spec/initial_points_parser.h"

#include <gtest/gtest.h>

#include "sweep/spec/spec_test_util.h"

namespace sweep {
namespace {

using spec_test::ErrorCount;
using spec_test::HasDiagnostic;
using spec_test::Parse;

const std::string kHead =
    "method: random\nprogram: train.py\nparameters:\n"
    "  optimizer:\n    values: [sgd, adam]\n"
    "  momentum:\n    min: 0.0\n    max: 1.0\n    condition: {optimizer: sgd}\n"
    "  model:\n    parameters:\n      depth:\n        min: 1\n        max: 8\n";

TEST(InitialPointsParser, PointsAreNormalizedInOrder) {
  auto r = Parse(kHead +
                 "initial_points:\n"
                 "  - {optimizer: sgd, momentum: 1, model.depth: 3}\n"
                 "  - {optimizer: adam, model: {depth: 8}}\n");
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  ASSERT_EQ(r.spec->initial_points.size(), 2u);
  EXPECT_EQ(r.spec->initial_points[0], (Config{{"optimizer", Value("sgd")},
                                               {"momentum", Value(1.0)},
                                               {"model.depth", Value(std::int64_t{3})}}));
  EXPECT_EQ(r.spec->initial_points[1],
            (Config{{"optimizer", Value("adam")}, {"model.depth", Value(std::int64_t{8})}}));
}

TEST(InitialPointsParser, KeyMayComeBeforeParameters) {
  auto r = Parse("initial_points:\n  - {x: 2}\nmethod: grid\nprogram: train.py\nparameters:\n  x:\n    values: [1, 2]\n");
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  EXPECT_EQ(r.spec->initial_points.size(), 1u);
}

TEST(InitialPointsParser, ProblemsPointAtTheValueOrTheEntry) {
  auto r = Parse(kHead +
                 "initial_points:\n"                                      // line 15
                 "  - {optimizer: rmsprop, model.depth: 3}\n"             // 16
                 "  - {optimizer: adam, momentum: 0.5, model.depth: 3}\n"  // 17
                 "  - {optimizer: sgd, model: {depth: 3}}\n"              // 18
                 "  - {optimizer: adam, model: {depth: 9}}\n"             // 19
                 "  - {optimiser: adam}\n"                                // 20
                 "  - 3\n");                                              // 21
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:16:17: error: initial_points[0]: 'optimizer': rmsprop is not a value it "
                               "takes (one of its values)"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:17:23: error: initial_points[1]: 'momentum' is inactive with the point's "
                               "other values"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:18:5: error: initial_points[2]: 'momentum' is missing"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:19:38: error: initial_points[3]: 'model.depth': 9 is not a value it takes "
                               "(an integer from 1 to 8)"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:20:6: error: initial_points[4]: 'optimiser' is not a parameter of the "
                               "sweep"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:21:5: error: initial_points[5]: expected a mapping of parameter names to "
                               "values, got an integer '3'"));
  EXPECT_EQ(ErrorCount(r), 6) << spec_test::Dump(r);
}

TEST(InitialPointsParser, NotAList) {
  auto r = Parse(kHead + "initial_points: {optimizer: sgd}\n");
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:15:17: error: initial_points: expected a list of parameter mappings, got a "
                               "mapping"));
}

}  // namespace
}  // namespace sweep
