// Conditional parameters end to end (`condition:`, core/conditional_space.h):
// the real binary runs a program that fails whenever it receives a parameter
// that should be inactive, or misses one that should be active.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tests/cli_harness.h"
#include "tests/test_support.h"
#include "tracking/store.h"

namespace sweep::testing {
namespace {

std::string ConditionalSpec(const std::string& method, const std::string& extra = "") {
  return "program: " + Program("conditional_loss.py") + "\nmethod: " + method +
         "\nmetric: {name: loss}\n" + extra +
         "parameters:\n"
         "  optimizer:\n    values: [sgd, adam]\n"
         "  lr:\n    values: [0.1, 0.2]\n"
         "  momentum:\n    values: [0.5, 0.9]\n    condition: {optimizer: sgd}\n";
}

bool HasParam(const RunRecord& run, const std::string& name) {
  for (const auto& [n, v] : run.params) {
    if (n == name) return true;
  }
  return false;
}

void ExpectOnlyActiveParameters(const std::vector<RunRecord>& runs) {
  for (const RunRecord& run : runs) {
    ASSERT_EQ(run.state, TrialState::kFinished) << run.failure_reason;
    bool sgd = false;
    for (const auto& [n, v] : run.params) sgd = sgd || (n == "optimizer" && v == Value("sgd"));
    EXPECT_EQ(HasParam(run, "momentum"), sgd) << run.id;
  }
}

TEST(ConditionalEndToEnd, GridRunsEachValidCombinationOnce) {
  TempDir dir;
  SweepCliRun run = RunSpec(dir, ConditionalSpec("grid"));
  ASSERT_EQ(run.cli.exit_code, 0) << run.cli.out << run.cli.err;
  // sgd: 2 lr x 2 momentum; adam: 2 lr, without momentum. Not 2 x 2 x 2.
  ASSERT_EQ(run.runs.size(), 6u);
  ExpectOnlyActiveParameters(run.runs);
  std::set<std::string> commands;
  for (const RunRecord& r : run.runs) {
    std::string params;
    for (const auto& [n, v] : r.params) params += n + "=" + FormatPythonArg(v) + " ";
    commands.insert(params);
  }
  EXPECT_EQ(commands.size(), 6u);
}

TEST(ConditionalEndToEnd, RandomAndBayesPassOnlyActiveParametersAndImportanceSaysSo) {
  for (const std::string method : {"random", "bayes"}) {
    TempDir dir;
    const std::string spec = "program: " + Program("conditional_loss.py") + "\nmethod: " + method +
                             "\nmetric: {name: loss}\nrun_cap: 14\nseed: 3\nparameters:\n"
                             "  optimizer:\n    values: [sgd, adam]\n"
                             "  lr:\n    min: 0.0\n    max: 1.0\n"
                             "  momentum:\n    min: 0.0\n    max: 1.0\n    condition: {optimizer: [sgd]}\n";
    SweepCliRun run = RunSpec(dir, spec);
    ASSERT_EQ(run.cli.exit_code, 0) << run.cli.out << run.cli.err;
    ASSERT_EQ(run.runs.size(), 14u) << method;
    ExpectOnlyActiveParameters(run.runs);
    int sgd_runs = 0;
    for (const RunRecord& r : run.runs) sgd_runs += HasParam(r, "momentum");
    ASSERT_GE(sgd_runs, 5) << method << ": too few to rate (seeded, so this is a property of the seed)";
    auto importance = RunCli(dir.path(), {"importance", run.runs.front().sweep_id});
    ASSERT_EQ(importance.exit_code, 0) << importance.err;
    EXPECT_NE(importance.out.find("* momentum: rated over the " + std::to_string(sgd_runs) +
                                  " runs where it was active (optimizer = sgd)"),
              std::string::npos)
        << importance.out;
  }
}

TEST(ConditionalEndToEnd, ValidateReportsBrokenConditionsAtTheirPositions) {
  TempDir dir;
  dir.Write("spec.yaml",
            "program: train.py\nmethod: random\nparameters:\n"
            "  optimizer:\n    values: [sgd, adam]\n"
            "  momentum:\n    value: 0.9\n    condition: {optimizer: rmsprop}\n"
            "  beta:\n    value: 0.9\n    condition: {optimiser: adam}\n");
  auto result = RunCli(dir.path(), {"validate", "spec.yaml"});
  EXPECT_NE(result.exit_code, 0);
  const std::string all = result.out + result.err;
  EXPECT_NE(all.find("spec.yaml:8:28: error: parameter 'momentum': condition on 'optimizer': rmsprop is not among "
                     "the values of 'optimizer'"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("spec.yaml:11:17: error: parameter 'beta': condition on 'optimiser': unknown parameter "
                     "'optimiser'; did you mean 'optimizer'?"),
            std::string::npos)
      << all;
}

}  // namespace
}  // namespace sweep::testing
