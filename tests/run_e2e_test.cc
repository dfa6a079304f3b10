// End-to-end: the real `sweep` binary runs real Python trial programs, and
// the assertions read what the SQLite store holds afterwards.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/value_json.h"
#include "tests/cli_harness.h"
#include "tracking/store.h"

namespace sweep {
namespace {

using testing::OnlySweepRuns;
using testing::ReadFile;
using testing::OpenTestStore;
using testing::Program;
using testing::RunCli;
using testing::TempDir;

// A grid sweep over `x` running `program` (from tests/programs/).
std::string GridSpec(const std::string& program, const std::string& values, const std::string& extra = "") {
  return "program: " + Program(program) + "\nmethod: grid\nmetric:\n  name: loss\n  goal: minimize\n" + extra +
         "parameters:\n  x:\n    values: " + values + "\n";
}

TEST(RunEndToEnd, SucceedingTrialsAreFinishedWithMetricsAndLogs) {
  TempDir dir;
  dir.Write("spec.yaml", GridSpec("succeed.py", "[0, 1, 2.5]"));
  auto result = RunCli(dir.path(), {"run", "spec.yaml", "--agents", "2"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;

  auto store = OpenTestStore(dir);
  auto runs = OnlySweepRuns(*store);
  ASSERT_EQ(runs.size(), 3u);
  std::map<double, double> loss_by_x;
  for (const auto& run : runs) {
    EXPECT_EQ(run.state, TrialState::kFinished) << run.failure_reason;
    EXPECT_EQ(run.exit_code, 0);
    ASSERT_EQ(run.params.size(), 1u);
    const Value& x = run.params[0].second;
    ASSERT_TRUE(x.is_number());
    loss_by_x[x.as_number()] = run.summary.at("loss").last;
    EXPECT_EQ(run.summary.at("loss").count, 3);
    EXPECT_GT(run.pid, 0);
    EXPECT_GT(run.ended_at, run.started_at);
    EXPECT_NE(ReadFile(std::filesystem::path(run.run_dir) / "stdout.log").find("loss="), std::string::npos);
    auto series = store->GetMetrics(run.id, "loss");
    ASSERT_TRUE(series.ok());
    ASSERT_EQ(series->size(), 3u);
    for (int step = 0; step < 3; ++step) EXPECT_EQ((*series)[step].step, step);
  }
  // Types survive the trip: 0 and 1 stay ints, 2.5 a float.
  EXPECT_TRUE(runs[0].params[0].second.is_int());
  EXPECT_TRUE(runs[2].params[0].second.is_double());
  EXPECT_DOUBLE_EQ(loss_by_x[0], 1.0);
  EXPECT_DOUBLE_EQ(loss_by_x[1], 0.0);
  EXPECT_DOUBLE_EQ(loss_by_x[2.5], 2.25);

  auto best = RunCli(dir.path(), {"best", runs[0].sweep_id, "--json"});
  ASSERT_EQ(best.exit_code, 0) << best.err;
  auto doc = ParseJson(best.out);
  ASSERT_TRUE(doc.ok()) << best.out;
  EXPECT_EQ(doc->find("params")->find("x")->as_int(), 1);
  EXPECT_DOUBLE_EQ(doc->find("objective")->as_number(), 0.0);
  EXPECT_NE(doc->find("command_line")->as_string().find("--x=1"), std::string::npos);
}

TEST(RunEndToEnd, NonZeroExitIsFailedWithCodeAndStderr) {
  TempDir dir;
  dir.Write("spec.yaml", GridSpec("exit3.py", "[1]"));
  auto result = RunCli(dir.path(), {"run", "spec.yaml"});
  EXPECT_EQ(result.exit_code, 1) << "a sweep whose every trial failed exits 1\n" << result.out << result.err;
  auto store = OpenTestStore(dir);
  auto runs = OnlySweepRuns(*store);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state, TrialState::kFailed);
  EXPECT_EQ(runs[0].exit_code, 3);
  EXPECT_NE(runs[0].failure_reason.find("exited with code 3"), std::string::npos) << runs[0].failure_reason;
  EXPECT_NE(runs[0].failure_reason.find("out of patience"), std::string::npos) << runs[0].failure_reason;
  EXPECT_DOUBLE_EQ(runs[0].summary.at("loss").last, 0.5) << "metrics before the failure are kept";
}

TEST(RunEndToEnd, DeathBySignalIsFailedWithTheSignal) {
  TempDir dir;
  dir.Write("spec.yaml", GridSpec("killed.py", "[1]"));
  RunCli(dir.path(), {"run", "spec.yaml"});
  auto store = OpenTestStore(dir);
  auto runs = OnlySweepRuns(*store);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state, TrialState::kFailed);
  EXPECT_EQ(runs[0].signal, SIGKILL);
  EXPECT_FALSE(runs[0].exit_code.has_value());
  EXPECT_NE(runs[0].failure_reason.find("killed by SIGKILL"), std::string::npos) << runs[0].failure_reason;
}

TEST(RunEndToEnd, MissingMetricIsFailedWithReason) {
  TempDir dir;
  dir.Write("spec.yaml", GridSpec("silent.py", "[1]"));
  RunCli(dir.path(), {"run", "spec.yaml"});
  auto store = OpenTestStore(dir);
  auto runs = OnlySweepRuns(*store);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state, TrialState::kFailed);
  EXPECT_EQ(runs[0].exit_code, 0);
  EXPECT_NE(runs[0].failure_reason.find("never reported the metric 'loss'"), std::string::npos)
      << runs[0].failure_reason;
  EXPECT_TRUE(runs[0].summary.count("accuracy")) << "other metrics are still recorded";
}

TEST(RunEndToEnd, ProgramNotFoundIsFailed) {
  TempDir dir;
  dir.Write("spec.yaml",
            "program: train.py\nmethod: grid\ncommand:\n  - /nonexistent/trainer\n  - ${args}\nparameters:\n  x:\n    value: 1\n");
  RunCli(dir.path(), {"run", "spec.yaml"});
  auto store = OpenTestStore(dir);
  auto runs = OnlySweepRuns(*store);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state, TrialState::kFailed);
  EXPECT_NE(runs[0].failure_reason.find("could not start"), std::string::npos) << runs[0].failure_reason;
}

