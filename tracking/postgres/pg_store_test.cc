// Store conformance suite, run here against PostgreSQL. The test bodies use
// only the Store interface and MakeStore() (defined at the bottom), so the
// SQLite store can share them by supplying its own factory.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>

#include "tracking/postgres/pg_test_support.h"
#include "tracking/postgres/postgres_store.h"

namespace sweep {
namespace {

// A fresh, empty store per test; nullptr (with the skip reason) when there is no server.
std::unique_ptr<Store> MakeStore(std::string* skip_reason);

class StoreConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string reason;
    store_ = MakeStore(&reason);
    if (!store_) GTEST_SKIP() << reason;
  }

  SweepRecord NewSweep(const std::string& name = "s") {
    SweepRecord s;
    s.name = name;
    s.method = "grid";
    s.metric_name = "loss";
    s.spec_text = "method: grid\n";
    auto r = store_->CreateSweep(s);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : s;
  }

  RunRecord Claim(const std::string& sweep_id, NewRun run, ClaimContext ctx = {}) {
    auto r = store_->ClaimRun(
        sweep_id, [&](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> { return std::optional(run); },
        ctx);
    EXPECT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r.ok() && r->has_value());
    return (r.ok() && r->has_value()) ? **r : RunRecord{};
  }

  std::unique_ptr<Store> store_;
};

bool IsBase36Id(const std::string& id) {
  if (id.size() != 8) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

TEST_F(StoreConformance, CreateSweepRoundTripsEveryField) {
  SweepRecord s;
  s.name = "tune-lr";
  s.method = "bayes";
  s.metric_name = "val/acc";
  s.goal = Goal::kMaximize;
  s.spec_text = "method: bayes\nparameters: {}\n";
  s.spec_path = "/tmp/spec.yaml";
  s.seed = std::numeric_limits<std::uint64_t>::max();  // survives the signed bigint column
  s.state = SweepState::kStopped;
  s.created_at = 1700000000.125;
  auto made = store_->CreateSweep(s);
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_TRUE(IsBase36Id(made->id)) << made->id;
  auto got = store_->GetSweep(made->id);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->name, s.name);
  EXPECT_EQ(got->method, s.method);
  EXPECT_EQ(got->metric_name, s.metric_name);
  EXPECT_EQ(got->goal, Goal::kMaximize);
  EXPECT_EQ(got->spec_text, s.spec_text);
  EXPECT_EQ(got->spec_path, s.spec_path);
  EXPECT_EQ(got->seed, s.seed);
  EXPECT_EQ(got->state, SweepState::kStopped);
  EXPECT_EQ(got->created_at, 1700000000.125);
  EXPECT_EQ(got->updated_at, 1700000000.125);
}

TEST_F(StoreConformance, CreateSweepWithExplicitIdConflictsOnReuse) {
  SweepRecord s;
  s.id = "abcd1234";
  s.name = "x";
  ASSERT_TRUE(store_->CreateSweep(s).ok());
  auto again = store_->CreateSweep(s);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  SweepRecord bad;
  bad.id = "NOT-AN-ID";
  EXPECT_EQ(store_->CreateSweep(bad).error().code, ErrorCode::kInvalidInput);
}

TEST_F(StoreConformance, GetSweepByIdNamePrefixAndErrors) {
  SweepRecord a, b, c;
  a.id = "aaaa0001"; a.name = "same"; a.created_at = 100;
  b.id = "aaaa0002"; b.name = "same"; b.created_at = 200;
  c.id = "bbbb0001"; c.name = "aaaa0001x"; c.created_at = 300;
  for (auto* s : {&a, &b, &c}) ASSERT_TRUE(store_->CreateSweep(*s).ok());
  EXPECT_EQ(store_->GetSweep("aaaa0001")->id, "aaaa0001");  // exact id
  EXPECT_EQ(store_->GetSweep("same")->id, "aaaa0002");      // name: newest wins
  EXPECT_EQ(store_->GetSweep("bbbb")->id, "bbbb0001");      // unique prefix
  auto ambiguous = store_->GetSweep("aaaa");
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_EQ(ambiguous.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(ambiguous.error().message.find("aaaa0001"), std::string::npos);
  EXPECT_NE(ambiguous.error().message.find("aaaa0002"), std::string::npos);
  auto missing = store_->GetSweep("zzzz");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetSweep("").error().code, ErrorCode::kNotFound);
}

