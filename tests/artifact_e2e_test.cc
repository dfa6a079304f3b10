// End-to-end: versioned artifacts and the model registry through the real
// binary and the real Python client. A standalone script logs a dataset; a
// sweep's trials use it and log a model whose bytes only two settings
// differ in (the store keeps one copy per content); the best model is
// registered and promoted, and its lineage leads back to the run, its
// params, its code commit and the dataset; `sweep rm` then `sweep gc` frees
// what no version refers to.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "core/value_json.h"
#include "tests/cli_harness.h"

namespace sweep {
namespace {

using testing::CliResult;
using testing::RunCli;
using testing::SourceDir;
using testing::TempDir;

constexpr const char* kTrain =
    "import os, sweep_client\n"
    "run = sweep_client.init()\n"
    "data = run.use_artifact('dataset:latest')\n"
    "rows = open(os.path.join(data, 'rows.csv')).read()\n"
    "lr = run.config['lr']\n"
    "os.makedirs('ckpt', exist_ok=True)\n"
    "# Small and large learning rates write identical weights: one copy each.\n"
    "open('ckpt/model.bin', 'w').write(('small' if lr < 0.05 else 'large') * 1000 + rows)\n"
    "v = sweep_client.log_artifact('ckpt/model.bin', name='model', type='model', metadata={'lr': lr})\n"
    "run.log({'loss': lr})\n";

constexpr const char* kDataset =
    "import sweep_client\n"
    "run = sweep_client.init(project='demo', name='prep')\n"
    "open('rows.csv', 'w').write('a,b\\n1,2\\n')\n"
    "print(sweep_client.log_artifact('rows.csv', name='dataset', type='dataset')['ref'])\n"
    "run.finish()\n";

Value Json(const CliResult& result) {
  EXPECT_EQ(result.exit_code, 0) << result.err;
  auto doc = ParseJson(result.out);
  EXPECT_TRUE(doc.ok()) << result.out;
  return doc.ok() ? *doc : Value();
}

int Shell(const TempDir& dir, const std::string& command) {
  const std::string cmd = "cd '" + dir.path().string() + "' && " + command + " > shell.out 2>&1";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::size_t ContentFiles(const TempDir& dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path() / ".sweep" / "artifacts")) {
    n += e.is_regular_file() && e.path().filename().string().size() == 64;
  }
  return n;
}

class ArtifactEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("train.py", kTrain);
    dir_.Write("prep.py", kDataset);
    dir_.Write("spec.yaml",
               "name: art\nproject: demo\nprogram: train.py\nmethod: grid\nmetric:\n  name: loss\n  goal: minimize\n"
               "parameters:\n  lr:\n    values: [0.01, 0.02, 0.1, 0.2]\n");
    // A commit for the lineage to name.
    ASSERT_EQ(Shell(dir_, "git init -q . && git add -A && git -c user.email=t@t -c user.name=t commit -qm init"), 0);
  }

  CliResult Sweep(std::vector<std::string> args) { return RunCli(dir_.path(), args); }

  TempDir dir_;
};

