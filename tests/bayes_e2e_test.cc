// `method: bayes` end to end: the real binary, the real example program, the
// real store; and ask/tell for users who evaluate outside our agents.
#include <gtest/gtest.h>

#include <cmath>

#include "core/value_json.h"
#include "tests/cli_harness.h"
#include "tracking/store.h"

namespace sweep::testing {
namespace {

constexpr double kBraninMinimum = 0.397887;

TEST(BayesEndToEnd, FindsBraninsOptimumRegionWithinItsBudget) {
  for (const char* seed : {"1", "2"}) {
    TempDir dir;
    // From the repository root, as the README runs it (the spec's program is
    // relative to the working directory, as in W&B).
    auto result = RunCli(SourceDir(), {"run", "configs/bayes_branin.yaml", "--seed", seed, "--agents", "2", "--store",
                                       (dir.path() / ".sweep/sweep.db").string()});
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    auto store = OpenTestStore(dir);
    auto sweeps = store->ListSweeps();
    ASSERT_TRUE(sweeps.ok() && sweeps->size() == 1u);
    auto runs = store->ListRuns(sweeps->front().id);
    ASSERT_TRUE(runs.ok());
    ASSERT_EQ(runs->size(), 40u);
    double best = INFINITY;
    for (const auto& run : *runs) {
      ASSERT_EQ(run.state, TrialState::kFinished) << run.failure_reason;
      best = std::min(best, run.summary.at("branin").last);
    }
    // Random search reaches ~0.6 regret with 40 evaluations (bench/bayes).
    EXPECT_LT(best - kBraninMinimum, 0.05) << "seed " << seed;
  }
}

TEST(BayesEndToEnd, AskAndTellDriveTheSameOptimizer) {
  TempDir dir;
  auto created = RunCli(dir.path(), {"create", (SourceDir() / "configs/bayes_branin.yaml").string(), "--seed", "3"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string sweep_id = created.out.substr(0, created.out.find('\n'));

  std::vector<std::string> run_ids;
  for (int i = 0; i < 8; ++i) {
    auto asked = RunCli(dir.path(), {"ask", sweep_id});
    ASSERT_EQ(asked.exit_code, 0) << asked.err;
    auto doc = ParseJson(asked.out);
    ASSERT_TRUE(doc.ok()) << asked.out;
    const Value* config = doc->find("config");
    ASSERT_NE(config, nullptr);
    const double x1 = config->find("x1")->as_number();
    const double x2 = config->find("x2")->as_number();
    EXPECT_GE(x1, -5.0);
    EXPECT_LE(x1, 10.0);
    EXPECT_GE(x2, 0.0);
    EXPECT_LE(x2, 15.0);
    const std::string run_id = doc->find("run_id")->as_string();
    run_ids.push_back(run_id);
    const double value = std::pow(x2 - 5.1 / (4 * M_PI * M_PI) * x1 * x1 + 5 / M_PI * x1 - 6, 2) +
                         10 * (1 - 1 / (8 * M_PI)) * std::cos(x1) + 10;
    auto told = RunCli(dir.path(), {"tell", run_id, std::to_string(value)});
    ASSERT_EQ(told.exit_code, 0) << told.err;
  }
  // A pending ask (never told) stays running and is not reaped.
  auto pending = RunCli(dir.path(), {"ask", sweep_id});
  ASSERT_EQ(pending.exit_code, 0);
  auto runs_cmd = RunCli(dir.path(), {"runs", sweep_id});
  EXPECT_EQ(runs_cmd.exit_code, 0);

  auto store = OpenTestStore(dir);
  auto runs = store->ListRuns(sweep_id);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 9u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ((*runs)[i].state, TrialState::kFinished);
  EXPECT_EQ((*runs)[8].state, TrialState::kRunning);

  // Telling twice, or a wrong state, is bad input.
  EXPECT_EQ(RunCli(dir.path(), {"tell", run_ids[0], "1.0"}).exit_code, 2);
  EXPECT_EQ(RunCli(dir.path(), {"tell", run_ids[0], "--state", "running"}).exit_code, 2);
  // NaN fails the run with that reason.
  const std::string last = (*runs)[8].id;
  EXPECT_EQ(RunCli(dir.path(), {"tell", last, "nan"}).exit_code, 0);
  auto failed = store->GetRun(last);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->state, TrialState::kFailed);
}

}  // namespace
}  // namespace sweep::testing