TEST(RunEndToEnd, ValuesArriveExactlyAsGivenWithoutAShell) {
  TempDir dir;
  dir.Write("spec.yaml", "program: " + Program("echo_argv.py") +
                             "\nmethod: grid\nmetric: {name: loss}\nparameters:\n"
                             "  name:\n    value: \"a b; rm -rf / $(touch pwned) `x` 'q' \\\"d\\\" -- \\n\"\n"
                             "  lr:\n    value: 0.00001\n  flag:\n    value: true\n");
  auto result = RunCli(dir.path(), {"run", "spec.yaml"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "pwned"));
  auto store = OpenTestStore(dir);
  auto runs = OnlySweepRuns(*store);
  ASSERT_EQ(runs.size(), 1u);
  auto doc = ParseJson(ReadFile(std::filesystem::path(runs[0].run_dir) / "argv.json"));
  ASSERT_TRUE(doc.ok());
  const auto& argv = doc->find("argv")->as_list();
  ASSERT_EQ(argv.size(), 3u);
  EXPECT_EQ(argv[0].as_string(), "--name=a b; rm -rf / $(touch pwned) `x` 'q' \"d\" -- \n");
  EXPECT_EQ(argv[1].as_string(), "--lr=1e-05");
  EXPECT_EQ(argv[2].as_string(), "--flag=True");
  const Value* env = doc->find("env");
  EXPECT_EQ(env->find("SWEEP_RUN_ID")->as_string(), runs[0].id);
  EXPECT_EQ(env->find("SWEEP_ID")->as_string(), runs[0].sweep_id);
  auto params = ParseJson(ReadFile(env->find("SWEEP_PARAMS_FILE")->as_string()));
  ASSERT_TRUE(params.ok());
  EXPECT_DOUBLE_EQ(params->find("lr")->as_double(), 1e-5);
  EXPECT_EQ(params->find("flag")->as_bool(), true);
}