TEST_F(StoreConformance, ListSweepsAndSetSweepState) {
  SweepRecord a = NewSweep("first");
  SweepRecord b = NewSweep("second");
  auto all = store_->ListSweeps();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, a.id);
  EXPECT_EQ((*all)[1].id, b.id);
  ASSERT_TRUE(store_->SetSweepState(b.id, SweepState::kFinished).ok());
  EXPECT_EQ(store_->GetSweep(b.id)->state, SweepState::kFinished);
  EXPECT_GE(store_->GetSweep(b.id)->updated_at, b.updated_at);
  auto missing = store_->SetSweepState("nosuch00", SweepState::kFailed);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(StoreConformance, ClaimRunNumbersRunsAndKeepsTypedParams) {
  SweepRecord s = NewSweep();
  Config params = {{"lr", Value(0.001)},     {"layers", Value(std::int64_t{3})}, {"act", Value("relu")},
                   {"wd", Value(std::nan(""))}, {"big", Value(INFINITY)},        {"flag", Value(true)},
                   {"sizes", Value(ValueList{Value(1), Value(2.5)})}};
  RunRecord r1 = Claim(s.id, NewRun{params, 0}, ClaimContext{"host-a", "agent-1", TrialState::kQueued});
  RunRecord r2 = Claim(s.id, NewRun{{{"lr", Value(1.0)}}, std::nullopt});
  EXPECT_TRUE(IsBase36Id(r1.id));
  EXPECT_EQ(r1.number, 1);
  EXPECT_EQ(r2.number, 2);
  EXPECT_EQ(r1.host, "host-a");
  auto got = store_->GetRun(r1.id);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->sweep_id, s.id);
  EXPECT_EQ(got->grid_index, 0);
  EXPECT_EQ(got->state, TrialState::kQueued);
  EXPECT_EQ(got->agent_id, "agent-1");
  EXPECT_GT(got->created_at, 0);
  ASSERT_EQ(got->params.size(), params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    EXPECT_EQ(got->params[i].first, params[i].first);
    if (params[i].first == "wd") {
      EXPECT_TRUE(got->params[i].second.is_double() && std::isnan(got->params[i].second.as_double()));
    } else {
      EXPECT_TRUE(got->params[i].second == params[i].second) << params[i].first;
    }
  }
  EXPECT_TRUE(got->params[1].second.is_int());  // 3 stays an integer, not 3.0
  EXPECT_FALSE(store_->GetRun(r2.id)->grid_index.has_value());
}

TEST_F(StoreConformance, ClaimRunSeesExistingRunsAndStopsOnNullopt) {
  SweepRecord s = NewSweep();
  Claim(s.id, NewRun{{}, 0});
  Claim(s.id, NewRun{{}, 1});
  size_t seen = 0;
  auto done = store_->ClaimRun(
      s.id,
      [&](const std::vector<RunRecord>& existing) -> Result<std::optional<NewRun>> {
        seen = existing.size();
        return std::optional<NewRun>();
      },
      {});
  ASSERT_TRUE(done.ok());
  EXPECT_FALSE(done->has_value());
  EXPECT_EQ(seen, 2u);
  EXPECT_EQ(store_->ListRuns(s.id)->size(), 2u);
}

