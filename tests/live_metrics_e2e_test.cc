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
using testing::OpenTestStore;
using testing::Program;
using testing::ReadFile;
using testing::RunAndRead;
using testing::RunCli;
using testing::RunSpec;
using testing::SourceDir;
using testing::SpecText;
using testing::TempDir;

// Points each trial of the flood test logs, and how many trials log at once.
constexpr int kFloodPoints = 20000;
constexpr int kFloodTrials = 8;
// Epochs of the early-termination program (0.1 s each): a run that goes the
// distance logs all of them over 4 s; a stopped one is judged at its 2nd
// value, and the margin absorbs a slow, shared test machine.
constexpr int kEpochs = 40;
constexpr double kEpochSeconds = 0.1;  // tests/programs/epochs_channel.py's sleep

// The client examples' sweep: two learning rates, `epochs` epochs each,
// minimizing val_loss; each example runs with its own epoch count, so a count
// that arrives shows the parameters reached the program.
constexpr const char* kClientLearningRates = "0.001, 0.01";
constexpr std::size_t kClientRuns = 2;
constexpr int kPythonClientEpochs = 4;
constexpr int kCppClientEpochs = 6;
SpecText ClientExampleSpec(const std::string& program, int epochs) {
  return SpecText(program)
      .Minimize("val_loss")
      .Values("lr", kClientLearningRates)
      .Value("epochs", std::to_string(epochs));
}

std::string ParamText(const RunRecord& run, const std::string& name) {
  for (const auto& [key, value] : run.params)
    if (key == name) return value.is_string() ? value.as_string() : ToJson(value);
  return "";
}