TEST(RunEndToEnd, DryRunPrintsConfigurationsAndStoresNothing) {
  TempDir dir;
  dir.Write("spec.yaml", GridSpec("succeed.py", "[1, 2, 3, 4]"));
  auto result = RunCli(dir.path(), {"run", "spec.yaml", "--dry-run"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "{\"x\":1}\n{\"x\":2}\n{\"x\":3}\n{\"x\":4}\n");
  EXPECT_FALSE(std::filesystem::exists(dir / ".sweep"));

  dir.Write("random.yaml", "program: p.py\nmethod: random\nparameters:\n  lr:\n    min: 0.0\n    max: 1.0\n");
  auto many = RunCli(dir.path(), {"run", "random.yaml", "--dry-run", "--count", "1000", "--seed", "7"});
  ASSERT_EQ(many.exit_code, 0) << many.err;
  EXPECT_EQ(std::count(many.out.begin(), many.out.end(), '\n'), 1000);
  auto again = RunCli(dir.path(), {"run", "random.yaml", "--dry-run", "--count", "1000", "--seed", "7"});
  EXPECT_EQ(many.out, again.out) << "seeded random search is reproducible";
}

TEST(RunEndToEnd, CountAndRunCapBoundTheSweep) {
  TempDir dir;
  dir.Write("spec.yaml", "program: " + Program("succeed.py") +
                             "\nmethod: random\nmetric: {name: loss}\nrun_cap: 3\nparameters:\n  x:\n    min: 0.0\n    max: 2.0\n");
  ASSERT_EQ(RunCli(dir.path(), {"run", "spec.yaml", "--agents", "4"}).exit_code, 0);
  auto store = OpenTestStore(dir);
  EXPECT_EQ(OnlySweepRuns(*store).size(), 3u);

  TempDir dir2;
  dir2.Write("spec.yaml", GridSpec("succeed.py", "[1, 2, 3, 4, 5]"));
  ASSERT_EQ(RunCli(dir2.path(), {"run", "spec.yaml", "--count", "2"}).exit_code, 0);
  auto store2 = OpenTestStore(dir2);
  EXPECT_EQ(OnlySweepRuns(*store2).size(), 2u);
}

TEST(RunEndToEnd, InvalidSpecExitsTwoWithPositionAndTouchesNoStore) {
  TempDir dir;
  dir.Write("bad.yaml", "program: p.py\nmethod: grid\nparameterz:\n  x:\n    values: [1]\n");
  auto result = RunCli(dir.path(), {"run", "bad.yaml"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("bad.yaml:3:1"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("parameters"), std::string::npos) << "suggests the nearest key: " << result.err;
  EXPECT_FALSE(std::filesystem::exists(dir / ".sweep"));

  auto validate = RunCli(dir.path(), {"validate", "bad.yaml"});
  EXPECT_EQ(validate.exit_code, 2);
  EXPECT_NE(validate.err.find("bad.yaml:3:1"), std::string::npos) << validate.err;
}

TEST(RunEndToEnd, InspectCommandsPrintTablesAndJson) {
  TempDir dir;
  dir.Write("spec.yaml", GridSpec("succeed.py", "[0, 1]", "name: inspect-me\n"));
  ASSERT_EQ(RunCli(dir.path(), {"run", "spec.yaml"}).exit_code, 0);

  auto sweeps = RunCli(dir.path(), {"sweeps", "--json"});
  ASSERT_EQ(sweeps.exit_code, 0) << sweeps.err;
  auto list = ParseJson(sweeps.out);
  ASSERT_TRUE(list.ok() && list->is_list() && list->as_list().size() == 1u) << sweeps.out;
  const Value& sweep = list->as_list()[0];
  EXPECT_EQ(sweep.find("name")->as_string(), "inspect-me");
  EXPECT_EQ(sweep.find("state")->as_string(), "finished");
  EXPECT_EQ(sweep.find("run_count")->as_int(), 2);
  EXPECT_EQ(sweep.find("runs_by_state")->find("finished")->as_int(), 2);
  const std::string sweep_id = sweep.find("id")->as_string();

  auto runs = RunCli(dir.path(), {"runs", "inspect-me", "--json"});
  ASSERT_EQ(runs.exit_code, 0) << runs.err;
  auto run_list = ParseJson(runs.out);
  ASSERT_TRUE(run_list.ok() && run_list->as_list().size() == 2u);
  const std::string run_id = run_list->as_list()[0].find("id")->as_string();

  auto table = RunCli(dir.path(), {"runs", sweep_id.substr(0, 4)});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find(run_id), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("finished"), std::string::npos);

  auto show = RunCli(dir.path(), {"show", run_id});
  EXPECT_EQ(show.exit_code, 0);
  EXPECT_NE(show.out.find("command"), std::string::npos);
  EXPECT_NE(show.out.find("--x=0"), std::string::npos) << show.out;

  auto missing = RunCli(dir.path(), {"show", "zzzzzzzz"});
  EXPECT_EQ(missing.exit_code, 2);
  TempDir empty;
  auto no_store = RunCli(empty.path(), {"sweeps"});
  EXPECT_EQ(no_store.exit_code, 2);
  EXPECT_NE(no_store.err.find("no store"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(empty / ".sweep")) << "reading never creates a store";
}

TEST(RunEndToEnd, SecondInterruptKillsRunningTrials) {
  TempDir dir;
  dir.Write("sleep.py", "import time\nprint('loss=1', flush=True)\ntime.sleep(60)\n");
  dir.Write("spec.yaml", "program: sleep.py\nmethod: grid\nmetric: {name: loss}\nparameters:\n  x:\n    values: [1, 2, 3, 4]\n");
  pid_t pid = testing::SpawnCli(dir.path(), {"run", "spec.yaml", "--agents", "2"});
  auto store_path = dir / ".sweep/sweep.db";
  const bool both_running = testing::WaitUntil(
      [&] {
        if (!std::filesystem::exists(store_path)) return false;
        auto store = OpenStore(store_path.string());
        if (!store.ok()) return false;
        auto sweeps = (*store)->ListSweeps();
        if (!sweeps.ok() || sweeps->empty()) return false;
        auto runs = (*store)->ListRuns(sweeps->front().id);
        if (!runs.ok()) return false;
        int running = 0;
        for (const auto& r : *runs) running += r.state == TrialState::kRunning;
        return running == 2;
      },
      std::chrono::seconds(60));
  if (!both_running) kill(pid, SIGKILL);  // do not leave it running past the test
  ASSERT_TRUE(both_running) << "both trials should be running before the first Ctrl-C";
  kill(pid, SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(pid, SIGINT);
  const int code = testing::WaitCli(pid);
  EXPECT_EQ(code, 1);
  auto store = OpenTestStore(dir);
  auto runs = OnlySweepRuns(*store);
  ASSERT_EQ(runs.size(), 2u) << "no new trial starts after the first Ctrl-C";
  for (const auto& run : runs) {
    EXPECT_EQ(run.state, TrialState::kKilled);
    EXPECT_NE(run.failure_reason.find("interrupted"), std::string::npos);
  }
  auto sweeps = store->ListSweeps();
  EXPECT_EQ(sweeps->front().state, SweepState::kStopped);
}

}  // namespace
}  // namespace sweep
