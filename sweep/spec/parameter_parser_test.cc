#include "sweep/spec/parameter_parser.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sweep/spec/spec_test_util.h"

namespace sweep {
namespace {

using spec_test::HasDiagnostic;
using spec_test::Parse;
using spec_test::WithParameters;

const ParameterSpec& Only(const SpecParseResult& r) {
  EXPECT_TRUE(r.ok()) << spec_test::Dump(r);
  static const ParameterSpec kNone;
  if (!r.ok() || r.spec->space.parameters.size() != 1) return kNone;
  return r.spec->space.parameters[0];
}

TEST(ParameterParser, ValueIsConstant) {
  auto r = Parse(WithParameters("  epochs:\n    value: 10\n"));
  const auto& p = Only(r);
  EXPECT_EQ(p.distribution, Distribution::kConstant);
  EXPECT_EQ(p.value, Value(std::int64_t{10}));
}

TEST(ParameterParser, ValuesAreCategoricalWithTypesKept) {
  auto r = Parse(WithParameters("  x:\n    values: [1, 1.0, adam, '2', true, null]\n"));
  const auto& p = Only(r);
  EXPECT_EQ(p.distribution, Distribution::kCategorical);
  ValueList expected = {Value(std::int64_t{1}), Value(1.0), Value("adam"), Value("2"), Value(true), Value()};
  EXPECT_EQ(p.values, expected);
  EXPECT_TRUE(p.probabilities.empty());
}

TEST(ParameterParser, Probabilities) {
  auto r = Parse(WithParameters("  x:\n    values: [a, b]\n    probabilities: [0.25, 0.75]\n"));
  EXPECT_EQ(Only(r).probabilities, (std::vector<double>{0.25, 0.75}));
}

TEST(ParameterParser, IntegerBoundsInferIntUniform) {
  auto r = Parse(WithParameters("  x:\n    min: 1\n    max: 8\n"));
  const auto& p = Only(r);
  EXPECT_EQ(p.distribution, Distribution::kIntUniform);
  EXPECT_TRUE(p.integer_bounds);
  EXPECT_EQ(p.min, 1);
  EXPECT_EQ(p.max, 8);
}

TEST(ParameterParser, AnyFloatBoundInfersUniform) {
  auto r = Parse(WithParameters("  x:\n    min: 0\n    max: 0.5\n"));
  const auto& p = Only(r);
  EXPECT_EQ(p.distribution, Distribution::kUniform);
  EXPECT_FALSE(p.integer_bounds);
}

struct DistributionCase {
  std::string yaml;
  Distribution expected;
};

class EveryDistribution : public ::testing::TestWithParam<DistributionCase> {};

TEST_P(EveryDistribution, Parses) {
  auto r = Parse(WithParameters("  x:\n" + GetParam().yaml));
  EXPECT_EQ(Only(r).distribution, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    All, EveryDistribution,
    ::testing::Values(
        DistributionCase{"    distribution: constant\n    value: 3\n", Distribution::kConstant},
        DistributionCase{"    distribution: categorical\n    values: [1]\n", Distribution::kCategorical},
        DistributionCase{"    distribution: int_uniform\n    min: 1\n    max: 3\n", Distribution::kIntUniform},
        DistributionCase{"    distribution: uniform\n    min: 1\n    max: 3\n", Distribution::kUniform},
        DistributionCase{"    distribution: q_uniform\n    min: 1\n    max: 3\n    q: 0.5\n", Distribution::kQUniform},
        DistributionCase{"    distribution: log_uniform\n    min: -9\n    max: -1\n", Distribution::kLogUniform},
        DistributionCase{"    distribution: log_uniform_values\n    min: 0.001\n    max: 0.1\n",
                         Distribution::kLogUniformValues},
        DistributionCase{"    distribution: inv_log_uniform\n    min: 1\n    max: 3\n", Distribution::kInvLogUniform},
        DistributionCase{"    distribution: inv_log_uniform_values\n    min: 1\n    max: 30\n",
                         Distribution::kInvLogUniformValues},
        DistributionCase{"    distribution: q_log_uniform\n    min: 1\n    max: 3\n", Distribution::kQLogUniform},
        DistributionCase{"    distribution: q_log_uniform_values\n    min: 1\n    max: 300\n    q: 2\n",
                         Distribution::kQLogUniformValues},
        DistributionCase{"    distribution: normal\n", Distribution::kNormal},
        DistributionCase{"    distribution: q_normal\n    mu: 5\n    sigma: 2\n    q: 1\n", Distribution::kQNormal},
        DistributionCase{"    distribution: log_normal\n    mu: 0\n    sigma: 0.5\n", Distribution::kLogNormal},
        DistributionCase{"    distribution: q_log_normal\n", Distribution::kQLogNormal},
        DistributionCase{"    distribution: beta\n    a: 2\n    b: 5\n", Distribution::kBeta},
        DistributionCase{"    distribution: q_beta\n    q: 0.1\n", Distribution::kQBeta}));

TEST(ParameterParser, DefaultsFollowWandb) {
  auto r = Parse(WithParameters("  n:\n    distribution: q_normal\n  b:\n    distribution: beta\n"));
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  const auto& n = r.spec->space.parameters[0];
  EXPECT_EQ(n.mu, 0);
  EXPECT_EQ(n.sigma, 1);
  EXPECT_EQ(n.q, 1);
  EXPECT_FALSE(n.integer_q);  // W&B's schema default is q: 1.0, a float
  const auto& b = r.spec->space.parameters[1];
  EXPECT_EQ(b.a, 1);
  EXPECT_EQ(b.b, 1);
}

TEST(ParameterParser, ExplicitValuesAreKept) {
  auto r = Parse(WithParameters("  x:\n    distribution: q_log_normal\n    mu: -2.5\n    sigma: 0.25\n    q: 4\n"));
  const auto& p = Only(r);
  EXPECT_EQ(p.mu, -2.5);
  EXPECT_EQ(p.sigma, 0.25);
  EXPECT_EQ(p.q, 4);
  EXPECT_TRUE(p.integer_q);
}

// W&B's q_* return ints only when isinstance(q, int): q: 1 yes, q: 1.0 no.
TEST(ParameterParser, IntegerQFollowsHowQIsWritten) {
  auto r = Parse(WithParameters("  a: {distribution: q_uniform, min: 0, max: 9, q: 1}\n"
                                "  b: {distribution: q_uniform, min: 0, max: 9, q: 1.0}\n"
                                "  c: {distribution: q_uniform, min: 0, max: 9}\n"));
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  EXPECT_TRUE(r.spec->space.parameters[0].integer_q);
  EXPECT_FALSE(r.spec->space.parameters[1].integer_q);
  EXPECT_FALSE(r.spec->space.parameters[2].integer_q);
}

TEST(ParameterParser, NestedBlocksBecomeDottedPaths) {
  auto r = Parse(WithParameters(
      "  optimizer:\n    parameters:\n      name:\n        values: [adam, sgd]\n      sched:\n        parameters:\n"
      "          warmup:\n            value: 5\n  lr:\n    value: 0.1\n"));
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  const auto& ps = r.spec->space.parameters;
  ASSERT_EQ(ps.size(), 3u);
  EXPECT_EQ(ps[0].name(), "optimizer.name");
  EXPECT_EQ(ps[1].path, (std::vector<std::string>{"optimizer", "sched", "warmup"}));
  EXPECT_EQ(ps[2].name(), "lr");
}

TEST(ParameterParser, ValidationErrorsAtTheirNodes) {
  auto r = Parse(WithParameters(
      "  a:\n    min: 5\n    max: 1\n"                                         // line 4-6
      "  b:\n    distribution: q_uniform\n    min: 0\n    max: 1\n    q: 0\n"  // line 7-11
      "  c:\n    distribution: normal\n    sigma: -1\n"                        // line 12-14
      "  d:\n    distribution: beta\n    a: 0\n    b: 1\n"                     // line 15-18
      "  e:\n    distribution: log_uniform_values\n    min: 0\n    max: 1\n"   // line 19-22
      "  f:\n    values: []\n"                                                 // line 23-24
      "  g:\n    values: [a, b]\n    probabilities: [0.5]\n"                   // line 25-27
      "  h:\n    values: [a, b]\n    probabilities: [0.5, 0.6]\n"              // line 28-30
      "  i:\n    distribution: uniform\n    min: 0\n"                          // line 31-33
      "  j:\n    min: x\n    max: 1\n"                                         // line 34-36
      "  k:\n    distribution: int_uniform\n    min: 0.5\n    max: 3\n"        // line 37-40
      "  l:\n    distribution: gaussian\n"                                     // line 41-42
      "  m:\n    values: [1]\n    mu: 1\n"                                     // line 43-45
      "  n:\n    {}\n"));                                                      // line 46-47
  EXPECT_FALSE(r.ok());
  const std::string p = "spec.yaml:";
  EXPECT_TRUE(HasDiagnostic(r, p + "5:10: error: parameter 'a': min (5) must be less than max (1)"));
  EXPECT_TRUE(HasDiagnostic(r, p + "11:8: error: parameter 'b': 'q' must be positive, got 0"));
  EXPECT_TRUE(HasDiagnostic(r, p + "14:12: error: parameter 'c': 'sigma' must be positive, got -1"));
  EXPECT_TRUE(HasDiagnostic(r, p + "17:8: error: parameter 'd': 'a' must be positive, got 0"));
  EXPECT_TRUE(HasDiagnostic(r, p + "21:10: error: parameter 'e': log_uniform_values takes the values themselves as "
                                   "bounds, so min must be positive, got 0"));
  EXPECT_TRUE(HasDiagnostic(r, p + "24:13: error: parameter 'f': values: the list is empty"));
  EXPECT_TRUE(HasDiagnostic(r, p + "27:20: error: parameter 'g': probabilities: has 1 entries but values has 2"));
  EXPECT_TRUE(HasDiagnostic(r, p + "30:20: error: parameter 'h': probabilities: must sum to 1, sum to 1.1"));
  EXPECT_TRUE(HasDiagnostic(r, p + "32:19: error: parameter 'i': distribution uniform needs 'max'"));
  EXPECT_TRUE(HasDiagnostic(r, p + "35:10: error: parameter 'j': min: expected a number, got a string 'x'"));
  EXPECT_TRUE(HasDiagnostic(r, p + "39:10: error: parameter 'k': int_uniform needs integer bounds, got 0.5"));
  EXPECT_TRUE(HasDiagnostic(r, p + "42:19: error: parameter 'l': unknown distribution 'gaussian'"));
  EXPECT_TRUE(HasDiagnostic(r, p + "45:5: error: parameter 'm': 'mu' does not apply to distribution categorical"));
  EXPECT_TRUE(HasDiagnostic(r, p + "46:3: error: parameter 'n': needs 'value', 'values', 'min' and 'max', or "
                                   "'distribution'"));
}

TEST(ParameterParser, UnknownParameterKeySuggestsNearest) {
  auto r = Parse(WithParameters("  lr:\n    valeus: [1, 2]\n"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:5:5: error: parameter 'lr': unknown key 'valeus'; did you mean 'values'?"));
}

TEST(ParameterParser, NonFiniteAndHugeNumbersAreRejected) {
  auto r = Parse(WithParameters("  a:\n    min: .nan\n    max: 1.0\n  b:\n    min: 0\n    max: 1e999\n"
                                "  c:\n    min: 0\n    max: 99999999999999999999\n  d:\n    value: .inf\n"));
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:5:10: error: parameter 'a': min: must be a finite number, got .nan"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:9:10: error: parameter 'b': max: number is too large for a double: 1e999"));
  EXPECT_TRUE(
      HasDiagnostic(r, "spec.yaml:12:10: error: parameter 'c': max: integer does not fit in 64 bits: 99999999999999999999"));
  // A constant may be any YAML value, infinity included (it is passed, not sampled).
  EXPECT_EQ(spec_test::ErrorCount(r), 3) << spec_test::Dump(r);
}

TEST(ParameterParser, LogUniformExponentsThatOverflowAreRejected) {
  auto r = Parse(WithParameters("  x:\n    distribution: log_uniform\n    min: 0.0001\n    max: 1000\n"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:7:10: error: parameter 'x': log_uniform bounds are natural-log exponents; "
                               "exp(1000) is outside the double range (did you mean log_uniform_values?)"));
}

TEST(ParameterParser, DeepNestingIsLimited) {
  std::string block;
  std::string indent = "  ";
  for (int i = 0; i < spec::kMaxParameterDepth + 5; ++i) {
    block += indent + "p" + std::to_string(i) + ":\n" + indent + "  parameters:\n";
    indent += "    ";
  }
  block += indent + "leaf:\n" + indent + "  value: 1\n";
  auto r = Parse(WithParameters(block));
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(spec_test::ErrorCount(r), 1) << spec_test::Dump(r);
  EXPECT_NE(r.diagnostics[0].message.find("nested deeper than 64 levels"), std::string::npos);
}

TEST(ParameterParser, NestingWithinTheLimitWorks) {
  std::string block;
  std::string indent = "  ";
  for (int i = 0; i < spec::kMaxParameterDepth - 1; ++i) {
    block += indent + "p:\n" + indent + "  parameters:\n";
    indent += "    ";
  }
  block += indent + "leaf:\n" + indent + "  value: 1\n";
  auto r = Parse(WithParameters(block));
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  EXPECT_EQ(r.spec->space.parameters[0].path.size(), static_cast<std::size_t>(spec::kMaxParameterDepth));
}

}  // namespace
}  // namespace sweep
