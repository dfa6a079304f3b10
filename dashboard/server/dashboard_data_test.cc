#include "dashboard/server/dashboard_data.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "dashboard/server/api_json.h"
#include "sweep/record_json.h"
#include "sweep/spec/spec_parser.h"
#include "tests/test_support.h"

namespace sweep::dashboard {
namespace {

using nlohmann::json;
using sweep::testing::SpecText;
using sweep::testing::TempDir;

// A store written the way agents write it, read through a read-only
// DashboardData, as `sweep ui` does.
class DashboardDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    writer_ = sweep::testing::OpenTestStore(dir_);
    ASSERT_NE(writer_, nullptr);
    SweepRecord s;
    s.name = "demo";
    s.method = "grid";
    s.metric_name = "loss";
    s.goal = Goal::kMinimize;
    s.spec_text = SpecText("train.py").Minimize("loss").Values("lr", "0.1, 0.2, 0.3").Value("seed", "7").str();
    sweep_ = writer_->CreateSweep(s).value();
    auto reader = OpenStoreReadOnly((dir_.path() / ".sweep/sweep.db").string());
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    data_ = std::make_unique<DashboardData>(std::move(reader).value());
  }

  // A run with `loss` logged at steps 0..points-1 (the last value `loss`), ended in `state`.
  std::string AddRun(double lr, double loss, TrialState state, int points = 1, const std::string& reason = "") {
    auto run = writer_->ClaimRun(
        sweep_.id,
        [&](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> {
          return std::optional<NewRun>(NewRun{{{"lr", Value(lr)}, {"seed", Value(std::int64_t{7})}}, std::nullopt});
        },
        ClaimContext{"host", "agent", TrialState::kQueued});
    const std::string id = (**run).id;
    const auto run_dir = dir_.path() / id;
    std::filesystem::create_directories(run_dir);
    EXPECT_TRUE(writer_->MarkRunStarted(id, {"python", "train.py"}, 1, run_dir.string(), 100).ok());
    std::vector<MetricPoint> series;
    for (int i = 0; i < points; ++i) series.push_back({"loss", i, loss + (points - 1 - i), 100.0 + i});
    EXPECT_TRUE(writer_->LogMetrics(id, series).ok());
    if (state != TrialState::kRunning) {
      RunOutcome out;
      out.state = state;
      out.failure_reason = reason;
      out.ended_at = 200;
      EXPECT_TRUE(writer_->FinishRun(id, out).ok());
    }
    return id;
  }

  TempDir dir_;
  std::unique_ptr<Store> writer_;
  SweepRecord sweep_;
  std::unique_ptr<DashboardData> data_;
};

// A failed run that logged a better value than every finished one before
// failing is never the best (issue 18).
TEST_F(DashboardDataTest, FailedRunsAreNeverTheBest) {
  const std::string good = AddRun(0.1, 0.5, TrialState::kFinished);
  AddRun(0.2, 0.01, TrialState::kFailed, 1, "RuntimeError: CUDA out of memory");
  AddRun(0.3, 0.001, TrialState::kCrashed);
  const json sweeps = json::parse(data_->SweepsJson().value());
  ASSERT_EQ(sweeps.size(), 1u);
  EXPECT_EQ(sweeps[0]["best"]["run"], good);
  EXPECT_EQ(sweeps[0]["counts"]["failed"], 1);
  EXPECT_EQ(sweeps[0]["counts"]["crashed"], 1);
  const json page = json::parse(data_->SweepJson(sweep_.id).value());
  EXPECT_EQ(page["sweep"]["best"]["run"], good);
  EXPECT_EQ(page["runs"]["count"], 3);
  EXPECT_EQ(page["runs"]["reason"][1], "RuntimeError: CUDA out of memory");
  EXPECT_EQ(page["params"][1]["constant"], true);  // seed: no axis for it
  EXPECT_EQ(page["sweep"]["seed"], std::to_string(sweep_.seed));
}

// The sweep page's runs come as columns: cell i of every column is run i's,
// with the values a row (RunRowJson) would carry, written without a JSON
// tree (run_columns.h); a run without a metric has null in its column.
TEST_F(DashboardDataTest, RunColumnsHoldWhatRowsWould) {
  AddRun(0.1, 0.5, TrialState::kFinished);
  AddRun(0.25, std::nan(""), TrialState::kFailed, 1, "bad \"quote\" \xff\n");
  const std::string third = AddRun(0.3, 0.125, TrialState::kRunning, 0);
  RunLabelsUpdate update;
  update.name = "r\u00e9sum\u00e9";
  update.add_labels = {"b", "a"};
  ASSERT_TRUE(writer_->UpdateRunLabels(third, update).ok());
  const json page = json::parse(data_->SweepJson(sweep_.id).value());
  const json& cols = page["runs"];
  const std::vector<RunRecord> runs = writer_->ListRuns(sweep_.id).value();
  ASSERT_EQ(cols["count"], runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const json row = json::parse(DumpJson(RunRowJson(runs[i], MetricOf(sweep_))));  // as the API sends it
    for (const char* field : {"id", "n", "state", "obj", "created", "started", "ended", "exit", "signal", "reason",
                              "host", "name", "labels"})
      EXPECT_EQ(cols[field][i], row[field]) << field << " of run " << i;
    for (const auto& [name, value] : row["params"].items()) EXPECT_EQ(cols["params"][name][i], value) << name;
    for (const auto& [key, value] : row["m"].items()) EXPECT_EQ(cols["m"][key][i], value) << key;
  }
  EXPECT_EQ(cols["reason"][1], "bad \"quote\" \xef\xbf\xbd\n");  // invalid UTF-8 replaced, as DumpJson does
  EXPECT_EQ(cols["m"]["loss"][1], "NaN");
  EXPECT_EQ(cols["m"]["loss"][2], nullptr);  // logged nothing
  EXPECT_EQ(cols["labels"][2], json::array({"a", "b"}));
}

TEST_F(DashboardDataTest, ChangesCarryOnlyWhatChangedSinceTheMark) {
  const std::string a = AddRun(0.1, 0.5, TrialState::kFinished);
  const json page = json::parse(data_->SweepJson(sweep_.id).value());
  std::string mark = page["mark"];
  auto none = data_->Changes(sweep_.id, mark);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->any);
  const std::string b = AddRun(0.2, 0.4, TrialState::kRunning);
  auto some = data_->Changes(sweep_.id, mark);
  ASSERT_TRUE(some.ok());
  ASSERT_TRUE(some->any);
  const json doc = json::parse(some->json);
  ASSERT_EQ(doc["runs"].size(), 1u);
  EXPECT_EQ(doc["runs"][0]["id"], b);
  EXPECT_EQ(doc["runs"][0]["state"], "running");
  mark = some->mark;
  ASSERT_TRUE(writer_->LogMetrics(b, {{"acc", 3, 0.9, 101}}).ok());  // a new point is a change
  auto point = data_->Changes(sweep_.id, mark);
  ASSERT_TRUE(point.ok() && point->any);
  EXPECT_EQ(json::parse(point->json)["runs"][0]["m"]["acc"], 0.9);
}