TEST_F(StoreConformance, ClaimRunErrors) {
  SweepRecord s = NewSweep();
  auto failing = store_->ClaimRun(
      s.id, [](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> { return Error::InvalidInput("boom"); },
      {});
  ASSERT_FALSE(failing.ok());
  EXPECT_EQ(failing.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(failing.error().message, "boom");
  EXPECT_TRUE(store_->ListRuns(s.id)->empty());  // rolled back

  auto missing = store_->ClaimRun(
      "nosuch00", [](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> { return std::optional(NewRun{}); },
      {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  // A grid point is never inserted twice, even when the proposer insists.
  Claim(s.id, NewRun{{}, 7});
  auto twice = store_->ClaimRun(
      s.id, [](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> { return std::optional(NewRun{{}, 7}); },
      {});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->ListRuns(s.id)->size(), 1u);
}

TEST_F(StoreConformance, CrashedGridPointMayBeClaimedAgain) {
  SweepRecord s = NewSweep();
  RunRecord first = Claim(s.id, NewRun{{}, 4});
  RunOutcome crashed;
  crashed.state = TrialState::kCrashed;
  crashed.failure_reason = "agent died";
  ASSERT_TRUE(store_->FinishRun(first.id, crashed).ok());
  RunRecord again = Claim(s.id, NewRun{{}, 4});
  EXPECT_EQ(again.grid_index, 4);
  EXPECT_EQ(again.number, 2);
}

TEST_F(StoreConformance, MarkRunStartedAndFinishRun) {
  SweepRecord s = NewSweep();
  RunRecord r = Claim(s.id, NewRun{{}, std::nullopt});
  ASSERT_TRUE(store_->MarkRunStarted(r.id, {"python", "train.py", "--lr=0.1", "tab\there"}, 4242, "/runs/x", 1000.5).ok());
  auto started = store_->GetRun(r.id);
  EXPECT_EQ(started->state, TrialState::kRunning);
  EXPECT_EQ(started->argv, (std::vector<std::string>{"python", "train.py", "--lr=0.1", "tab\there"}));
  EXPECT_EQ(started->pid, 4242);
  EXPECT_EQ(started->run_dir, "/runs/x");
  EXPECT_EQ(started->started_at, 1000.5);
  auto restart = store_->MarkRunStarted(r.id, {}, 1, "", 1);
  ASSERT_FALSE(restart.ok());
  EXPECT_EQ(restart.error().code, ErrorCode::kConflict);

  RunOutcome out;
  out.state = TrialState::kFailed;
  out.exit_code = 3;
  out.failure_reason = "exit 3";
  out.ended_at = 1010.25;
  ASSERT_TRUE(store_->FinishRun(r.id, out).ok());
  auto ended = store_->GetRun(r.id);
  EXPECT_EQ(ended->state, TrialState::kFailed);
  EXPECT_EQ(ended->exit_code, 3);
  EXPECT_FALSE(ended->signal.has_value());
  EXPECT_EQ(ended->failure_reason, "exit 3");
  EXPECT_EQ(ended->ended_at, 1010.25);

  RunOutcome late;
  late.state = TrialState::kFinished;
  auto refused = store_->FinishRun(r.id, late);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->GetRun(r.id)->state, TrialState::kFailed);  // the recorded outcome stands

  RunOutcome not_terminal;
  not_terminal.state = TrialState::kRunning;
  EXPECT_EQ(store_->FinishRun(Claim(s.id, NewRun{}).id, not_terminal).error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->FinishRun("nosuch00", late).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->MarkRunStarted("nosuch00", {}, 1, "", 1).error().code, ErrorCode::kNotFound);
}

TEST_F(StoreConformance, FinishRunRecordsSignal) {
  SweepRecord s = NewSweep();
  RunRecord r = Claim(s.id, NewRun{});
  RunOutcome out;
  out.state = TrialState::kKilled;
  out.signal = 9;
  ASSERT_TRUE(store_->FinishRun(r.id, out).ok());
  auto got = store_->GetRun(r.id);
  EXPECT_EQ(got->signal, 9);
  EXPECT_FALSE(got->exit_code.has_value());
  EXPECT_GT(got->ended_at, 0);  // defaulted to now
}

TEST_F(StoreConformance, GetRunByPrefixAndErrors) {
  SweepRecord s = NewSweep();
  std::vector<RunRecord> runs;
  for (int i = 0; i < 40; ++i) runs.push_back(Claim(s.id, NewRun{}));
  // Some 1-character prefix is shared by two of 40 random ids (36 letters), so
  // find an ambiguous one and a unique one.
  std::map<char, int> first_chars;
  for (const auto& r : runs) first_chars[r.id[0]]++;
  for (const auto& r : runs) {
    auto got = store_->GetRun(r.id.substr(0, 7));
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ(got->id, r.id);
    if (first_chars[r.id[0]] > 1) {
      auto amb = store_->GetRun(r.id.substr(0, 1));
      ASSERT_FALSE(amb.ok());
      EXPECT_EQ(amb.error().code, ErrorCode::kInvalidInput);
    }
  }
  EXPECT_EQ(store_->GetRun("nosuch00").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetRun("").error().code, ErrorCode::kNotFound);
}

TEST_F(StoreConformance, ListRunsInNumberOrderWithSummariesAndTags) {
  SweepRecord s = NewSweep();
  SweepRecord other = NewSweep("other");
  RunRecord a = Claim(s.id, NewRun{{}, 0});
  Claim(other.id, NewRun{{}, 0});
  RunRecord b = Claim(s.id, NewRun{{}, 1});
  ASSERT_TRUE(store_->LogMetrics(b.id, {{"loss", 1, 0.5, 10}}).ok());
  ASSERT_TRUE(store_->SetTags(a.id, {{"git", "abc"}}).ok());
  auto runs = store_->ListRuns(s.id);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].id, a.id);
  EXPECT_EQ((*runs)[1].id, b.id);
  EXPECT_EQ((*runs)[0].tags.at("git"), "abc");
  EXPECT_EQ((*runs)[1].summary.at("loss").last, 0.5);
  EXPECT_EQ(store_->ListRuns("nosuch00").error().code, ErrorCode::kNotFound);
}

TEST_F(StoreConformance, LogMetricsSummaryAndOrder) {
  SweepRecord s = NewSweep();
  RunRecord r = Claim(s.id, NewRun{});
  const double nan = std::nan("");
  ASSERT_TRUE(store_->LogMetrics(r.id, {{"loss", 2, 0.8, 20}, {"loss", 1, nan, 10}, {"acc", 1, 0.1, 10}}).ok());
  ASSERT_TRUE(store_->LogMetrics(r.id, {{"loss", 3, 0.3, 30}, {"loss", 0, 0.1, 5}, {"odd\tkey\\", 0, -INFINITY, 1}}).ok());
  auto got = store_->GetRun(r.id);
  const MetricSummary& loss = got->summary.at("loss");
  EXPECT_EQ(loss.count, 4);
  EXPECT_EQ(loss.last, 0.3);  // highest step, not latest logged
  EXPECT_EQ(loss.last_step, 3);
  EXPECT_EQ(loss.min, 0.1);   // NaN ignored
  EXPECT_EQ(loss.max, 0.8);
  EXPECT_EQ(got->summary.at("odd\tkey\\").min, -INFINITY);

  auto all = store_->GetMetrics(r.id, "");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 6u);
  EXPECT_EQ((*all)[0].key, "acc");
  std::vector<std::int64_t> loss_steps;
  for (const auto& p : *all) {
    if (p.key == "loss") loss_steps.push_back(p.step);
  }
  EXPECT_EQ(loss_steps, (std::vector<std::int64_t>{0, 1, 2, 3}));
  auto only = store_->GetMetrics(r.id, "loss");
  ASSERT_EQ(only->size(), 4u);
  EXPECT_TRUE(std::isnan((*only)[1].value));
  EXPECT_EQ((*only)[1].time, 10);
  EXPECT_EQ(store_->GetMetrics(r.id, "odd\tkey\\")->at(0).value, -INFINITY);

  EXPECT_EQ(store_->LogMetrics("nosuch00", {{"loss", 1, 1, 1}}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetMetrics("nosuch00", "").error().code, ErrorCode::kNotFound);
}

TEST_F(StoreConformance, SummaryOfOnlyNaNIsNaN) {
  SweepRecord s = NewSweep();
  RunRecord r = Claim(s.id, NewRun{});
  ASSERT_TRUE(store_->LogMetrics(r.id, {{"x", 0, std::nan(""), 1}}).ok());
  auto sum = store_->GetRun(r.id)->summary.at("x");
  EXPECT_TRUE(std::isnan(sum.min) && std::isnan(sum.max) && std::isnan(sum.last));
  ASSERT_TRUE(store_->LogMetrics(r.id, {{"x", 1, 2.0, 2}}).ok());
  sum = store_->GetRun(r.id)->summary.at("x");
  EXPECT_EQ(sum.min, 2.0);
  EXPECT_EQ(sum.max, 2.0);
  EXPECT_EQ(sum.count, 2);
}

TEST_F(StoreConformance, SetTagsUpserts) {
  SweepRecord s = NewSweep();
  RunRecord r = Claim(s.id, NewRun{});
  ASSERT_TRUE(store_->SetTags(r.id, {{"a", "1"}, {"b", "2"}}).ok());
  ASSERT_TRUE(store_->SetTags(r.id, {{"b", "3"}, {"c", "quote \" and\nnewline"}}).ok());
  auto tags = store_->GetRun(r.id)->tags;
  EXPECT_EQ(tags, (std::map<std::string, std::string>{{"a", "1"}, {"b", "3"}, {"c", "quote \" and\nnewline"}}));
  EXPECT_EQ(store_->SetTags("nosuch00", {{"a", "1"}}).error().code, ErrorCode::kNotFound);
}

TEST_F(StoreConformance, HeartbeatAndReapStaleRuns) {
  SweepRecord s = NewSweep();
  RunRecord beating = Claim(s.id, NewRun{});    // started long ago, beats recently
  RunRecord silent = Claim(s.id, NewRun{});     // started long ago, never beat
  RunRecord fresh = Claim(s.id, NewRun{});      // started recently
  RunRecord queued = Claim(s.id, NewRun{});     // never started; created "now"
  RunRecord done = Claim(s.id, NewRun{});       // terminal: never reaped
  ASSERT_TRUE(store_->MarkRunStarted(beating.id, {}, 1, "", 100).ok());
  ASSERT_TRUE(store_->MarkRunStarted(silent.id, {}, 2, "", 100).ok());
  ASSERT_TRUE(store_->MarkRunStarted(fresh.id, {}, 3, "", 5000).ok());
  ASSERT_TRUE(store_->FinishRun(done.id, RunOutcome{TrialState::kFinished, 0, std::nullopt, "", 50}).ok());
  ASSERT_TRUE(store_->Heartbeat({beating.id}, 4000).ok());
  auto unknown = store_->Heartbeat({beating.id, "nosuch00"}, 4500);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_NE(unknown.error().message.find("nosuch00"), std::string::npos);

  auto reaped = store_->ReapStaleRuns(s.id, 3000, "no heartbeat for 10 minutes");
  ASSERT_TRUE(reaped.ok()) << reaped.error().message;
  EXPECT_EQ(*reaped, std::vector<std::string>{silent.id});
  auto crashed = store_->GetRun(silent.id);
  EXPECT_EQ(crashed->state, TrialState::kCrashed);
  EXPECT_EQ(crashed->failure_reason, "no heartbeat for 10 minutes");
  EXPECT_GT(crashed->ended_at, 0);
  EXPECT_EQ(store_->GetRun(done.id)->state, TrialState::kFinished);

  // Later: the beating run's heartbeat (4000) is now stale, as is the fresh run's start.
  auto later = store_->ReapStaleRuns(s.id, 6000, "stale");
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(*later, (std::vector<std::string>{beating.id, fresh.id}));
  EXPECT_EQ(store_->GetRun(queued.id)->state, TrialState::kQueued);  // created now, not stale
  // A reaped run cannot be finished by its late agent.
  EXPECT_EQ(store_->FinishRun(beating.id, RunOutcome{}).error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->ReapStaleRuns("nosuch00", 1, "x").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->Heartbeat({}, 1).ok());
}

TEST_F(StoreConformance, ListRunsByState) {
  SweepRecord s = NewSweep();
  RunRecord a = Claim(s.id, NewRun{});
  RunRecord b = Claim(s.id, NewRun{});
  RunRecord c = Claim(s.id, NewRun{});
  ASSERT_TRUE(store_->MarkRunStarted(b.id, {}, 1, "", 1).ok());
  ASSERT_TRUE(store_->SetTags(c.id, {{"k", "v"}}).ok());
  auto queued = store_->ListRunsByState(s.id, TrialState::kQueued);
  ASSERT_TRUE(queued.ok()) << queued.error().message;
  ASSERT_EQ(queued->size(), 2u);
  EXPECT_EQ((*queued)[0].id, a.id);
  EXPECT_EQ((*queued)[1].id, c.id);
  EXPECT_EQ((*queued)[1].tags.at("k"), "v");
  ASSERT_EQ(store_->ListRunsByState(s.id, TrialState::kRunning)->size(), 1u);
  EXPECT_TRUE(store_->ListRunsByState(s.id, TrialState::kFinished)->empty());
  EXPECT_EQ(store_->ListRunsByState("nosuch00", TrialState::kQueued).error().code, ErrorCode::kNotFound);
}

std::unique_ptr<Store> MakeStore(std::string* skip_reason) {
  auto server = pg_test::TestServerUrl();
  if (!server) {
    *skip_reason = pg_test::NoServerMessage();
    return nullptr;
  }
  auto url = pg_test::CreateFreshDatabase(*server);
  EXPECT_TRUE(url.ok()) << url.error().message;
  if (!url.ok()) return nullptr;
  auto store = OpenPostgresStore(*url);
  EXPECT_TRUE(store.ok()) << store.error().message;
  return store.ok() ? std::move(*store) : nullptr;
}

// --- PostgreSQL-specific behaviour ---

TEST(PostgresStore, ConnectionFailureNamesServerButNotPassword) {
  // Port 1 on localhost: nothing listens there.
  auto r = OpenPostgresStore("postgresql://alice:s3cret@127.0.0.1:1/experiments?connect_timeout=2");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_NE(r.error().message.find("127.0.0.1"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("experiments"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("s3cret"), std::string::npos) << r.error().message;
}

TEST(PostgresStore, RejectsOtherSchemes) {
  EXPECT_EQ(OpenPostgresStore("mysql://x@y/z").error().code, ErrorCode::kInvalidInput);
  EXPECT_TRUE(IsPostgresUrl("postgres://u@h/db"));
  EXPECT_TRUE(IsPostgresUrl("postgresql://u@h/db"));
  EXPECT_FALSE(IsPostgresUrl(".sweep/sweep.db"));
}

TEST(PostgresStore, ReopeningKeepsDataAndSchemaVersion) {
  auto server = pg_test::TestServerUrl();
  if (!server) GTEST_SKIP() << pg_test::NoServerMessage();
  auto url = pg_test::CreateFreshDatabase(*server);
  ASSERT_TRUE(url.ok()) << url.error().message;
  std::string id;
  {
    auto store = OpenPostgresStore(*url);
    ASSERT_TRUE(store.ok()) << store.error().message;
    SweepRecord s;
    s.name = "persist";
    id = (*store)->CreateSweep(s)->id;
  }
  auto store = OpenPostgresStore(*url);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->GetSweep("persist")->id, id);
  EXPECT_EQ(*pg_test::QueryScalar(*url, "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_version"),
            "1,2");
}

TEST(PostgresStore, VersionOneDatabaseGainsSweepTags) {
  auto server = pg_test::TestServerUrl();
  if (!server) GTEST_SKIP() << pg_test::NoServerMessage();
  auto url = pg_test::CreateFreshDatabase(*server);
  ASSERT_TRUE(url.ok()) << url.error().message;
  std::string id;
  {
    auto store = OpenPostgresStore(*url);
    ASSERT_TRUE(store.ok()) << store.error().message;
    SweepRecord s;
    s.name = "old";
    id = (*store)->CreateSweep(s)->id;
  }
  // What a version 1 database looks like: no sweep_tags table.
  ASSERT_TRUE(pg_test::QueryScalar(*url, "DROP TABLE sweep_tags; DELETE FROM schema_version WHERE version = 2").ok());
  auto store = OpenPostgresStore(*url);
  ASSERT_TRUE(store.ok()) << store.error().message;
  ASSERT_TRUE((*store)->SetSweepTags(id, {{"slurm.job.7", "2"}}).ok());
  EXPECT_EQ((*store)->GetSweepTags(id)->at("slurm.job.7"), "2");
  EXPECT_EQ(*pg_test::QueryScalar(*url, "SELECT max(version) FROM schema_version"), "2");
}

TEST(PostgresStore, RefusesNewerSchema) {
  auto server = pg_test::TestServerUrl();
  if (!server) GTEST_SKIP() << pg_test::NoServerMessage();
  auto url = pg_test::CreateFreshDatabase(*server);
  ASSERT_TRUE(url.ok());
  ASSERT_TRUE(OpenPostgresStore(*url).ok());
  ASSERT_TRUE(pg_test::QueryScalar(*url, "INSERT INTO schema_version VALUES (99)").ok());
  auto r = OpenPostgresStore(*url);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("99"), std::string::npos);
}

}  // namespace
}  // namespace sweep