// Runs a spec file of the repository (configs/...) as a user would from the
// repository root, but in `dir`: its examples/ links to the repository's, so
// the spec's relative program path resolves and nothing is written to the
// source tree.
testing::SweepCliRun RunRepoSpec(const TempDir& dir, const std::string& spec, std::vector<std::string> extra = {}) {
  std::filesystem::create_directory_symlink(SourceDir() / "examples", dir / "examples");
  std::vector<std::string> args{"run", (SourceDir() / spec).string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return RunAndRead(dir, args);
}

TEST(LiveMetricsEndToEnd, UnchangedWandbScriptReportsThroughTheChannel) {
  TempDir dir;
  auto sweep = RunRepoSpec(dir, "configs/wandb_example.yaml", {"--agents", "2"});
  ASSERT_EQ(sweep.cli.exit_code, 0) << sweep.cli.out << sweep.cli.err;
  ASSERT_EQ(sweep.runs.size(), 4u);
  for (const auto& run : sweep.runs) {
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
  const std::string program = (SourceDir() / "examples/client_train.py").string();
  auto sweep = RunSpec(dir, ClientExampleSpec(program, kPythonClientEpochs));
  ASSERT_EQ(sweep.cli.exit_code, 0) << sweep.cli.out << sweep.cli.err;
  ASSERT_EQ(sweep.runs.size(), kClientRuns);
  for (const auto& run : sweep.runs) {
    EXPECT_EQ(run.state, TrialState::kFinished) << run.failure_reason;
    auto series = sweep.store->GetMetrics(run.id, "val_loss");
    ASSERT_TRUE(series.ok());
    ASSERT_EQ(series->size(), static_cast<std::size_t>(kPythonClientEpochs));
    EXPECT_EQ(series->front().step, 1);  // the example passes step=epoch
    EXPECT_EQ(ReadFile(std::filesystem::path(run.run_dir) / "stdout.log").find("val_loss"), std::string::npos);
    EXPECT_TRUE(run.tags.count("summary.best_val_loss"));
    ASSERT_TRUE(run.tags.count("artifact.checkpoint.json"));
    // log_artifact made a version of artifact "checkpoint.json", produced by this run.
    auto versions = sweep.store->ListArtifactVersions(ArtifactFilter{"", "checkpoint.json", run.id});
    ASSERT_TRUE(versions.ok());
    EXPECT_EQ(versions->size(), 1u);
  }
}

TEST(LiveMetricsEndToEnd, CppClientExampleReportsThroughTheChannel) {
  TempDir dir;
  // The C++ example is a binary, run as it is: no interpreter in front.
  auto sweep =
      RunSpec(dir, ClientExampleSpec(SWEEP_CPP_CLIENT_TRAIN, kCppClientEpochs).With("command:\n  - ${program}"));
  ASSERT_EQ(sweep.cli.exit_code, 0) << sweep.cli.out << sweep.cli.err;
  ASSERT_EQ(sweep.runs.size(), kClientRuns);
  for (const auto& run : sweep.runs) {
    EXPECT_EQ(run.state, TrialState::kFinished) << run.failure_reason;
    ASSERT_TRUE(run.summary.count("val_loss"));
    EXPECT_EQ(run.summary.at("val_loss").count, kCppClientEpochs);  // epochs came from SWEEP_PARAMS_FILE
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
    auto sweep = RunSpec(dir, SpecText(Program("which_wandb.py")).Minimize("loss").Value("x", "1"), extra,
                         {{"PYTHONPATH", (dir / "fake").string()}});
    EXPECT_EQ(sweep.cli.exit_code, 0) << sweep.cli.out << sweep.cli.err;
    if (sweep.runs.size() != 1) return std::string("?");
    const std::string out = ReadFile(std::filesystem::path(sweep.runs[0].run_dir) / "stdout.log");
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
  auto sweep = RunSpec(dir, SpecText(Program("epochs_channel.py"))
                                .Minimize("loss")
                                .With("early_terminate:\n  type: hyperband\n  min_iter: 2\n  eta: 3")
                                .Values("x", "0.1, 5.0, 6.0")
                                .Value("epochs", std::to_string(kEpochs)));
  ASSERT_EQ(sweep.cli.exit_code, 0) << sweep.cli.out << sweep.cli.err;
  const auto& runs = sweep.runs;
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
  auto sweep = RunSpec(dir, SpecText(Program("sleeper.py")).Minimize("loss").With("timeout: 1s").Value("x", "1"));
  const auto& runs = sweep.runs;
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state, TrialState::kKilled);
  EXPECT_NE(runs[0].failure_reason.find("timeout"), std::string::npos) << runs[0].failure_reason;
  EXPECT_LT(runs[0].ended_at - runs[0].started_at, 30.0);  // far less than the program's sleep
}

TEST(LiveMetricsEndToEnd, SweepMaxRuntimeKillsRunningTrialsAndStopsTheSweep) {
  TempDir dir;
  const auto start = std::chrono::steady_clock::now();
  const auto spec =
      SpecText(Program("sleeper.py"), "random").Minimize("loss").With("max_runtime: 1s").Range("x", "0.0", "1.0");
  auto sweep = RunSpec(dir, spec, {"--agents", "2"});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(sweep.cli.out.find("max_runtime reached"), std::string::npos) << sweep.cli.out << sweep.cli.err;
  EXPECT_LT(seconds, 30.0) << "far less than the trials' own sleep";
  ASSERT_EQ(sweep.runs.size(), 2u) << "no trial launched after the deadline";
  for (const auto& run : sweep.runs) {
    EXPECT_EQ(run.state, TrialState::kKilled);
    EXPECT_NE(run.failure_reason.find("max_runtime"), std::string::npos) << run.failure_reason;
  }
  auto sweeps = sweep.store->ListSweeps();
  ASSERT_TRUE(sweeps.ok());
  EXPECT_EQ(sweeps->front().state, SweepState::kStopped) << "resumable";
}

TEST(LiveMetricsEndToEnd, EightTrialsFloodingTheChannelLoseNoPoint) {
  TempDir dir;
  std::string values;
  for (int i = 0; i < kFloodTrials; ++i) values += (i ? ", " : "") + std::to_string(i);
  const auto spec = SpecText(Program("flood_channel.py"))
                        .Minimize("loss")
                        .Values("x", values)
                        .Value("points", std::to_string(kFloodPoints));
  auto sweep = RunSpec(dir, spec, {"--agents", std::to_string(kFloodTrials)});
  ASSERT_EQ(sweep.cli.exit_code, 0) << sweep.cli.out << sweep.cli.err;
  ASSERT_EQ(sweep.runs.size(), static_cast<std::size_t>(kFloodTrials));
  for (const auto& run : sweep.runs) {
    EXPECT_EQ(run.state, TrialState::kFinished) << run.failure_reason;
    auto series = sweep.store->GetMetrics(run.id, "v");
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
                            name + " --project vision --tag baseline --notes 'first try'"
                            " --command-json '[\"python3\", \"train.py\", \"--lr=0.1\"]'"
                            " --config-json '{\"lr\":0.1,\"model\":{\"depth\":4},\"opt\":\"adam\"}' < " + input +
                            " > " + name + ".out 2> " + name + ".err";
    return std::system(cmd.c_str());
  };
  ASSERT_EQ(record("first", "messages.jsonl"), 0) << ReadFile(dir / "first.err");
  dir.Write("crash.jsonl", "{\"t\":\"log\",\"data\":{\"loss\":1}}\n");
  ASSERT_EQ(record("second", "crash.jsonl"), 0) << ReadFile(dir / "second.err");

  auto store = OpenTestStore(dir);
  auto runs = OnlySweepRuns(*store);  // both runs in the project's one manual sweep
  ASSERT_EQ(runs.size(), 2u);
  auto sweep = store->GetSweep(runs[0].sweep_id);
  EXPECT_EQ(sweep->name, "vision");
  EXPECT_EQ(sweep->project, "vision");
  EXPECT_EQ(sweep->method, "manual");
  EXPECT_EQ(sweep->state, SweepState::kFinished) << "not running once its runs ended";
  const RunRecord& run = runs[0];
  // The id the client reads back on stdout is the store's.
  auto handshake = ParseJson(ReadFile(dir / "first.out"));
  ASSERT_TRUE(handshake.ok()) << ReadFile(dir / "first.out");
  EXPECT_EQ(handshake->find("run_id")->as_string(), run.id);
  EXPECT_EQ(handshake->find("run_dir")->as_string(), run.run_dir);
  EXPECT_EQ(run.state, TrialState::kFinished) << run.failure_reason;
  EXPECT_EQ(run.name, "first");
  EXPECT_EQ(run.labels, std::vector<std::string>{"baseline"});
  EXPECT_EQ(run.notes, "first try");
  EXPECT_EQ(run.argv, (std::vector<std::string>{"python3", "train.py", "--lr=0.1"}));
  EXPECT_EQ(run.tags.at("env.command"), "python3 train.py --lr=0.1");  // the environment, as for sweep trials
  EXPECT_TRUE(run.tags.count("env.os")) << "environment captured";
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
  // A stream without a finish message: the script vanished.
  EXPECT_EQ(runs[1].state, TrialState::kCrashed);
  EXPECT_NE(runs[1].failure_reason.find("without finishing"), std::string::npos) << runs[1].failure_reason;

  // The inspect commands show the manual sweep like any other.
  auto listed = RunCli(dir.path(), {"runs", "vision"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find(run.id), std::string::npos) << listed.out;
  auto shown = RunCli(dir.path(), {"show", run.id});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  auto sweeps = RunCli(dir.path(), {"sweeps"});
  EXPECT_NE(sweeps.out.find("manual"), std::string::npos) << sweeps.out;
}

TEST(LiveMetricsEndToEnd, RecordTakesTheFailureReasonFromTheFinishMessage) {
  TempDir dir;
  dir.Write("failed.jsonl", "{\"t\":\"finish\",\"exit_code\":1,\"reason\":\"ValueError: lr must be positive\"}\n");
  const std::string cmd = "cd '" + dir.path().string() + "' && '" + testing::SweepBinary() +
                          "' record --name f < failed.jsonl > f.out 2> f.err";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << ReadFile(dir / "f.err");
  auto store = OpenTestStore(dir);
  auto runs = OnlySweepRuns(*store);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state, TrialState::kFailed);
  EXPECT_EQ(runs[0].failure_reason, "ValueError: lr must be positive");
  EXPECT_EQ(runs[0].exit_code, 1);
  // No --project: the working directory's name.
  EXPECT_EQ(store->GetSweep(runs[0].sweep_id)->project, dir.path().filename().string());
}

}  // namespace
}  // namespace sweep