// `sweep rm` leaves no change behind: the count in the change feed drops
// (the page reads the sweep again) and the sweep's document leaves it out.
TEST_F(DashboardDataTest, DeletedRunsLeaveThePage) {
  const std::string gone = AddRun(0.1, 0.5, TrialState::kFinished);
  const std::string kept = AddRun(0.2, 0.4, TrialState::kFinished);
  const json page = json::parse(data_->SweepJson(sweep_.id).value());
  ASSERT_EQ(page["runs"]["count"], 2);
  ASSERT_TRUE(writer_->DeleteRun(gone).ok());
  const SweepChanges changes = data_->Changes(sweep_.id, page["mark"].get<std::string>()).value();
  EXPECT_EQ(changes.count, 1u);
  EXPECT_EQ(json::parse(changes.json)["count"], 1);
  const json again = json::parse(data_->SweepJson(sweep_.id).value());
  EXPECT_EQ(again["runs"]["id"], json::array({kept}));
  EXPECT_EQ(json::parse(data_->SweepsJson().value())[0]["runs"], 1);
}

// x = another logged key (W&B's custom x axis): each point takes that key's
// value at its step or the last one logged before; earlier points are left out.
TEST_F(DashboardDataTest, CurvesAgainstAnotherLoggedKey) {
  const std::string id = AddRun(0.1, 0.5, TrialState::kFinished, 10);
  ASSERT_TRUE(writer_->LogMetrics(id, {{"epoch", 2, 0, 100}, {"epoch", 6, 1, 101}}).ok());
  const json doc = json::parse(data_->CurvesJson(sweep_.id, "loss", {id}, 0, "epoch").value());
  EXPECT_EQ(doc["x"], "epoch");
  const json& curve = doc["curves"][id];
  EXPECT_EQ(curve["step"], json::array({2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(curve["x"], json::array({0, 0, 0, 0, 1, 1, 1, 1}));
  EXPECT_EQ(curve["value"][0], 0.5 + 7);  // loss at step 2
  const json plain = json::parse(data_->CurvesJson(sweep_.id, "loss", {id}, 0).value());
  EXPECT_FALSE(plain["curves"][id].contains("x"));
  EXPECT_EQ(plain["curves"][id]["step"].size(), 10u);
}

TEST_F(DashboardDataTest, MetricsAreDownsampledAndCurvesStayInTheSweep) {
  const std::string a = AddRun(0.1, 0.5, TrialState::kFinished, 5000);
  const json metrics = json::parse(data_->RunMetricsJson(a, 100).value());
  EXPECT_EQ(metrics["loss"]["step"].size(), 100u);
  EXPECT_EQ(metrics["loss"]["total"], 5000);
  EXPECT_EQ(metrics["loss"]["step"].back(), 4999);
  // Another sweep's run is not served through this sweep's curves.
  SweepRecord other;
  other.name = "other";
  const std::string other_id = writer_->CreateSweep(other)->id;
  auto foreign = writer_->ClaimRun(
      other_id, [](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> { return std::optional<NewRun>(NewRun{}); },
      ClaimContext{});
  const json curves =
      json::parse(data_->CurvesJson(sweep_.id, "loss", {a, (**foreign).id, "zzzzzzzz"}, 50).value());
  EXPECT_EQ(curves["curves"].size(), 1u);
  EXPECT_EQ(curves["curves"][a]["step"].size(), 50u);
}

TEST_F(DashboardDataTest, LogTailsFollowByOffset) {
  const std::string a = AddRun(0.1, 0.5, TrialState::kRunning);
  const auto log = dir_.path() / a / "stderr.log";
  { std::ofstream(log) << "first line\n"; }
  const json first = json::parse(data_->LogJson(a, LogStream::kStderr, std::nullopt).value());
  EXPECT_EQ(first["text"], "first line\n");
  { std::ofstream(log, std::ios::app) << "second <script>alert(1)</script>\n"; }
  const json next = json::parse(data_->LogJson(a, LogStream::kStderr, first["next"].get<std::uint64_t>()).value());
  EXPECT_EQ(next["text"], "second <script>alert(1)</script>\n");  // data, escaped by the page, not here
  const json none = json::parse(data_->LogJson(a, LogStream::kStdout, std::nullopt).value());
  EXPECT_EQ(none["size"], 0);
}

TEST_F(DashboardDataTest, FilterUsesTheRunsFilterLanguage) {
  AddRun(0.1, 0.5, TrialState::kFinished);
  const std::string low = AddRun(0.2, 0.1, TrialState::kFinished);
  const json ids = json::parse(data_->FilterJson(sweep_.id, "metric.loss < 0.3").value());
  EXPECT_EQ(ids["ids"], json::array({low}));
  auto bad = data_->FilterJson(sweep_.id, "metric.loss <<");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidInput);
}

TEST_F(DashboardDataTest, SnapshotHoldsTheSweepImportanceAndBestCurves) {
  for (int i = 0; i < 8; ++i) AddRun(0.1 * (i % 3 + 1), 1.0 / (i + 1), TrialState::kFinished, 3);
  const std::string failed = AddRun(0.3, 0.0001, TrialState::kFailed, 3);
  const json snap = json::parse(data_->SnapshotJson(sweep_.id, 1234, 3).value());
  EXPECT_EQ(snap["snapshot"], true);
  EXPECT_EQ(snap["sweep"]["runs"]["count"], 9);
  EXPECT_EQ(snap["curves"]["curves"].size(), 3u);
  EXPECT_FALSE(snap["curves"]["curves"].contains(failed));
  EXPECT_FALSE(snap["importance"]["rows"].empty()) << snap["importance"]["note"];
}

// A run renamed, tagged or annotated after the page loaded is in the next
// change feed (the store's change stamp covers those columns) with its new
// name, tags and notes.
TEST_F(DashboardDataTest, NamesTagsAndNotesReachTheApiAsTheyChange) {
  const std::string id = AddRun(0.1, 0.5, TrialState::kFinished);
  const json page = json::parse(data_->SweepJson(sweep_.id).value());
  EXPECT_EQ(page["sweep"]["project"], "default");
  EXPECT_EQ(page["runs"]["name"][0], "");
  RunLabelsUpdate update;
  update.name = "baseline <b>";
  update.notes = "first try";
  update.add_labels = {"v1"};
  ASSERT_TRUE(writer_->UpdateRunLabels(id, update).ok());
  const SweepChanges changes = data_->Changes(sweep_.id, page["mark"].get<std::string>()).value();
  ASSERT_TRUE(changes.any);
  const json rows = json::parse(changes.json)["runs"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["name"], "baseline <b>");
  EXPECT_EQ(rows[0]["labels"], json::array({"v1"}));
  const json run = json::parse(data_->RunJson(id).value());
  EXPECT_EQ(run["notes"], "first try");
  EXPECT_EQ(run["project"], "default");
}

// A project's report: runs chosen by the caller under a stand-in record, not
// one stored sweep's.
TEST_F(DashboardDataTest, ScopeSnapshotHoldsTheGivenRuns) {
  for (int i = 0; i < 4; ++i) AddRun(0.1 * (i % 3 + 1), 1.0 / (i + 1), TrialState::kFinished, 3);
  std::vector<RunRecord> runs = writer_->ListRuns(sweep_.id).value();
  runs.pop_back();
  SweepRecord scope = sweep_;
  scope.id.clear();
  scope.name = "vision";
  scope.method = "project";
  auto spec = ParseSweepSpec(sweep_.spec_text, "");
  ASSERT_TRUE(spec.ok());
  const json snap = json::parse(data_->ScopeSnapshotJson(scope, *spec.spec, runs, 1234, 2).value());
  EXPECT_EQ(snap["sweep"]["sweep"]["name"], "vision");
  EXPECT_EQ(snap["sweep"]["runs"]["count"], 3);
  EXPECT_EQ(snap["curves"]["curves"].size(), 2u);
  EXPECT_EQ(snap["sweeps"][0]["runs"], 3);
}

// The run page's lineage: what a run logged (with the registered model
// versions pointing at it) and what it used (with who produced it).
TEST_F(DashboardDataTest, RunLineageListsProducedAndConsumedVersions) {
  const std::string trainer = AddRun(0.1, 0.5, TrialState::kFinished);
  const std::string evaluator = AddRun(0.2, 0.4, TrialState::kFinished);
  NewArtifactVersion model;
  model.project = "demo";
  model.name = "clf";
  model.type = "model";
  model.producer_run = trainer;
  model.files = {{"model.pt", std::string(64, 'a'), 1234}};
  model.aliases = {"best"};
  model.created_at = 300;
  auto logged = writer_->LogArtifactVersion(model);
  ASSERT_TRUE(logged.ok()) << logged.error().message;
  ASSERT_TRUE(writer_->RecordArtifactUse(logged->id, evaluator).ok());
  ASSERT_TRUE(writer_->RegisterModelVersion("classifier", logged->id, trainer, AuditStamp{"alice", "h", 301, ""}).ok());
  ASSERT_TRUE(writer_->PromoteModelVersion("classifier", 1, ModelStage::kStaging, {}, AuditStamp{"alice", "h", 302, ""}).ok());

  const json produced = json::parse(data_->RunLineageJson(trainer).value());
  ASSERT_EQ(produced["produced"].size(), 1u);
  EXPECT_TRUE(produced["consumed"].empty());
  const json& v = produced["produced"][0];
  EXPECT_EQ(v["ref"], "clf:v0");
  EXPECT_EQ(v["type"], "model");
  EXPECT_EQ(v["size"], 1234);
  EXPECT_EQ(v["digest"], logged->digest);
  EXPECT_EQ(v["aliases"], json::array({"best", "latest"}));
  EXPECT_EQ(v["producer"], trainer);
  ASSERT_EQ(v["models"].size(), 1u);
  EXPECT_EQ(v["models"][0]["model"], "classifier");
  EXPECT_EQ(v["models"][0]["version"], 1);
  EXPECT_EQ(v["models"][0]["stage"], "staging");

  const json used = json::parse(data_->RunLineageJson(evaluator).value());
  EXPECT_TRUE(used["produced"].empty());
  ASSERT_EQ(used["consumed"].size(), 1u);
  EXPECT_EQ(used["consumed"][0]["ref"], "clf:v0");
  EXPECT_EQ(used["consumed"][0]["producer"], trainer);

  const json none = json::parse(data_->RunLineageJson(AddRun(0.3, 0.3, TrialState::kFinished)).value());
  EXPECT_TRUE(none["produced"].empty());
  EXPECT_TRUE(none["consumed"].empty());
  EXPECT_EQ(data_->RunLineageJson("no-such-run").error().code, ErrorCode::kNotFound);
}

// Warming reads the newest sweeps ahead of any request, and what a request
// then gets is what a cold server answers.
TEST_F(DashboardDataTest, WarmPreparesTheNewestSweepsAsAColdReadWould) {
  AddRun(0.1, 0.5, TrialState::kFinished);
  AddRun(0.2, 0.4, TrialState::kRunning);
  EXPECT_EQ(data_->Warm(0), 0u);
  EXPECT_EQ(data_->Warm(3), 1u);
  DashboardData cold(OpenStoreReadOnly((dir_.path() / ".sweep/sweep.db").string()).value());
  EXPECT_EQ(data_->SweepJson(sweep_.id).value(), cold.SweepJson(sweep_.id).value());
  AddRun(0.3, 0.3, TrialState::kFinished);  // a change after warming is still seen
  EXPECT_EQ(json::parse(data_->SweepJson(sweep_.id).value())["runs"]["count"], 3);
}

}  // namespace
}  // namespace sweep::dashboard
