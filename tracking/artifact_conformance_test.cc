// Artifacts and the model registry on every store: the same tests run on
// SQLite (tracking_test) and on a live PostgreSQL server (pg_conformance_test,
// built with SWEEP_CONFORMANCE_POSTGRES).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>

#include "tracking/store.h"

#ifdef SWEEP_CONFORMANCE_POSTGRES
#include "tracking/postgres/pg_test_support.h"
#endif

namespace sweep {
namespace {

// A fresh, empty store's location, or nullopt (with the reason in *skip).
std::optional<std::string> FreshLocation(std::string* skip) {
#ifdef SWEEP_CONFORMANCE_POSTGRES
  auto base = pg_test::TestServerUrl();
  if (!base) {
    *skip = pg_test::NoServerMessage();
    return std::nullopt;
  }
  auto url = pg_test::CreateFreshDatabase(*base);
  if (!url.ok()) {
    *skip = url.error().message;
    return std::nullopt;
  }
  return *url;
#else
  (void)skip;
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("sweep-artifacts-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  return (dir / "sweep.db").string();
#endif
}

ArtifactFile File(const std::string& path, char fill, std::int64_t size = 10) {
  return ArtifactFile{path, std::string(64, fill), size};
}

AuditStamp Stamp(const std::string& note = "") { return AuditStamp{"alice", "host-1", 1700000000.5, note}; }

// Parameterized by the store's name only so the two binaries' tests have
// distinct names (Stores/ArtifactConformance.X/sqlite, .../postgres).
class ArtifactConformance : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    std::string skip;
    auto location = FreshLocation(&skip);
    if (!location) GTEST_SKIP() << skip;
    location_ = *location;
    auto store = OpenStore(location_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
    SweepRecord sweep;
    sweep.name = "s";
    sweep.method = "random";
    sweep.project = "proj";
    auto created = store_->CreateSweep(sweep);
    ASSERT_TRUE(created.ok()) << created.error().message;
    sweep_id_ = created->id;
  }

  // A run of the sweep, ended so it can be deleted.
  std::string EndedRun() {
    auto run = store_->ClaimRun(
        sweep_id_, [](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> { return std::optional<NewRun>(NewRun{}); },
        ClaimContext{"h", "a", TrialState::kRunning});
    EXPECT_TRUE(run.ok() && run->has_value());
    const std::string id = (*run)->id;
    EXPECT_TRUE(store_->FinishRun(id, RunOutcome{TrialState::kFinished, 0, std::nullopt, "", 1.0}).ok());
    return id;
  }

  ArtifactVersion Log(const std::string& run, std::vector<ArtifactFile> files, std::vector<std::string> aliases = {}) {
    NewArtifactVersion v;
    v.project = "proj";
    v.name = "model";
    v.type = "model";
    v.metadata_json = R"({"acc":0.9})";
    v.producer_run = run;
    v.files = std::move(files);
    v.aliases = std::move(aliases);
    auto logged = store_->LogArtifactVersion(v);
    EXPECT_TRUE(logged.ok()) << logged.error().message;
    return logged.ok() ? *logged : ArtifactVersion{};
  }

  std::string location_;
  std::unique_ptr<Store> store_;
  std::string sweep_id_;
};

TEST_P(ArtifactConformance, VersionsCountUpAndAnIdenticalLatestIsNotANewVersion) {
  const std::string run = EndedRun();
  ArtifactVersion v0 = Log(run, {File("w.bin", 'a'), File("cfg/x.json", 'b')});
  EXPECT_EQ(v0.version, 0);
  EXPECT_TRUE(v0.created);
  EXPECT_EQ(v0.size, 20);
  ASSERT_EQ(v0.files.size(), 2u);
  EXPECT_EQ(v0.files[0].path, "cfg/x.json");  // path order
  EXPECT_EQ(v0.metadata_json, R"({"acc":0.9})");
  EXPECT_EQ(v0.producer_run, run);
  EXPECT_EQ(v0.aliases, std::vector<std::string>{"latest"});

  // The same files in another order: the same digest, no new version (W&B).
  ArtifactVersion again = Log(run, {File("cfg/x.json", 'b'), File("w.bin", 'a')});
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.id, v0.id);

  ArtifactVersion v1 = Log(run, {File("w.bin", 'c')});
  EXPECT_TRUE(v1.created);
  EXPECT_EQ(v1.version, 1);
  // Back to v0's content: it differs from the latest, so it is a new version.
  ArtifactVersion v2 = Log(run, {File("w.bin", 'a'), File("cfg/x.json", 'b')});
  EXPECT_EQ(v2.version, 2);
  EXPECT_EQ(v2.digest, v0.digest);

  auto latest = store_->GetArtifactVersion("proj", "model", "latest");
  ASSERT_TRUE(latest.ok()) << latest.error().message;
  EXPECT_EQ(latest->version, 2);
  auto by_number = store_->GetArtifactVersion("proj", "model", "v1");
  ASSERT_TRUE(by_number.ok());
  EXPECT_EQ(by_number->id, v1.id);
  EXPECT_TRUE(by_number->aliases.empty());
  EXPECT_EQ(store_->GetArtifactVersion("proj", "model", "v9").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetArtifactVersion("other", "model", "latest").error().code, ErrorCode::kNotFound);
}

TEST_P(ArtifactConformance, AliasesMoveAndReservedOnesAreRefused) {
  const std::string run = EndedRun();
  Log(run, {File("w", 'a')}, {"best"});
  ArtifactVersion v1 = Log(run, {File("w", 'b')}, {"best"});
  auto best = store_->GetArtifactVersion("proj", "model", "best");
  ASSERT_TRUE(best.ok());
  EXPECT_EQ(best->id, v1.id);
  EXPECT_EQ(best->aliases, (std::vector<std::string>{"best", "latest"}));
  EXPECT_TRUE(store_->GetArtifactVersion("proj", "model", "v0")->aliases.empty());

  NewArtifactVersion bad;
  bad.project = "proj";
  bad.name = "model";
  bad.type = "model";
  bad.files = {File("w", 'z')};
  for (const char* alias : {"latest", "v3", "a b"}) {
    bad.aliases = {alias};
    EXPECT_EQ(store_->LogArtifactVersion(bad).error().code, ErrorCode::kInvalidInput) << alias;
  }
  bad.aliases.clear();
  bad.type = "dataset";  // the artifact is a model
  EXPECT_EQ(store_->LogArtifactVersion(bad).error().code, ErrorCode::kInvalidInput);
  bad.type = "model";
  bad.producer_run = "nosuchrun";
  EXPECT_EQ(store_->LogArtifactVersion(bad).error().code, ErrorCode::kNotFound);
  bad.producer_run.clear();
  bad.files.clear();
  EXPECT_EQ(store_->LogArtifactVersion(bad).error().code, ErrorCode::kInvalidInput);
  // Nothing of the refused logs was kept.
  EXPECT_EQ(store_->ListArtifactVersions({})->size(), 2u);
}

TEST_P(ArtifactConformance, UsesAreLineageBothWays) {
  const std::string producer = EndedRun();
  const std::string consumer = EndedRun();
  ArtifactVersion v0 = Log(producer, {File("w", 'a')});
  ASSERT_TRUE(store_->RecordArtifactUse(v0.id, consumer).ok());
  ASSERT_TRUE(store_->RecordArtifactUse(v0.id, consumer).ok());  // idempotent
  EXPECT_EQ(store_->RecordArtifactUse(v0.id, "nosuchrun").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->RecordArtifactUse(v0.id + 1000, consumer).error().code, ErrorCode::kNotFound);
  auto got = store_->GetArtifactVersion("proj", "model", "v0");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->consumers, std::vector<std::string>{consumer});
  auto used = store_->ListArtifactVersions(ArtifactFilter{"", "", consumer});
  ASSERT_TRUE(used.ok());
  ASSERT_EQ(used->size(), 1u);
  EXPECT_EQ((*used)[0].producer_run, producer);
  EXPECT_EQ(store_->ListArtifactVersions(ArtifactFilter{"proj", "", ""})->size(), 1u);
  EXPECT_TRUE(store_->ListArtifactVersions(ArtifactFilter{"nope", "", ""})->empty());
}

TEST_P(ArtifactConformance, DeletingARunDropsItsUnregisteredVersionsAndTheirContentReferences) {
  const std::string kept_run = EndedRun();
  const std::string gone_run = EndedRun();
  ArtifactVersion registered = Log(gone_run, {File("w", 'a')});
  Log(gone_run, {File("w", 'b'), File("shared", 'c')});
  Log(kept_run, {File("w", 'd'), File("shared", 'c')});
  ASSERT_TRUE(store_->RegisterModelVersion("clf", registered.id, gone_run, Stamp()).ok());
  ASSERT_TRUE(store_->DeleteRun(gone_run).ok());

  auto left = store_->ListArtifactVersions({});
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 2u);  // v0 (registered) and v2
  EXPECT_EQ((*left)[0].version, 0);
  EXPECT_EQ((*left)[1].version, 2);
  auto content = store_->ListReferencedContent();
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, (std::vector<std::string>{std::string(64, 'a'), std::string(64, 'c'), std::string(64, 'd')}));
  // Numbers are never reused.
  EXPECT_EQ(Log(kept_run, {File("w", 'e')}).version, 3);
}

