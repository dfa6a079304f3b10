// End-to-end: live metrics through the channel. Real example programs (the
// unchanged W&B script, the sweep_client and C++ client examples) run under
// the real `sweep` binary; assertions read the SQLite store afterwards.
#include <gtest/gtest.h>

#include <chrono>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/value_json.h"
#include "tests/cli_harness.h"
#include "tracking/store.h"

namespace sweep {
namespace {

using testing::OnlySweepRuns;
using testing::ReadFile;
using testing::OpenTestStore;
using testing::RunCli;
using testing::SourceDir;
using testing::TempDir;

// Points each trial of the flood test logs, and how many trials log at once.
constexpr int kFloodPoints = 20000;
constexpr int kFloodTrials = 8;
// Epochs of the early-termination program (0.1 s each): a run that goes the
// distance logs all of them over 4 s; a stopped one is judged at its 2nd
// value, and the margin absorbs a slow, shared test machine.
constexpr int kEpochs = 40;
constexpr double kEpochSeconds = 0.1;  // tests/programs/epochs_channel.py's sleep

std::string Program(const std::string& name) { return (SourceDir() / "tests/programs" / name).string(); }

std::string ParamText(const RunRecord& run, const std::string& name) {
  for (const auto& [key, value] : run.params)
    if (key == name) return value.is_string() ? value.as_string() : ToJson(value);
  return "";
}

// Runs a spec file of the repository (configs/...) as a user would from the
// repository root, but in `dir`: its examples/ links to the repository's, so
// the spec's relative program path resolves and nothing is written to the
// source tree.
testing::CliResult RunRepoSpec(const TempDir& dir, const std::string& spec, std::vector<std::string> extra = {}) {
  std::filesystem::create_directory_symlink(SourceDir() / "examples", dir / "examples");
  std::vector<std::string> args{"run", (SourceDir() / spec).string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return RunCli(dir.path(), args);
}

TEST(LiveMetricsEndToEnd, UnchangedWandbScriptReportsThroughTheChannel) {
  TempDir dir;
  auto result = RunRepoSpec(dir, "configs/wandb_example.yaml", {"--agents", "2"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  auto store = OpenTestStore(dir);
  auto runs = OnlySweepRuns(*store);
  ASSERT_EQ(runs.size(), 4u);
  for (const auto& run : runs) {
    EXPECT_EQ(run.state, TrialState::kFinished) << run.failure_reason;
    // Every epoch's wandb.log arrived as points, with W&B's auto-incremented steps...
    ASSERT_TRUE(run.summary.count("val_loss")) << run.id;
    EXPECT_EQ(run.summary.at("val_loss").count, 5);
    EXPECT_EQ(run.summary.at("train_loss").count, 5);
    EXPECT_EQ(run.summary.at("epoch").last, 5);
    // ...through the channel, not stdout.
    const std::string out = ReadFile(std::filesystem::path(run.run_dir) / "stdout.log");
    EXPECT_EQ(out.find("val_loss"), std::string::npos) << out;
    // run.summary[...] and the merged config (sweep values over the script's defaults).
    ASSERT_TRUE(run.tags.count("summary.best_val_loss"));
    EXPECT_NEAR(std::stod(run.tags.at("summary.best_val_loss")), run.summary.at("val_loss").min, 1e-9);
    ASSERT_TRUE(run.tags.count("config"));
    auto config = ParseJson(run.tags.at("config"));
    ASSERT_TRUE(config.ok());
    ASSERT_NE(config->find("batch_size"), nullptr);  // a default the sweep does not set
    EXPECT_EQ(config->find("batch_size")->as_int(), 32);
    EXPECT_EQ(config->find("optimizer")->as_string(), ParamText(run, "optimizer"));
    EXPECT_EQ(config->find("epochs")->as_int(), 5);
  }
}

TEST(LiveMetricsEndToEnd, SweepClientExampleReportsMetricsSummaryAndArtifact) {
  TempDir dir;
  dir.Write("spec.yaml", "program: " + (SourceDir() / "examples/client_train.py").string() +
                             "\nmethod: grid\nmetric:\n  name: val_loss\n  goal: minimize\nparameters:\n"
                             "  lr:\n    values: [0.001, 0.01]\n  epochs:\n    value: 4\n");
  auto result = RunCli(dir.path(), {"run", "spec.yaml"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  auto store = OpenTestStore(dir);
  auto runs = OnlySweepRuns(*store);
  ASSERT_EQ(runs.size(), 2u);
  for (const auto& run : runs) {
    EXPECT_EQ(run.state, TrialState::kFinished) << run.failure_reason;
    auto series = store->GetMetrics(run.id, "val_loss");
    ASSERT_TRUE(series.ok());
    ASSERT_EQ(series->size(), 4u);
    EXPECT_EQ(series->front().step, 1);  // the example passes step=epoch
    EXPECT_EQ(ReadFile(std::filesystem::path(run.run_dir) / "stdout.log").find("val_loss"), std::string::npos);
    EXPECT_TRUE(run.tags.count("summary.best_val_loss"));
    ASSERT_TRUE(run.tags.count("artifact.checkpoint.json"));
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(run.run_dir) / "artifacts/checkpoint.json"));
  }
}

TEST(LiveMetricsEndToEnd, CppClientExampleReportsThroughTheChannel) {
  TempDir dir;
  dir.Write("spec.yaml", std::string("program: ") + SWEEP_CPP_CLIENT_TRAIN +
                             "\nmethod: grid\nmetric:\n  name: val_loss\n  goal: minimize\n"
                             "command:\n  - ${program}\nparameters:\n  lr:\n    values: [0.001, 0.01]\n"
                             "  epochs:\n    value: 6\n");
  auto result = RunCli(dir.path(), {"run", "spec.yaml"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  auto store = OpenTestStore(dir);
  auto runs = OnlySweepRuns(*store);
  ASSERT_EQ(runs.size(), 2u);
  for (const auto& run : runs) {
    EXPECT_EQ(run.state, TrialState::kFinished) << run.failure_reason;
    ASSERT_TRUE(run.summary.count("val_loss"));
    EXPECT_EQ(run.summary.at("val_loss").count, 6);  // epochs came from SWEEP_PARAMS_FILE
    EXPECT_EQ(ReadFile(std::filesystem::path(run.run_dir) / "stdout.log").find("val_loss"), std::string::npos);
    EXPECT_TRUE(run.tags.count("summary.best_val_loss"));
    EXPECT_TRUE(run.tags.count("artifact.checkpoint.txt"));
  }
}

TEST(LiveMetricsEndToEnd, NoWandbShimFlagRemovesTheShim) {
  // Which `wandb` the trial imports, with a stand-in `wandb` on the caller's
  // PYTHONPATH: the shim goes ahead of it; without the shim it is what loads.
  auto wandb_file = [](const std::vector<std::string>& extra, std::string& fake) {
    TempDir dir;
    fake = dir.Write("fake/wandb.py", "# not the shim\n").string();
    dir.Write("spec.yaml", "program: " + Program("which_wandb.py") +
                               "\nmethod: grid\nmetric:\n  name: loss\n  goal: minimize\nparameters:\n"
                               "  x:\n    value: 1\n");
    std::vector<std::string> args{"run", "spec.yaml"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto result = RunCli(dir.path(), args, {{"PYTHONPATH", (dir / "fake").string()}});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    auto store = OpenTestStore(dir);
    auto runs = OnlySweepRuns(*store);
    if (runs.size() != 1) return std::string("?");
    const std::string out = ReadFile(std::filesystem::path(runs[0].run_dir) / "stdout.log");
    std::smatch m;
    return std::regex_search(out, m, std::regex("wandb_file=(\\S+)")) ? m[1].str() : std::string("?");
  };
  std::string fake;
  const std::string with_shim = wandb_file({}, fake);
  EXPECT_NE(with_shim.find("wandb_shim"), std::string::npos) << with_shim;
  const std::string without = wandb_file({"--no-wandb-shim"}, fake);
  EXPECT_EQ(without, fake);
}

TEST(LiveMetricsEndToEnd, HyperbandStopsBadTrialsWhileTheyRun) {
  TempDir dir;
  // Bands at 2, 6, 18, 54 iterations (min_iter 2, eta 3). One trial at a time:
  // x=5 is judged at iteration 2 against {0.1, 5} -> threshold 0.1 -> stop;
  // x=6 against {0.1, 5, 6} -> threshold 5 -> stop. x=0.1 is never worse.
  dir.Write("spec.yaml", "program: " + Program("epochs_channel.py") +
                             "\nmethod: grid\nmetric:\n  name: loss\n  goal: minimize\n"
                             "early_terminate:\n  type: hyperband\n  min_iter: 2\n  eta: 3\n"
                             "parameters:\n  x:\n    values: [0.1, 5.0, 6.0]\n  epochs:\n    value: " +
                             std::to_string(kEpochs) + "\n");
  auto result = RunCli(dir.path(), {"run", "spec.yaml"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  auto store = OpenTestStore(dir);
  auto runs = OnlySweepRuns(*store);
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].state, TrialState::kFinished) << runs[0].failure_reason;
  EXPECT_EQ(runs[0].summary.at("loss").count, kEpochs);
  for (int i = 1; i < 3; ++i) {
    EXPECT_EQ(runs[i].state, TrialState::kStopped) << runs[i].failure_reason;
    // The record says which band and threshold stopped it.
    EXPECT_NE(runs[i].failure_reason.find("hyperband: at band"), std::string::npos) << runs[i].failure_reason;
    EXPECT_NE(runs[i].failure_reason.find("threshold"), std::string::npos) << runs[i].failure_reason;
    // Stopped as the points arrived, while it ran: before its last epoch,
    // sooner than the program's own sleeps would have taken.
    EXPECT_LT(runs[i].summary.at("loss").count, kEpochs) << runs[i].id;
    EXPECT_LT(runs[i].ended_at - runs[i].started_at, kEpochs * kEpochSeconds) << runs[i].id;
  }
}

TEST(LiveMetricsEndToEnd, TrialTimeoutKillsWithReason) {
  TempDir dir;
  dir.Write("spec.yaml", "program: " + Program("sleeper.py") +
                             "\nmethod: grid\ntimeout: 1s\nmetric:\n  name: loss\n  goal: minimize\n"
                             "parameters:\n  x:\n    value: 1\n");
  RunCli(dir.path(), {"run", "spec.yaml"});
  auto store = OpenTestStore(dir);
  auto runs = OnlySweepRuns(*store);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state, TrialState::kKilled);
  EXPECT_NE(runs[0].failure_reason.find("timeout"), std::string::npos) << runs[0].failure_reason;
  EXPECT_LT(runs[0].ended_at - runs[0].started_at, 30.0);  // far less than the program's sleep
}

TEST(LiveMetricsEndToEnd, SweepMaxRuntimeKillsRunningTrialsAndStopsTheSweep) {
  TempDir dir;
  dir.Write("spec.yaml", "program: " + Program("sleeper.py") +
                             "\nmethod: random\nmax_runtime: 1s\nmetric:\n  name: loss\n  goal: minimize\n"
                             "parameters:\n  x:\n    min: 0.0\n    max: 1.0\n");
  const auto start = std::chrono::steady_clock::now();
  auto result = RunCli(dir.path(), {"run", "spec.yaml", "--agents", "2"});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(result.out.find("max_runtime reached"), std::string::npos) << result.out << result.err;
  EXPECT_LT(seconds, 30.0) << "far less than the trials' own sleep";
  auto store = OpenTestStore(dir);
  auto runs = OnlySweepRuns(*store);
  ASSERT_EQ(runs.size(), 2u) << "no trial launched after the deadline";
  for (const auto& run : runs) {
    EXPECT_EQ(run.state, TrialState::kKilled);
    EXPECT_NE(run.failure_reason.find("max_runtime"), std::string::npos) << run.failure_reason;
  }
  auto sweeps = store->ListSweeps();
  ASSERT_TRUE(sweeps.ok());
  EXPECT_EQ(sweeps->front().state, SweepState::kStopped) << "resumable";
}

TEST(LiveMetricsEndToEnd, EightTrialsFloodingTheChannelLoseNoPoint) {
  TempDir dir;
  std::string values;
  for (int i = 0; i < kFloodTrials; ++i) values += (i ? ", " : "") + std::to_string(i);
  dir.Write("spec.yaml", "program: " + Program("flood_channel.py") +
                             "\nmethod: grid\nmetric:\n  name: loss\n  goal: minimize\nparameters:\n"
                             "  x:\n    values: [" + values + "]\n  points:\n    value: " +
                             std::to_string(kFloodPoints) + "\n");
  auto result = RunCli(dir.path(), {"run", "spec.yaml", "--agents", std::to_string(kFloodTrials)});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  auto store = OpenTestStore(dir);
  auto runs = OnlySweepRuns(*store);
  ASSERT_EQ(runs.size(), static_cast<std::size_t>(kFloodTrials));
  for (const auto& run : runs) {
    EXPECT_EQ(run.state, TrialState::kFinished) << run.failure_reason;
    auto series = store->GetMetrics(run.id, "v");
    ASSERT_TRUE(series.ok());
    ASSERT_EQ(series->size(), static_cast<std::size_t>(kFloodPoints)) << run.id;
    std::set<std::int64_t> steps;
    for (const auto& p : *series) {
      steps.insert(p.step);
      EXPECT_EQ(p.value, static_cast<double>(p.step));
    }
    EXPECT_EQ(steps.size(), static_cast<std::size_t>(kFloodPoints));
  }
}

TEST(LiveMetricsEndToEnd, RecordStoresAStandaloneRunAndReusesItsProject) {
  TempDir dir;
  dir.Write("model.bin", "weights");
  const std::string model = (dir / "model.bin").string();
  std::string messages =
      "{\"t\":\"config\",\"data\":{\"lr\":0.1,\"model\":{\"depth\":4}}}\n"
      "{\"t\":\"log\",\"step\":0,\"time\":1.5,\"data\":{\"loss\":2.0}}\n"
      "{\"t\":\"log\",\"step\":1,\"time\":2.5,\"data\":{\"loss\":NaN,\"acc\":true}}\n"
      "not json\n"
      "{\"t\":\"summary\",\"data\":{\"best\":0.5,\"note\":\"ok\"}}\n"
      "{\"t\":\"artifact\",\"name\":\"../model.bin\",\"path\":\"" + model + "\",\"size\":7}\n"
      "{\"t\":\"artifact\",\"name\":\"bad.bin\",\"path\":\"" + model + "\",\"sha256\":\"00\",\"size\":7}\n"
      "{\"t\":\"finish\",\"exit_code\":0}\n";
  dir.Write("messages.jsonl", messages);
  auto record = [&](const std::string& name, const std::string& input) {
    const std::string cmd = "cd '" + dir.path().string() + "' && '" + testing::SweepBinary() + "' record --name " +
                            name + " --config-json '{\"lr\":0.1,\"model\":{\"depth\":4},\"opt\":\"adam\"}' < " + input +
                            " 2> " + name + ".err";
    return std::system(cmd.c_str());
  };
  ASSERT_EQ(record("first", "messages.jsonl"), 0) << ReadFile(dir / "first.err");
  dir.Write("crash.jsonl", "{\"t\":\"log\",\"data\":{\"loss\":1}}\n");
  ASSERT_EQ(record("second", "crash.jsonl"), 0) << ReadFile(dir / "second.err");

  auto store = OpenTestStore(dir);
  auto runs = OnlySweepRuns(*store);  // both runs in one "standalone" sweep
  ASSERT_EQ(runs.size(), 2u);
  auto sweep = store->GetSweep(runs[0].sweep_id);
  EXPECT_EQ(sweep->name, "standalone");
  EXPECT_EQ(sweep->method, "manual");
  const RunRecord& run = runs[0];
  EXPECT_NE(ReadFile(dir / "first.err").find(run.id), std::string::npos);
  EXPECT_EQ(run.state, TrialState::kFinished) << run.failure_reason;
  EXPECT_EQ(run.tags.at("name"), "first");
  ASSERT_EQ(run.params.size(), 3u);
  EXPECT_EQ(run.params[0].first, "lr");
  EXPECT_TRUE(run.params[0].second.is_double());
  EXPECT_EQ(run.params[1].first, "model.depth");
  EXPECT_TRUE(run.params[1].second.is_int());
  EXPECT_EQ(run.params[2].second.as_string(), "adam");
  auto loss = store->GetMetrics(run.id, "loss");
  ASSERT_EQ(loss->size(), 2u);
  EXPECT_EQ((*loss)[1].step, 1);
  EXPECT_TRUE(std::isnan((*loss)[1].value));
  EXPECT_EQ(run.summary.at("acc").last, 1.0);
  EXPECT_EQ(run.tags.at("summary.best"), "0.5");
  EXPECT_EQ(run.tags.at("summary.note"), "ok");
  EXPECT_EQ(ParseJson(run.tags.at("config"))->find("model")->find("depth")->as_int(), 4);
  // The artifact was copied into the run's folder (".." dropped) with its digest...
  const auto copy = std::filesystem::path(run.run_dir) / "artifacts/model.bin";
  EXPECT_EQ(ReadFile(copy), "weights");
  ASSERT_TRUE(run.tags.count("artifact.model.bin"));
  EXPECT_NE(run.tags.at("artifact.model.bin").find(copy.string()), std::string::npos);
  // ...and the one whose digest does not match the file was refused, with a warning.
  EXPECT_FALSE(run.tags.count("artifact.bad.bin"));
  EXPECT_NE(ReadFile(dir / "first.err").find("sha256 mismatch"), std::string::npos);
  // A stream without a finish message is a failed run, with the reason.
  EXPECT_EQ(runs[1].state, TrialState::kFailed);
  EXPECT_NE(runs[1].failure_reason.find("without a finish"), std::string::npos);

  // The inspect commands show the manual sweep like any other.
  auto listed = RunCli(dir.path(), {"runs", "standalone"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find(run.id), std::string::npos) << listed.out;
  auto shown = RunCli(dir.path(), {"show", run.id});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  auto sweeps = RunCli(dir.path(), {"sweeps"});
  EXPECT_NE(sweeps.out.find("manual"), std::string::npos) << sweeps.out;
}

}  // namespace
}  // namespace sweep
