// End-to-end: tracking beyond sweeps through the real binary and the real
// Python client: a project mixing a sweep and standalone scripts (names,
// tags, notes, a crash with its traceback line, console logs), the review
// commands over the project, tag/note/rename, `rm` refusing a running run
// and `stop` ending one trial while its sweep goes on.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "core/value_json.h"
#include "tests/cli_harness.h"

namespace sweep {
namespace {

using testing::CliResult;
using testing::ReadFile;
using testing::RunCli;
using testing::SourceDir;
using testing::TempDir;

// How long a test waits for a condition on a loaded machine before failing.
constexpr auto kPatience = std::chrono::seconds(90);

// Runs `python3 script` in `dir` with the Python client importable and the
// built binary as its `sweep`; returns the exit status.
int RunPython(const TempDir& dir, const std::string& script, const std::string& log,
              const std::string& extra_path = "") {
  const std::string cmd = "cd '" + dir.path().string() + "' && PYTHONPATH='" + extra_path +
                          (SourceDir() / "clients/python").string() + "' SWEEP_BIN='" + testing::SweepBinary() +
                          "' python3 " + script + " > " + log + ".out 2> " + log + ".err";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Value Json(const CliResult& result) {
  EXPECT_EQ(result.exit_code, 0) << result.err;
  auto doc = ParseJson(result.out);
  EXPECT_TRUE(doc.ok()) << result.out;
  return doc.ok() ? *doc : Value();
}

const Value* RunNamed(const Value& runs, const std::string& name) {
  for (const auto& run : runs.as_list())
    if (run.find("name")->as_string() == name) return &run;
  return nullptr;
}

// Waits until `condition()` holds; false after kPatience.
template <typename F>
bool WaitFor(F condition) {
  const auto until = std::chrono::steady_clock::now() + kPatience;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

class TrackEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("spec.yaml", "name: grid\nproject: vision\nprogram: " +
                                (SourceDir() / "tests/programs/linear_loss.py").string() +
                                "\nmethod: grid\nmetric:\n  name: loss\n  goal: minimize\nparameters:\n"
                                "  x1:\n    values: [0, 1]\n  x2:\n    values: [0, 1]\n  x3:\n    value: 0\n");
    dir_.Write("baseline.py",
               "import sweep_client\n"
               "run = sweep_client.init(project='vision', name='baseline', config={'x1': 0.5, 'x2': 0.5},\n"
               "                        tags=['baseline', 'v1'], notes='the reference run')\n"
               "print('standalone run', run.id)\n"
               "for step in range(3):\n"
               "    run.log({'loss': 3.0 - step})\n"
               "run.finish()\n");
    dir_.Write("crash.py",
               "import sweep_client\n"
               "run = sweep_client.init(project='vision', name='crasher', config={'x1': 1.5, 'x2': 0.0})\n"
               "run.log({'loss': 9.0})\n"
               "raise ValueError('lr must be positive')\n");
  }

  TempDir dir_;
};

TEST_F(TrackEndToEnd, ProjectMixesSweepAndStandaloneRuns) {
  const CliResult sweep = RunCli(dir_.path(), {"run", "spec.yaml"});
  ASSERT_EQ(sweep.exit_code, 0) << sweep.out << sweep.err;
  ASSERT_EQ(RunPython(dir_, "baseline.py", "baseline"), 0) << ReadFile(dir_ / "baseline.err");
  EXPECT_NE(RunPython(dir_, "crash.py", "crash"), 0);

  const Value projects = Json(RunCli(dir_.path(), {"projects", "--json"}));
  ASSERT_EQ(projects.as_list().size(), 1u) << ToJson(projects);
  EXPECT_EQ(projects.as_list()[0].find("name")->as_string(), "vision");
  EXPECT_EQ(projects.as_list()[0].find("runs")->as_int(), 6);
  EXPECT_EQ(projects.as_list()[0].find("standalone_runs")->as_int(), 2);

  const Value runs = Json(RunCli(dir_.path(), {"runs", "--project", "vision", "--json"}));
  ASSERT_EQ(runs.as_list().size(), 6u);
  const Value* baseline = RunNamed(runs, "baseline");
  ASSERT_NE(baseline, nullptr);
  const std::string id = baseline->find("id")->as_string();
  // One id everywhere: what the script printed is the store's.
  EXPECT_NE(ReadFile(dir_ / "baseline.out").find("standalone run " + id), std::string::npos);
  EXPECT_EQ(baseline->find("state")->as_string(), "finished");
  EXPECT_EQ(ToJson(*baseline->find("labels")), "[\"baseline\",\"v1\"]");
  EXPECT_EQ(baseline->find("notes")->as_string(), "the reference run");
  EXPECT_EQ(baseline->find("argv")->as_list().back().as_string(), "baseline.py");  // the script's command line
  const std::string run_dir = baseline->find("run_dir")->as_string();
  EXPECT_NE(ReadFile(std::filesystem::path(run_dir) / "stdout.log").find("standalone run " + id), std::string::npos);
  EXPECT_TRUE(baseline->find("tags")->find("env.python") != nullptr) << "environment captured as for trials";

  const Value* crasher = RunNamed(runs, "crasher");
  ASSERT_NE(crasher, nullptr);
  EXPECT_EQ(crasher->find("state")->as_string(), "failed");
  EXPECT_EQ(crasher->find("failure_reason")->as_string(), "ValueError: lr must be positive");
  EXPECT_NE(ReadFile(std::filesystem::path(crasher->find("run_dir")->as_string()) / "stderr.log").find("Traceback"),
            std::string::npos);

  // The standalone group is not left running.
  const Value sweeps = Json(RunCli(dir_.path(), {"sweeps", "--json"}));
  for (const auto& s : sweeps.as_list()) EXPECT_NE(s.find("state")->as_string(), "running") << ToJson(s);

  // Review over the project: sweep runs and standalone runs together.
  const Value importance = Json(RunCli(dir_.path(), {"importance", "vision", "--metric", "loss", "--json"}));
  EXPECT_EQ(importance.find("project")->as_string(), "vision");
  EXPECT_EQ(importance.find("runs_used")->as_int(), 5);  // 4 trials + the finished standalone run
  const CliResult report = RunCli(dir_.path(), {"report", "vision", "-o", "project.html"});
  EXPECT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find("6 runs"), std::string::npos) << report.out;
  // The dashboard snapshot holds the project's standalone runs too, with their names.
  const std::string html = ReadFile(dir_ / "project.html");
  EXPECT_NE(html.find(id), std::string::npos);
  // Runs travel as columns (dashboard/server/run_columns.h): "name":[..., "baseline", ...].
  const auto names = html.find("\"name\":[");
  ASSERT_NE(names, std::string::npos);
  EXPECT_NE(html.find("\"baseline\"", names), std::string::npos);
  const CliResult standalone_report = RunCli(dir_.path(), {"importance", "vision", "--project", "--metric", "loss"});
  EXPECT_EQ(standalone_report.exit_code, 0) << standalone_report.err;
  const CliResult exported =
      RunCli(dir_.path(), {"export", "vision", "--format", "jsonl", "--filter", "tag = baseline"});
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(exported.out.find(id), std::string::npos);
  EXPECT_EQ(std::count(exported.out.begin(), exported.out.end(), '\n'), 1) << exported.out;
  const CliResult compared = RunCli(dir_.path(), {"compare", "vision/baseline", "crasher"});
  EXPECT_EQ(compared.exit_code, 0) << compared.err;