TEST_F(ArtifactEndToEnd, SweepModelsDedupRegistryLineageAuditAndGc) {
  const std::string python = "PYTHONPATH='" + (SourceDir() / "clients/python").string() + "' SWEEP_BIN='" +
                              testing::SweepBinary() + "' python3 prep.py";
  ASSERT_EQ(Shell(dir_, python), 0) << testing::ReadFile(dir_.path() / "shell.out");
  const CliResult run = Sweep({"run", "spec.yaml", "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  // Four trials, two distinct checkpoints: two versions, two model blobs, one dataset blob.
  Value versions = Json(Sweep({"artifacts", "--project", "demo", "--json"}));
  std::vector<std::string> refs;
  for (const auto& v : versions.as_list()) refs.push_back(v.find("ref")->as_string());
  EXPECT_EQ(refs, (std::vector<std::string>{"dataset:v0", "model:v0", "model:v1"}));
  EXPECT_EQ(ContentFiles(dir_), 3u);
  EXPECT_EQ(versions.as_list()[0].find("consumer_runs")->as_list().size(), 4u);

  // Register the best run's model and promote it; a second promotion archives the first.
  Value best = Json(Sweep({"best", "art", "--json"}));
  const Value& best_run = best.is_list() ? best.as_list()[0] : best;
  const std::string best_id = best_run.find("id")->as_string();
  Value registered = Json(Sweep({"registry", "register", "clf", "--run", best_id, "--artifact", "model", "--json"}));
  EXPECT_EQ(registered.find("version")->as_int(), 1);
  const std::string other = versions.as_list()[2].find("producer_run")->as_string();
  ASSERT_EQ(Sweep({"registry", "register", "clf", "--run", other, "--artifact", "model:v1"}).exit_code, 0);
  ASSERT_EQ(Sweep({"registry", "promote", "clf", "2", "--to", "production"}).exit_code, 0);
  ASSERT_EQ(Sweep({"registry", "promote", "clf", "1", "--to", "production", "--note", "lower loss"}).exit_code, 0);

  Value model = Json(Sweep({"registry", "show", "clf", "--json"}));
  const Value& v1 = model.find("versions")->as_list()[0];
  EXPECT_EQ(v1.find("stage")->as_string(), "production");
  EXPECT_EQ(model.find("versions")->as_list()[1].find("stage")->as_string(), "archived");
  const Value* producer = v1.find("artifact")->find("producer");
  ASSERT_NE(producer, nullptr);
  EXPECT_EQ(producer->find("id")->as_string(), best_id);
  EXPECT_EQ(producer->find("params")->find("lr")->as_double(), 0.01);
  ASSERT_EQ(Shell(dir_, "git rev-parse HEAD"), 0);
  EXPECT_EQ(producer->find("code_commit")->as_string() + "\n", testing::ReadFile(dir_.path() / "shell.out"));
  EXPECT_EQ(v1.find("artifact")->find("inputs")->as_list(), ValueList{Value("demo/dataset:v0")});
  // The audit: 2 registrations, 2 -> production, then 2 archived and 1 promoted, with who and why.
  const ValueList& audit = model.find("audit")->as_list();
  ASSERT_EQ(audit.size(), 5u);
  EXPECT_EQ(audit[3].find("version")->as_int(), 2);
  EXPECT_EQ(audit[3].find("to")->as_string(), "archived");
  EXPECT_EQ(audit[4].find("from")->as_string(), "none");
  EXPECT_EQ(audit[4].find("note")->as_string(), "lower loss");
  EXPECT_FALSE(audit[4].find("user")->as_string().empty());
  EXPECT_FALSE(audit[4].find("host")->as_string().empty());

  // What an inference service loads: by name and stage.
  ASSERT_EQ(Sweep({"registry", "get", "clf@production", "-o", "serve"}).exit_code, 0);
  EXPECT_EQ(testing::ReadFile(dir_.path() / "serve" / "model.bin").substr(0, 5), "small");

  // Deleting the sweep keeps the registered versions; gc frees nothing they need.
  ASSERT_EQ(Sweep({"rm", "--sweep", "art", "--yes"}).exit_code, 0);
  Value gc = Json(Sweep({"gc", "--grace", "0", "--json"}));
  EXPECT_EQ(gc.find("files_removed")->as_int(), 0);
  ASSERT_EQ(Sweep({"registry", "get", "clf/2", "-o", "old"}).exit_code, 0);
  EXPECT_EQ(testing::ReadFile(dir_.path() / "old" / "model.bin").substr(0, 5), "large");
}

TEST_F(ArtifactEndToEnd, GcFreesWhatDeletedRunsAloneReferred) {
  const std::string python = "PYTHONPATH='" + (SourceDir() / "clients/python").string() + "' SWEEP_BIN='" +
                              testing::SweepBinary() + "' python3 prep.py";
  ASSERT_EQ(Shell(dir_, python), 0) << testing::ReadFile(dir_.path() / "shell.out");
  ASSERT_EQ(Sweep({"run", "spec.yaml", "--quiet"}).exit_code, 0);
  ASSERT_EQ(ContentFiles(dir_), 3u);
  ASSERT_EQ(Sweep({"rm", "--sweep", "art", "--yes"}).exit_code, 0);
  // Fresh content is kept for the grace period (it may be a version being logged).
  EXPECT_EQ(Json(Sweep({"gc", "--json"})).find("recent_kept")->as_int(), 2);
  Value gc = Json(Sweep({"gc", "--grace", "0", "--json"}));
  EXPECT_EQ(gc.find("files_removed")->as_int(), 2);  // both checkpoints; the dataset's run is still there
  EXPECT_EQ(gc.find("bytes_freed")->as_int(), 2 * (5000 + 8));
  EXPECT_EQ(ContentFiles(dir_), 1u);
  Value left = Json(Sweep({"artifacts", "--json"}));
  ASSERT_EQ(left.as_list().size(), 1u);
  EXPECT_EQ(left.as_list()[0].find("ref")->as_string(), "dataset:v0");
}

// Bad input: a clear message and exit code 2, nothing written.
TEST_F(ArtifactEndToEnd, BadReferencesAndStagesAreRefusedClearly) {
  const std::string python = "PYTHONPATH='" + (SourceDir() / "clients/python").string() + "' SWEEP_BIN='" +
                              testing::SweepBinary() + "' python3 prep.py";
  ASSERT_EQ(Shell(dir_, python), 0) << testing::ReadFile(dir_.path() / "shell.out");
  CliResult missing = Sweep({"artifact", "show", "nope:v0"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no artifact"), std::string::npos) << missing.err;
  CliResult stage = Sweep({"registry", "promote", "clf", "1", "--to", "prod"});
  EXPECT_EQ(stage.exit_code, 2);
  EXPECT_NE(stage.err.find("none, staging, production or archived"), std::string::npos) << stage.err;
  CliResult metadata = Sweep({"artifact", "log", "rows.csv", "--run", "demo/prep", "--metadata", "[1]"});
  EXPECT_EQ(metadata.exit_code, 2);
  EXPECT_EQ(Sweep({"registry", "get", "clf@production", "-o", "x"}).exit_code, 2);
  EXPECT_EQ(Json(Sweep({"artifacts", "--json"})).as_list().size(), 1u);
}

}  // namespace
}  // namespace sweep