TEST_P(ArtifactConformance, RegistryVersionsStagesAliasesAndAudit) {
  const std::string run = EndedRun();
  ArtifactVersion a = Log(run, {File("w", 'a')});
  ArtifactVersion b = Log(run, {File("w", 'b')});
  auto m1 = store_->RegisterModelVersion("clf", a.id, run, Stamp());
  auto m2 = store_->RegisterModelVersion("clf", b.id, run, Stamp());
  ASSERT_TRUE(m1.ok() && m2.ok());
  EXPECT_EQ(m1->version, 1);
  EXPECT_EQ(m2->version, 2);
  EXPECT_EQ(m2->stage, ModelStage::kNone);
  EXPECT_EQ(store_->RegisterModelVersion("clf", b.id + 100, run, Stamp()).error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(store_->PromoteModelVersion("clf", 1, ModelStage::kProduction, {}, Stamp()).ok());
  auto promoted = store_->PromoteModelVersion("clf", 2, ModelStage::kProduction, {}, Stamp("better"));
  ASSERT_TRUE(promoted.ok()) << promoted.error().message;
  EXPECT_EQ(promoted->stage, ModelStage::kProduction);
  ASSERT_TRUE(store_->SetModelAlias("clf", 1, "champion", Stamp()).ok());
  ASSERT_TRUE(store_->SetModelAlias("clf", 2, "champion", Stamp()).ok());  // moves
  EXPECT_EQ(store_->SetModelAlias("clf", 2, "latest", Stamp()).error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->PromoteModelVersion("clf", 7, ModelStage::kStaging, {}, Stamp()).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->PromoteModelVersion("nope", 1, ModelStage::kStaging, {}, Stamp()).error().code,
            ErrorCode::kNotFound);

  auto model = store_->GetRegisteredModel("clf");
  ASSERT_TRUE(model.ok()) << model.error().message;
  ASSERT_EQ(model->versions.size(), 2u);
  EXPECT_EQ(model->versions[0].stage, ModelStage::kArchived);  // the previous production version
  EXPECT_EQ(model->versions[1].stage, ModelStage::kProduction);
  EXPECT_TRUE(model->versions[0].aliases.empty());
  EXPECT_EQ(model->versions[1].aliases, std::vector<std::string>{"champion"});
  EXPECT_EQ(model->versions[1].artifact_version_id, b.id);
  // register x2, 1 none->production, 1 production->archived, 2 none->production, alias x2.
  ASSERT_EQ(model->audit.size(), 7u);
  EXPECT_EQ(model->audit[3].version, 1);
  EXPECT_EQ(model->audit[3].from_stage, "production");
  EXPECT_EQ(model->audit[3].to_stage, "archived");
  EXPECT_EQ(model->audit[4].to_stage, "production");
  EXPECT_EQ(model->audit[4].stamp.note, "better");
  EXPECT_EQ(model->audit[4].stamp.user, "alice");
  EXPECT_EQ(model->audit[4].stamp.host, "host-1");
  EXPECT_EQ(model->audit[6].detail, "champion");
  EXPECT_EQ(model->audit[6].from_stage, "v1");

  // --keep: two versions in production.
  ASSERT_TRUE(store_->PromoteModelVersion("clf", 1, ModelStage::kProduction, PromotionOptions{true}, Stamp()).ok());
  model = store_->GetRegisteredModel("clf");
  EXPECT_EQ(model->versions[0].stage, ModelStage::kProduction);
  EXPECT_EQ(model->versions[1].stage, ModelStage::kProduction);
  auto all = store_->ListRegisteredModels();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].versions.size(), 2u);
  EXPECT_EQ(store_->GetRegisteredModel("nope").error().code, ErrorCode::kNotFound);
}