  // Names, tags and notes by hand; runs found by project/name.
  EXPECT_EQ(RunCli(dir_.path(), {"tag", "vision/baseline", "+reviewed", "-v1"}).exit_code, 0);
  EXPECT_EQ(RunCli(dir_.path(), {"note", "baseline", "checked by hand"}).exit_code, 0);
  EXPECT_EQ(RunCli(dir_.path(), {"rename", id, "reference"}).exit_code, 0);
  const CliResult shown = RunCli(dir_.path(), {"show", "vision/reference"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("name       reference"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("tags       baseline,reviewed"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("checked by hand"), std::string::npos) << shown.out;
  const CliResult listed = RunCli(dir_.path(), {"runs", "vision", "--filter", "tag = reviewed"});
  EXPECT_NE(listed.out.find("baseline,reviewed"), std::string::npos) << listed.out;
  EXPECT_EQ(RunCli(dir_.path(), {"tag", id, "+has space"}).exit_code, 2);
}

TEST_F(TrackEndToEnd, StopEndsOneTrialWhileTheSweepGoesOnAndRmRefusesItWhileRunning) {
  dir_.Write("wait.yaml", "name: waiting\nprogram: " + (SourceDir() / "tests/programs/wait_for_release.py").string() +
                              "\nmethod: grid\nmetric:\n  name: loss\n  goal: minimize\nparameters:\n"
                              "  x:\n    values: [1, 2]\n");
  const pid_t sweep = testing::SpawnCli(dir_.path(), {"run", "wait.yaml", "--agents", "2"}, "sweep");
  auto store = testing::OpenTestStore(dir_);
  ASSERT_NE(store, nullptr);
  std::vector<RunRecord> runs;
  ASSERT_TRUE(WaitFor([&] {
    auto sweeps = store->ListSweeps();
    if (!sweeps.ok() || sweeps->empty()) return false;
    auto listed = store->ListRunsByState(sweeps->front().id, TrialState::kRunning);
    if (listed.ok()) runs = *listed;
    return runs.size() == 2;
  })) << ReadFile(dir_ / "sweep.err");
  const std::string victim = runs[0].id, survivor = runs[1].id;

  const CliResult refused = RunCli(dir_.path(), {"rm", victim, "--yes"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("stop it first"), std::string::npos) << refused.err;
  EXPECT_TRUE(store->GetRun(victim).ok()) << "nothing deleted";

  const CliResult stopped = RunCli(dir_.path(), {"stop", victim});
  ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
  ASSERT_TRUE(WaitFor([&] { return IsTerminal(store->GetRun(victim)->state); }));
  const RunRecord ended = *store->GetRun(victim);
  EXPECT_EQ(ended.state, TrialState::kKilled);
  EXPECT_EQ(ended.failure_reason, "stopped by the user");
  EXPECT_EQ(store->GetRun(survivor)->state, TrialState::kRunning) << "the sweep goes on";

  dir_.Write("release", "");
  EXPECT_EQ(testing::WaitCli(sweep), 0) << ReadFile(dir_ / "sweep.err");
  EXPECT_EQ(store->GetRun(survivor)->state, TrialState::kFinished);

  ASSERT_TRUE(std::filesystem::exists(ended.run_dir));
  const CliResult removed = RunCli(dir_.path(), {"rm", victim, "--yes"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(store->GetRun(victim).error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(ended.run_dir));
  // Without --yes and without a terminal to ask on, nothing is deleted.
  EXPECT_NE(RunCli(dir_.path(), {"rm", survivor}).exit_code, 0);
  EXPECT_TRUE(store->GetRun(survivor).ok());
  const CliResult whole = RunCli(dir_.path(), {"rm", "--sweep", "waiting", "--yes"});
  EXPECT_EQ(whole.exit_code, 0) << whole.err;
  EXPECT_TRUE(store->ListSweeps()->empty());
}

TEST_F(TrackEndToEnd, DiffNamesThePythonPackagesThatChanged) {
  for (const std::string version : {"1.0", "2.0"}) {
    const std::string site = "site-" + version;
    dir_.Write(site + "/fake_pkg-" + version + ".dist-info/METADATA",
               "Metadata-Version: 2.1\nName: fake-pkg\nVersion: " + version + "\n");
    dir_.Write("run-" + version + ".py", "import sweep_client\nsweep_client.init(project='p', name='v" + version +
                                             "').log({'loss': 1})\n");
    ASSERT_EQ(RunPython(dir_, "run-" + version + ".py", "run-" + version, (dir_ / site).string() + ":"), 0)
        << ReadFile(dir_ / ("run-" + version + ".err"));
  }
  const Value diff = Json(RunCli(dir_.path(), {"diff", "p/v1.0", "p/v2.0", "--json"}));
  const Value* packages = diff.find("packages");
  ASSERT_NE(packages, nullptr) << ToJson(diff);
  EXPECT_EQ(ToJson(*packages), "{\"fake-pkg\":[\"1.0\",\"2.0\"]}");
  EXPECT_NE(diff.find("environment")->find("env.python.packages_sha256"), nullptr) << ToJson(diff);
  const CliResult text = RunCli(dir_.path(), {"diff", "p/v1.0", "p/v2.0"});
  EXPECT_NE(text.out.find("python packages that differ"), std::string::npos) << text.out;
  const Value shown = Json(RunCli(dir_.path(), {"show", "p/v1.0", "--json"}));
  EXPECT_NE(ReadFile(std::filesystem::path(shown.find("run_dir")->as_string()) / "requirements.txt")
                .find("fake-pkg==1.0"),
            std::string::npos);
}

// Data versions: the spec's `inputs:` hashed once per sweep and recorded on
// every run, a standalone script's run.log_input, both by one rule (the
// same folder gives the same digest); show lists them, diff and compare say
// which changed; compare --project compares a project's runs.
TEST_F(TrackEndToEnd, DataVersionsAreRecordedShownAndDiffed) {
  dir_.Write("data/train.csv", "x,y\n1,2\n3,4\n5,6\n");
  dir_.Write("data/images/a.bin", "aaa");
  dir_.Write("data/images/sub/b.bin", "bb");
  dir_.Write("inputs.yaml", "name: with-data\nproject: vision\nprogram: " +
                                (SourceDir() / "tests/programs/linear_loss.py").string() +
                                "\nmethod: grid\nmetric:\n  name: loss\n  goal: minimize\n"
                                "inputs: [data/train.csv, data/images]\nparameters:\n"
                                "  x1:\n    values: [0, 1]\n  x2:\n    value: 0\n  x3:\n    value: 0\n");
  const CliResult sweep = RunCli(dir_.path(), {"run", "inputs.yaml"});
  ASSERT_EQ(sweep.exit_code, 0) << sweep.out << sweep.err;
  dir_.Write("logged.py",
             "import sweep_client\n"
             "run = sweep_client.init(project='vision', name='logged', config={'x1': 0.5})\n"
             "run.log_input('data/images', context='train')\n"
             "run.log_input('data/train.csv', context='train')\n"
             "run.log({'loss': 1.0})\n");
  ASSERT_EQ(RunPython(dir_, "logged.py", "logged"), 0) << ReadFile(dir_ / "logged.err");
  dir_.Write("data/train.csv", "x,y\n1,2\n3,4\n5,7\n");  // the data changes
  ASSERT_EQ(RunPython(dir_, "logged.py", "logged2"), 0) << ReadFile(dir_ / "logged2.err");

  const Value runs = Json(RunCli(dir_.path(), {"runs", "--project", "vision", "--json"}));
  ASSERT_EQ(runs.as_list().size(), 4u) << ToJson(runs);
  const Value& trial = runs.as_list()[0];
  const Value* images = trial.find("tags")->find("input.data/images");
  ASSERT_NE(images, nullptr) << ToJson(trial);
  const Value trial_images = *ParseJson(images->as_string());
  EXPECT_EQ(trial_images.find("files")->as_int(), 2);
  EXPECT_EQ(trial_images.find("size")->as_int(), 5);
  const Value trial_csv = *ParseJson(trial.find("tags")->find("input.data/train.csv")->as_string());
  EXPECT_EQ(trial_csv.find("rows")->as_int(), 3);
  // The Python client and the spec agree on the folder's digest (one rule).
  const Value& logged = runs.as_list()[2];
  ASSERT_EQ(logged.find("name")->as_string(), "logged");
  const Value logged_images = *ParseJson(logged.find("tags")->find("input.images")->as_string());
  EXPECT_EQ(logged_images.find("digest")->as_string(), trial_images.find("digest")->as_string());
  EXPECT_EQ(logged_images.find("context")->as_string(), "train");
  const Value logged_csv = *ParseJson(logged.find("tags")->find("input.train.csv")->as_string());
  EXPECT_EQ(logged_csv.find("digest")->as_string(), trial_csv.find("digest")->as_string());

  const std::string first = logged.find("id")->as_string();
  const std::string second = runs.as_list()[3].find("id")->as_string();
  const CliResult shown = RunCli(dir_.path(), {"show", first});
  EXPECT_NE(shown.out.find("data (digest, size, files, rows, path)"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("train.csv  " + logged_csv.find("digest")->as_string() + "  16 B  1 file  3 rows  (train)"),
            std::string::npos)
      << shown.out;
  const std::string old_digest = logged_csv.find("digest")->as_string();
  const CliResult diff = RunCli(dir_.path(), {"diff", first, second});
  ASSERT_EQ(diff.exit_code, 0) << diff.err;
  EXPECT_NE(diff.out.find("data changed: train.csv sha256 " + old_digest.substr(0, 12) + "… → "), std::string::npos)
      << diff.out;
  EXPECT_EQ(diff.out.find("data changed: images"), std::string::npos) << diff.out;
  const Value diff_json = Json(RunCli(dir_.path(), {"diff", first, second, "--json"}));
  EXPECT_EQ(diff_json.find("inputs")->find("train.csv")->as_list()[0].as_string(), old_digest);

  // compare over the project: every run, or those a filter keeps.
  const Value all = Json(RunCli(dir_.path(), {"compare", "--project", "vision", "--json"}));
  EXPECT_EQ(all.find("runs")->as_list().size(), 4u) << ToJson(all);
  const Value named =
      Json(RunCli(dir_.path(), {"compare", "--project", "vision", "--filter", "name = logged", "--json"}));
  EXPECT_EQ(ToJson(*named.find("runs")), "[\"" + first + "\",\"" + second + "\"]");
  EXPECT_NE(named.find("inputs")->find("train.csv"), nullptr);
  EXPECT_EQ(RunCli(dir_.path(), {"compare", "--project", "vision", "--filter", "name = nobody"}).exit_code, 2);
  EXPECT_EQ(RunCli(dir_.path(), {"compare", "--filter", "name = logged"}).exit_code, 2);  // a filter needs --project

  // A missing input stops the sweep before any trial, naming it.
  dir_.Write("x.py", "");
  dir_.Write("missing.yaml", "name: missing\nprogram: x.py\nmethod: grid\ninputs: [nope.csv]\n"
                             "parameters:\n  x:\n    value: 1\n");
  const CliResult missing = RunCli(dir_.path(), {"run", "missing.yaml"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("inputs: nope.csv"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace sweep
