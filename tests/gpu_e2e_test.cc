// The GPU pool end to end without a GPU: tests/fakes/nvidia-smi first on PATH
// stands in for the driver (two GPUs), and a trial program takes exclusive
// lock files per GPU it is given, so any sharing fails a run.
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

#include "tests/cli_harness.h"
#include "tracking/store.h"

namespace sweep::testing {
namespace {

std::string FakeDriverPath() {
  const char* path = std::getenv("PATH");
  return (SourceDir() / "tests/fakes").string() + ":" + (path ? path : "/usr/bin:/bin");
}

std::string GpuSpec(const std::string& lock_dir, const std::string& extra = "") {
  return "program: " + (SourceDir() / "tests/programs/gpu_trial.py").string() +
         "\nmethod: grid\nmetric:\n  name: loss\n  goal: minimize\n" + extra +
         "command:\n  - ${env}\n  - python3\n  - ${program}\n  - ${args}\n  - --lock-dir=" + lock_dir +
         "\nparameters:\n  x:\n    values: [1, 2, 3, 4, 5, 6]\n";
}

std::vector<RunRecord> Runs(const TempDir& dir) {
  auto store = OpenStore((dir.path() / ".sweep/sweep.db").string());
  EXPECT_TRUE(store.ok());
  auto sweeps = (*store)->ListSweeps();
  EXPECT_TRUE(sweeps.ok() && sweeps->size() == 1u);
  auto runs = (*store)->ListRuns(sweeps->front().id);
  return runs.ok() ? *runs : std::vector<RunRecord>{};
}

TEST(GpuEndToEnd, EachTrialGetsItsOwnGpuAndFailedTrialsReleaseIt) {
  TempDir dir;
  dir.Write("spec.yaml", GpuSpec(dir.path().string()));
  auto result = RunCli(dir.path(), {"run", "spec.yaml", "--gpus", "all", "--sample-interval", "0.2"},
                       {{"PATH", FakeDriverPath()}});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("2 agents"), std::string::npos) << "one trial per GPU by default: " << result.out;

  auto runs = Runs(dir);
  ASSERT_EQ(runs.size(), 6u);
  std::set<std::string> gpus_used;
  for (const auto& run : runs) {
    const auto x = run.params.front().second.as_int();
    if (x == 3) {
      EXPECT_EQ(run.state, TrialState::kFailed);
      EXPECT_EQ(run.exit_code, 1) << "exit 5 would mean a shared GPU";
    } else {
      EXPECT_EQ(run.state, TrialState::kFinished) << run.failure_reason;
    }
    ASSERT_TRUE(run.tags.count("gpu.ids")) << run.id;
    gpus_used.insert(run.tags.at("gpu.ids"));
    EXPECT_NE(run.tags.at("gpu.names").find("NVIDIA"), std::string::npos);
  }
  EXPECT_EQ(gpus_used, (std::set<std::string>{"0", "1"}));
}

TEST(GpuEndToEnd, GpusPerTrialGivesDisjointGroupsAndSamplesSystemMetrics) {
  TempDir dir;
  dir.Write("spec.yaml", GpuSpec(dir.path().string(), "gpus_per_trial: 2\n"));
  auto result = RunCli(dir.path(), {"run", "spec.yaml", "--gpus", "0,1", "--sample-interval", "0.1"},
                       {{"PATH", FakeDriverPath()}});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  auto runs = Runs(dir);
  ASSERT_EQ(runs.size(), 6u);
  auto store = OpenStore((dir.path() / ".sweep/sweep.db").string());
  ASSERT_TRUE(store.ok());
  for (const auto& run : runs) {
    EXPECT_EQ(run.tags.at("gpu.ids"), "0,1");
    EXPECT_TRUE(run.summary.count("system/cpu_percent")) << run.id;
    EXPECT_TRUE(run.summary.count("system/rss_bytes")) << run.id;
    // The fake driver reports 87 % utilization on GPU 0.
    ASSERT_TRUE(run.summary.count("system/gpu.0.utilization_percent")) << run.id;
    EXPECT_EQ(run.summary.at("system/gpu.0.utilization_percent").max, 87);
  }
}

TEST(GpuEndToEnd, AskingForGpusWithoutAnyIsAClearError) {
  TempDir dir;
  dir.Write("spec.yaml", GpuSpec(dir.path().string()));
  auto result = RunCli(dir.path(), {"run", "spec.yaml", "--gpus", "all"}, {{"PATH", "/usr/bin:/bin"}});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("none was found"), std::string::npos) << result.err;
}

TEST(GpuEndToEnd, AbsentGpuIndexIsAClearError) {
  TempDir dir;
  dir.Write("spec.yaml", GpuSpec(dir.path().string()));
  auto result = RunCli(dir.path(), {"run", "spec.yaml", "--gpus", "0,7"}, {{"PATH", FakeDriverPath()}});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("7"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace sweep::testing
