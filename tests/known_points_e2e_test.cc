// Starting from known points end to end: the spec's `initial_points:`,
// `sweep enqueue`, and `--warm-start`.
#include <gtest/gtest.h>

#include <string>

#include "tests/cli_harness.h"
#include "tests/test_support.h"
#include "tracking/store.h"

namespace sweep::testing {
namespace {

const std::string kSpec =
    "method: grid\nmetric: {name: loss}\nparameters:\n"
    "  optimizer:\n    values: [sgd, adam]\n"
    "  lr:\n    values: [0.1, 0.2]\n"
    "  momentum:\n    values: [0.5, 0.9]\n    condition: {optimizer: sgd}\n"
    "initial_points:\n  - {optimizer: adam, lr: 0.2}\n";

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

TEST(KnownPointsEndToEnd, InitialPointsThenEnqueuedRunFirst) {
  TempDir dir;
  dir.Write("spec.yaml", "program: " + Program("conditional_loss.py") + "\n" + kSpec);
  auto created = RunCli(dir.path(), {"create", "spec.yaml"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string id = FirstLine(created.out);

  auto enqueued = RunCli(dir.path(), {"enqueue", id, "--params", R"({"optimizer": "sgd", "lr": 0.1, "momentum": 0.9})"});
  ASSERT_EQ(enqueued.exit_code, 0) << enqueued.err;
  EXPECT_NE(enqueued.out.find("enqueued"), std::string::npos) << enqueued.out;
  auto inactive =
      RunCli(dir.path(), {"enqueue", id, "--params", R"({"optimizer": "adam", "lr": 0.1, "momentum": 0.9})"});
  EXPECT_NE(inactive.exit_code, 0);
  EXPECT_NE(inactive.err.find("'momentum' is inactive"), std::string::npos) << inactive.err;
  auto outside = RunCli(dir.path(), {"enqueue", id, "--params", R"({"optimizer": "adam", "lr": 0.3})"});
  EXPECT_NE(outside.exit_code, 0);
  EXPECT_NE(outside.err.find("'lr': 0.3 is not a value it takes"), std::string::npos) << outside.err;

  auto agent = RunCli(dir.path(), {"agent", id, "--count", "3"});
  ASSERT_EQ(agent.exit_code, 0) << agent.out << agent.err;
  auto store = OpenTestStore(dir);
  auto runs = store->ListRuns(id);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 3u);
  for (const auto& run : *runs) EXPECT_EQ(run.state, TrialState::kFinished) << run.failure_reason;
  EXPECT_EQ((*runs)[0].params, (Config{{"optimizer", Value("adam")}, {"lr", Value(0.2)}}));
  EXPECT_EQ((*runs)[1].params, (Config{{"optimizer", Value("sgd")}, {"lr", Value(0.1)}, {"momentum", Value(0.9)}}));
  // Then the grid, from its first point.
  EXPECT_TRUE((*runs)[2].grid_index.has_value());
}

TEST(KnownPointsEndToEnd, WarmStartNamesAnEarlierSweep) {
  TempDir dir;
  dir.Write("spec.yaml", "program: " + Program("conditional_loss.py") +
                             "\nmethod: bayes\nmetric: {name: loss}\nrun_cap: 3\nparameters:\n"
                             "  optimizer:\n    values: [sgd, adam]\n"
                             "  lr:\n    min: 0.0\n    max: 1.0\n"
                             "  momentum:\n    min: 0.0\n    max: 1.0\n    condition: {optimizer: sgd}\n");
  auto missing = RunCli(dir.path(), {"run", "spec.yaml", "--warm-start", "nosuchsweep"});
  EXPECT_NE(missing.exit_code, 0);
  auto first = RunCli(dir.path(), {"run", "spec.yaml", "--seed", "1"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto store = OpenTestStore(dir);
  auto sweeps = store->ListSweeps();
  ASSERT_TRUE(sweeps.ok());
  ASSERT_EQ(sweeps->size(), 1u) << "a failed --warm-start created nothing";
  const std::string earlier = sweeps->front().id;
  auto second = RunCli(dir.path(), {"run", "spec.yaml", "--seed", "1", "--warm-start", earlier});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  sweeps = store->ListSweeps();
  ASSERT_TRUE(sweeps.ok() && sweeps->size() == 2u);
  for (const auto& s : *sweeps) {
    if (s.id == earlier) continue;
    auto tags = store->GetSweepTags(s.id);
    ASSERT_TRUE(tags.ok());
    EXPECT_EQ(tags->at("warm_start"), earlier);
    auto runs = store->ListRuns(s.id);
    ASSERT_TRUE(runs.ok());
    EXPECT_EQ(runs->size(), 3u);
  }
}

}  // namespace
}  // namespace sweep::testing