// Two processes' worth of stores promote different versions at once, many
// times: each round ends with exactly one version in production.
TEST_P(ArtifactConformance, ConcurrentPromotionsLeaveExactlyOneProductionVersion) {
  constexpr int kVersions = 4;
  constexpr int kRounds = 15;
  const std::string run = EndedRun();
  for (int i = 0; i < kVersions; ++i) {
    ArtifactVersion v = Log(run, {File("w", static_cast<char>('a' + i))});
    ASSERT_TRUE(store_->RegisterModelVersion("clf", v.id, run, Stamp()).ok());
  }
  for (int round = 0; round < kRounds; ++round) {
    std::atomic<int> ready{0};
    std::atomic<int> failures{0};
    auto promote = [&](std::int64_t version) {
      auto store = OpenStore(location_);
      if (!store.ok()) {
        ++failures;
        return;
      }
      ++ready;
      while (ready.load() < 2) std::this_thread::yield();
      if (!(*store)->PromoteModelVersion("clf", version, ModelStage::kProduction, {}, Stamp()).ok()) ++failures;
    };
    std::thread first(promote, 1 + round % kVersions);
    std::thread second(promote, 1 + (round + 1) % kVersions);
    first.join();
    second.join();
    ASSERT_EQ(failures.load(), 0);
    auto model = store_->GetRegisteredModel("clf");
    ASSERT_TRUE(model.ok());
    const auto in_production = std::count_if(model->versions.begin(), model->versions.end(),
                                              [](const ModelVersion& v) { return v.stage == ModelStage::kProduction; });
    ASSERT_EQ(in_production, 1) << "round " << round;
  }
}

#ifdef SWEEP_CONFORMANCE_POSTGRES
constexpr const char* kStoreName = "postgres";
#else
constexpr const char* kStoreName = "sqlite";
#endif
INSTANTIATE_TEST_SUITE_P(Stores, ArtifactConformance, ::testing::Values(kStoreName),
                         [](const ::testing::TestParamInfo<const char*>& info) { return std::string(info.param); });

}  // namespace
}  // namespace sweep
