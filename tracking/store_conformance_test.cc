#include "tracking/store_conformance_test.h"

#include "core/wall_clock.h"
#include "tracking/run_labels.h"

#ifdef SWEEP_CONFORMANCE_POSTGRES
#include "tracking/postgres/pg_test_support.h"
#endif

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <set>
#include <tuple>
#include <utility>

namespace sweep::testing {

void ExpectSameRuns(const std::vector<RunRecord>& got, const std::vector<RunRecord>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    const RunRecord& a = got[i];
    const RunRecord& b = want[i];
    SCOPED_TRACE("run " + std::to_string(i) + " " + b.id);
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.sweep_id, b.sweep_id);
    EXPECT_EQ(a.number, b.number);
    EXPECT_EQ(a.grid_index, b.grid_index);
    EXPECT_EQ(a.state, b.state);
    EXPECT_TRUE(a.params == b.params);
    EXPECT_EQ(a.argv, b.argv);
    EXPECT_EQ(a.created_at, b.created_at);
    EXPECT_EQ(a.started_at, b.started_at);
    EXPECT_EQ(a.ended_at, b.ended_at);
    EXPECT_EQ(a.exit_code, b.exit_code);
    EXPECT_EQ(a.signal, b.signal);
    EXPECT_EQ(a.failure_reason, b.failure_reason);
    EXPECT_EQ(a.host, b.host);
    EXPECT_EQ(a.agent_id, b.agent_id);
    EXPECT_EQ(a.pid, b.pid);
    EXPECT_EQ(a.run_dir, b.run_dir);
    EXPECT_EQ(a.tags, b.tags);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.labels, b.labels);
    EXPECT_EQ(a.notes, b.notes);
    EXPECT_EQ(a.stop_requested, b.stop_requested);
    ASSERT_EQ(a.summary.size(), b.summary.size());
    for (const auto& [key, m] : b.summary) {
      ASSERT_TRUE(a.summary.count(key)) << key;
      const MetricSummary& n = a.summary.at(key);
      EXPECT_EQ(n.last, m.last);
      EXPECT_EQ(n.min, m.min);
      EXPECT_EQ(n.max, m.max);
      EXPECT_EQ(n.last_step, m.last_step);
      EXPECT_EQ(n.count, m.count);
    }
  }
}

namespace {

class StoreConformance : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    if (GetParam().skip_reason) {
      if (auto reason = GetParam().skip_reason(); reason) GTEST_SKIP() << *reason;
    }
    store_ = GetParam().open();
    ASSERT_NE(store_, nullptr);
  }

  SweepRecord MakeSweep(const std::string& name = "demo") {
    SweepRecord s;
    s.name = name;
    s.method = "grid";
    s.metric_name = "loss";
    s.goal = Goal::kMaximize;
    s.spec_text = "method: grid\n";
    s.spec_path = "/tmp/spec.yaml";
    s.seed = 0xFFFF'FFFF'FFFF'FFF0ull;  // above INT64_MAX: must survive storage
    auto created = store_->CreateSweep(s);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.value();
  }

  RunRecord Claim(const std::string& sweep_id, Config params, std::optional<std::int64_t> grid = std::nullopt) {
    auto r = store_->ClaimRun(
        sweep_id,
        [&](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> {
          return std::optional<NewRun>(NewRun{params, grid});
        },
        ClaimContext{"host-a", "agent-1", TrialState::kQueued});
    EXPECT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->has_value());
    return **r;
  }

  std::unique_ptr<Store> store_;
};

bool IsLowerBase36(const std::string& id) {
  if (id.size() != 8) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

TEST_P(StoreConformance, CreateAndGetSweepRoundTrips) {
  SweepRecord s = MakeSweep();
  EXPECT_TRUE(IsLowerBase36(s.id)) << s.id;
  EXPECT_GT(s.created_at, 0);
  auto got = store_->GetSweep(s.id);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->name, "demo");
  EXPECT_EQ(got->method, "grid");
  EXPECT_EQ(got->metric_name, "loss");
  EXPECT_EQ(got->goal, Goal::kMaximize);
  EXPECT_EQ(got->spec_text, "method: grid\n");
  EXPECT_EQ(got->spec_path, "/tmp/spec.yaml");
  EXPECT_EQ(got->seed, 0xFFFF'FFFF'FFFF'FFF0ull);
  EXPECT_EQ(got->state, SweepState::kRunning);
}

TEST_P(StoreConformance, CreateSweepKeepsGivenStateAndTimes) {
  SweepRecord s;
  s.name = "given";
  s.seed = std::numeric_limits<std::uint64_t>::max();
  s.state = SweepState::kStopped;
  s.created_at = 1700000000.125;  // a binary fraction: compared exactly
  auto made = store_->CreateSweep(s);
  ASSERT_TRUE(made.ok()) << made.error().message;
  auto got = store_->GetSweep(made->id);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->seed, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(got->state, SweepState::kStopped);
  EXPECT_EQ(got->created_at, 1700000000.125);
  EXPECT_EQ(got->updated_at, 1700000000.125);  // defaults to created_at
}

TEST_P(StoreConformance, GetSweepByNameReturnsNewest) {
  SweepRecord old_one;
  old_one.name = "same";
  old_one.method = "random";
  old_one.created_at = 100;
  ASSERT_TRUE(store_->CreateSweep(old_one).ok());
  SweepRecord new_one = old_one;
  new_one.created_at = 200;
  auto created = store_->CreateSweep(new_one);
  ASSERT_TRUE(created.ok());
  auto got = store_->GetSweep("same");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->id, created->id);
}

TEST_P(StoreConformance, GetSweepByPrefixAndAmbiguity) {
  SweepRecord a;
  a.id = "abc00001";
  a.name = "a";
  SweepRecord b = a;
  b.id = "abc00002";
  b.name = "b";
  ASSERT_TRUE(store_->CreateSweep(a).ok());
  ASSERT_TRUE(store_->CreateSweep(b).ok());
  auto unique = store_->GetSweep("abc00002");
  ASSERT_TRUE(unique.ok());
  EXPECT_EQ(unique->name, "b");
  auto ambiguous = store_->GetSweep("abc");
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_EQ(ambiguous.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(ambiguous.error().message.find("abc00001"), std::string::npos);
  EXPECT_NE(ambiguous.error().message.find("abc00002"), std::string::npos);
  EXPECT_EQ(store_->GetSweep("abc0000").error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->GetSweep("zzz").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetSweep("").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetSweep("a*").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreConformance, UniquePrefixFindsSweep) {
  SweepRecord s = MakeSweep();
  auto got = store_->GetSweep(s.id.substr(0, 5));
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->id, s.id);
}

TEST_P(StoreConformance, DuplicateExplicitSweepIdIsConflict) {
  SweepRecord a;
  a.id = "dup00000";
  ASSERT_TRUE(store_->CreateSweep(a).ok());
  auto again = store_->CreateSweep(a);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  SweepRecord bad;
  bad.id = "NOT-AN-ID";
  EXPECT_EQ(store_->CreateSweep(bad).error().code, ErrorCode::kInvalidInput);
}

TEST_P(StoreConformance, ListSweepsAndSetState) {
  // Created in the opposite order of their times: the list follows created_at.
  SweepRecord later;
  later.name = "one";
  later.created_at = 200;
  SweepRecord earlier = later;
  earlier.name = "two";
  earlier.created_at = 100;
  auto a = store_->CreateSweep(later);
  auto b = store_->CreateSweep(earlier);
  ASSERT_TRUE(a.ok() && b.ok());
  auto list = store_->ListSweeps();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, b->id);
  EXPECT_EQ((*list)[1].id, a->id);
  ASSERT_TRUE(store_->SetSweepState(b->id, SweepState::kStopped).ok());
  EXPECT_EQ(store_->GetSweep(b->id)->state, SweepState::kStopped);
  EXPECT_GT(store_->GetSweep(b->id)->updated_at, earlier.created_at);  // stamped now
  EXPECT_EQ(store_->GetSweep(a->id)->state, SweepState::kRunning);
  EXPECT_EQ(store_->SetSweepState("nosuch00", SweepState::kFailed).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreConformance, ClaimNumbersRunsAndPassesExisting) {
  SweepRecord s = MakeSweep();
  std::vector<std::size_t> seen_sizes;
  for (int i = 0; i < 3; ++i) {
    auto r = store_->ClaimRun(
        s.id,
        [&](const std::vector<RunRecord>& existing) -> Result<std::optional<NewRun>> {
          seen_sizes.push_back(existing.size());
          for (std::size_t k = 0; k < existing.size(); ++k) EXPECT_EQ(existing[k].number, std::int64_t(k + 1));
          return std::optional<NewRun>(NewRun{{{"i", Value(i)}}, i});
        },
        ClaimContext{"h", "a", TrialState::kRunning});
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(r->has_value());
    EXPECT_EQ((*r)->number, i + 1);
    EXPECT_EQ((*r)->state, TrialState::kRunning);
    EXPECT_TRUE(IsLowerBase36((*r)->id));
  }
  EXPECT_EQ(seen_sizes, (std::vector<std::size_t>{0, 1, 2}));
}

// Each claim's ProposeFn sees exactly what ListRuns shows, after writes of
// every kind between claims (a store may cache the history between claims).
TEST_P(StoreConformance, ClaimSeesCurrentRunsAfterEveryKindOfWrite) {
  SweepRecord s = MakeSweep();
  SweepRecord other = MakeSweep("other");
  std::vector<std::string> ids;
  for (std::int64_t i = 0; i < 24; ++i) {
    auto want = store_->ListRuns(s.id);
    ASSERT_TRUE(want.ok());
    std::vector<RunRecord> seen;
    auto r = store_->ClaimRun(
        s.id,
        [&](const std::vector<RunRecord>& existing) -> Result<std::optional<NewRun>> {
          seen = existing;
          return std::optional<NewRun>(NewRun{{{"i", Value(i)}}, i});
        },
        ClaimContext{"h", "a", TrialState::kQueued});
    ASSERT_TRUE(r.ok()) << r.error().message;
    ExpectSameRuns(seen, *want);
    const std::string id = (**r).id;
    ids.push_back(id);
    ASSERT_TRUE(store_->MarkRunStarted(id, {"x", std::to_string(i)}, 10 + static_cast<int>(i), "/d/" + id,
                                       100.0 + static_cast<double>(i))
                    .ok());
    ASSERT_TRUE(store_->LogMetrics(id, {MetricPoint{"loss", 1, 1.0, 1.0}}).ok());
    if (i >= 2) {
      const std::string& old = ids[static_cast<std::size_t>(i - 2)];
      ASSERT_TRUE(store_->LogMetrics(old, {MetricPoint{"loss", 2, 0.5 * static_cast<double>(i), 2.0}}).ok());
      ASSERT_TRUE(store_->SetTags(old, {{"t", std::to_string(i)}}).ok());
      if (i % 4 == 0 && i != 12 && i != 14) {
        RunOutcome out;
        out.state = TrialState::kFailed;
        out.exit_code = static_cast<int>(i);
        out.failure_reason = "r" + std::to_string(i);
        ASSERT_TRUE(store_->FinishRun(old, out).ok());
      }
    }
    ASSERT_TRUE(store_->Heartbeat({id}, 1e6).ok());
    if (i == 12) {
      ASSERT_TRUE(store_->ReapStaleRuns(s.id, 1e12, "lost").ok());
    }
    if (i % 6 == 0) Claim(other.id, {{"o", Value(i)}});
  }
}

// The dashboard follows a sweep with ListRunsChangedSince: after each kind
// of write, the changed run comes back, the untouched ones do not, and
// folding the changes over the first full read gives ListRuns.
TEST_P(StoreConformance, ListRunsChangedSinceReturnsEveryChangedRun) {
  SweepRecord s = MakeSweep();
  SweepRecord other = MakeSweep("other");
  const RunRecord a = Claim(s.id, {{"i", Value(std::int64_t{1})}});
  const RunRecord b = Claim(s.id, {{"i", Value(std::int64_t{2})}});
  auto first = store_->ListRunsChangedSince(s.id, "");
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ(first->runs.size(), 2u);
  ASSERT_FALSE(first->next_mark.empty());
  std::string mark = first->next_mark;
  // Changed ids since `mark` (advancing it); may include extra unchanged runs
  // (the contract allows it) but must include `want`.
  auto changed_ids = [&](const std::string& want) {
    auto c = store_->ListRunsChangedSince(s.id, mark);
    EXPECT_TRUE(c.ok()) << c.error().message;
    std::set<std::string> ids;
    for (const auto& run : c->runs) ids.insert(run.id);
    EXPECT_TRUE(ids.count(want)) << "change to " << want << " missed";
    mark = c->next_mark;
    return ids;
  };
  ASSERT_TRUE(store_->MarkRunStarted(a.id, {"x"}, 7, "/d/a", 10.0).ok());
  changed_ids(a.id);
  ASSERT_TRUE(store_->LogMetrics(b.id, {MetricPoint{"loss", 1, 0.5, 11.0}}).ok());
  changed_ids(b.id);
  ASSERT_TRUE(store_->SetTags(a.id, {{"note", "x"}}).ok());
  changed_ids(a.id);
  RunOutcome out;
  out.state = TrialState::kFailed;
  out.failure_reason = "boom";
  ASSERT_TRUE(store_->FinishRun(b.id, out).ok());
  changed_ids(b.id);
  Claim(other.id, {{"o", Value(std::int64_t{3})}});  // another sweep's run never shows
  const RunRecord c = Claim(s.id, {{"i", Value(std::int64_t{3})}});
  const auto ids = changed_ids(c.id);
  EXPECT_EQ(ids.size() <= 3u, true);
  auto all = store_->ListRuns(s.id);
  ASSERT_TRUE(all.ok());
  auto again = store_->ListRunsChangedSince(s.id, "");
  ASSERT_TRUE(again.ok());
  ExpectSameRuns(again->runs, *all);
  EXPECT_FALSE(store_->ListRunsChangedSince("nosuchid", "").ok());
}

// A deleted run leaves no change behind; the run count says the sweep shrank,
// so a reader that folds changes (the dashboard) knows to read it again.
TEST_P(StoreConformance, ListRunsChangedSinceCountsTheSweepsRuns) {
  SweepRecord s = MakeSweep();
  const RunRecord a = Claim(s.id, {{"i", Value(std::int64_t{1})}});
  Claim(s.id, {{"i", Value(std::int64_t{2})}});
  Claim(MakeSweep("other").id, {{"o", Value(std::int64_t{3})}});  // another sweep's run is not counted
  auto first = store_->ListRunsChangedSince(s.id, "");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->run_count, 2u);
  RunOutcome out;
  ASSERT_TRUE(store_->FinishRun(a.id, out).ok());
  auto finished = store_->ListRunsChangedSince(s.id, first->next_mark);
  ASSERT_TRUE(finished.ok());
  EXPECT_EQ(finished->run_count, 2u);
  ASSERT_TRUE(store_->DeleteRun(a.id).ok());
  auto after = store_->ListRunsChangedSince(s.id, finished->next_mark);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->run_count, 1u);
}

TEST_P(StoreConformance, ClaimNulloptAndErrorsInsertNothing) {
  SweepRecord s = MakeSweep();
  auto none = store_->ClaimRun(
      s.id, [](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> { return std::optional<NewRun>(); },
      {});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto failed = store_->ClaimRun(
      s.id,
      [](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> { return Error::InvalidInput("boom"); },
      {});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(failed.error().message, "boom");
  EXPECT_TRUE(store_->ListRuns(s.id)->empty());
  auto missing = store_->ClaimRun(
      "nosuch00", [](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> { return std::optional<NewRun>(); },
      {});
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

// Both stores build the claimed run with MakeClaimedRun (claimed_run.h).
TEST_P(StoreConformance, ClaimRefusesATerminalInitialStateAndInsertsNothing) {
  SweepRecord s = MakeSweep();
  ClaimContext finished;
  finished.initial_state = TrialState::kFinished;
  auto claimed = store_->ClaimRun(
      s.id,
      [](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> { return std::optional<NewRun>(NewRun{}); },
      finished);
  ASSERT_FALSE(claimed.ok());
  EXPECT_EQ(claimed.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(claimed.error().message, "a claimed run must start queued or running, not finished");
  EXPECT_TRUE(store_->ListRuns(s.id)->empty());
}

TEST_P(StoreConformance, DuplicateGridIndexIsRefused) {
  SweepRecord s = MakeSweep();
  Claim(s.id, {}, 7);
  auto dup = store_->ClaimRun(
      s.id,
      [](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> {
        return std::optional<NewRun>(NewRun{{}, 7});
      },
      {});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_EQ(dup.error().message, "grid point 7 of sweep " + s.id + " is already claimed");
  EXPECT_EQ(store_->ListRuns(s.id)->size(), 1u);
  // Grid indexes are per sweep, and runs without one never collide.
  SweepRecord other = MakeSweep("other");
  Claim(other.id, {}, 7);
  Claim(s.id, {});
  Claim(s.id, {});
  EXPECT_EQ(store_->ListRuns(s.id)->size(), 3u);
}

// A crashed run never ran its point, so resume may claim the point again.
TEST_P(StoreConformance, CrashedGridPointMayBeClaimedAgain) {
  SweepRecord s = MakeSweep();
  RunRecord first = Claim(s.id, {}, 4);
  RunOutcome crashed;
  crashed.state = TrialState::kCrashed;
  crashed.failure_reason = "agent died";
  ASSERT_TRUE(store_->FinishRun(first.id, crashed).ok());
  RunRecord again = Claim(s.id, {}, 4);
  EXPECT_EQ(again.grid_index, 4);
  EXPECT_EQ(again.number, 2);
  EXPECT_EQ(store_->ListRuns(s.id)->size(), 2u);
}

TEST_P(StoreConformance, TypedParamsRoundTrip) {
  SweepRecord s = MakeSweep();
  Config params = {
      {"int", Value(3)},
      {"double_integral", Value(3.0)},
      {"bool", Value(true)},
      {"string", Value("3")},
      {"null", Value()},
      {"nested", Value(ValueList{Value(1), Value(2.5), Value(ValueList{Value("x"), Value(false)})})},
      {"map", Value(ValueMap{{"z", Value(1)}, {"a", Value(2)}})},
      {"inf", Value(std::numeric_limits<double>::infinity())},
      {"nan", Value(std::numeric_limits<double>::quiet_NaN())},
      {"a.b", Value(int64_t{-9007199254740993})},
  };
  RunRecord run = Claim(s.id, params, 0);
  auto got = store_->GetRun(run.id);
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->params.size(), params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    EXPECT_EQ(got->params[i].first, params[i].first);
    if (params[i].first == "nan") {  // NaN never compares equal: check its kind
      EXPECT_TRUE(got->params[i].second.is_double() && std::isnan(got->params[i].second.as_double()));
    } else {
      EXPECT_TRUE(got->params[i].second == params[i].second) << params[i].first;
    }
  }
  EXPECT_TRUE(got->params[0].second.is_int());
  EXPECT_TRUE(got->params[1].second.is_double());
  EXPECT_EQ(got->sweep_id, s.id);
  EXPECT_EQ(got->grid_index, 0);
  EXPECT_EQ(got->state, TrialState::kQueued);
  EXPECT_GT(got->created_at, 0);
  EXPECT_EQ(got->host, "host-a");
  EXPECT_EQ(got->agent_id, "agent-1");
  RunRecord off_grid = Claim(s.id, {});
  EXPECT_FALSE(store_->GetRun(off_grid.id)->grid_index.has_value());
}

TEST_P(StoreConformance, AddRunParamsAppendsNewNamesAndKeepsKnownOnes) {
  SweepRecord s = MakeSweep();
  RunRecord run = Claim(s.id, {{"lr", Value(0.1)}}, 0);
  ASSERT_TRUE(store_->AddRunParams(run.id, {{"lr", Value(0.5)}, {"batch", Value(64)}, {"opt", Value("sgd")}}).ok());
  ASSERT_TRUE(store_->AddRunParams(run.id, {{"batch", Value(32)}}).ok());  // known: keeps 64
  auto got = store_->GetRun(run.id);
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->params.size(), 3u);
  EXPECT_TRUE(got->params[0] == (std::pair<std::string, Value>{"lr", Value(0.1)}));
  EXPECT_TRUE(got->params[1] == (std::pair<std::string, Value>{"batch", Value(64)}));
  EXPECT_TRUE(got->params[2] == (std::pair<std::string, Value>{"opt", Value("sgd")}));
  EXPECT_EQ(store_->AddRunParams("no-such-run", {{"x", Value(1)}}).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreConformance, RunLifecycle) {
  SweepRecord s = MakeSweep();
  RunRecord run = Claim(s.id, {{"x", Value(1)}});
  EXPECT_EQ(run.state, TrialState::kQueued);
  ASSERT_TRUE(store_->MarkRunStarted(run.id, {"python", "train.py", "--x=1", "with space", "tab\there"}, 4242, "/r/d", 1000.5).ok());
  auto started = store_->GetRun(run.id);
  ASSERT_TRUE(started.ok());
  EXPECT_EQ(started->state, TrialState::kRunning);
  EXPECT_EQ(started->argv, (std::vector<std::string>{"python", "train.py", "--x=1", "with space", "tab\there"}));
  EXPECT_EQ(started->pid, 4242);
  EXPECT_EQ(started->run_dir, "/r/d");
  EXPECT_DOUBLE_EQ(started->started_at, 1000.5);

  RunOutcome out;
  out.state = TrialState::kFailed;
  out.signal = 9;
  out.failure_reason = "killed by signal 9";
  out.ended_at = 1010;
  ASSERT_TRUE(store_->FinishRun(run.id, out).ok());
  auto ended = store_->GetRun(run.id);
  EXPECT_EQ(ended->state, TrialState::kFailed);
  EXPECT_FALSE(ended->exit_code.has_value());
  EXPECT_EQ(ended->signal, 9);
  EXPECT_EQ(ended->failure_reason, "killed by signal 9");
  EXPECT_DOUBLE_EQ(ended->ended_at, 1010);

  RunOutcome late;
  late.state = TrialState::kFinished;
  late.exit_code = 0;
  auto conflict = store_->FinishRun(run.id, late);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->GetRun(run.id)->state, TrialState::kFailed);
  EXPECT_EQ(store_->MarkRunStarted(run.id, {}, 1, "", 1).error().code, ErrorCode::kConflict);
}

// W&B's resume: an ended run goes back to queued, then running, keeps its
// history and summaries, takes more points, and ends again.
TEST_P(StoreConformance, ReopenRunKeepsHistoryAndEndsAgain) {
  SweepRecord s = MakeSweep();
  RunRecord run = Claim(s.id, {{"lr", Value(0.1)}});
  ASSERT_TRUE(store_->MarkRunStarted(run.id, {"python", "a.py"}, 11, "/r", 100).ok());
  ASSERT_TRUE(store_->LogMetrics(run.id, {{"loss", 0, 2.0, 101}, {"loss", 1, 1.0, 102}}).ok());
  ASSERT_TRUE(store_->SetTags(run.id, {{"summary.best", "1"}}).ok());
  ASSERT_TRUE(store_->UpdateRunLabels(run.id, RunLabelsUpdate{"first", "n", {"keep"}, {}}).ok());
  ASSERT_TRUE(store_->RequestStop(run.id).ok());
  RunOutcome failed;
  failed.state = TrialState::kFailed;
  failed.exit_code = 3;
  failed.failure_reason = "exited with code 3";
  failed.ended_at = 110;
  ASSERT_TRUE(store_->FinishRun(run.id, failed).ok());
  auto changes = store_->ListRunsChangedSince(s.id, "");
  ASSERT_TRUE(changes.ok());

  ASSERT_TRUE(store_->ReopenRun(run.id, ClaimContext{"host-b", "recorder-2", TrialState::kQueued}).ok());
  auto reopened = store_->GetRun(run.id);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened->state, TrialState::kQueued);
  EXPECT_EQ(reopened->ended_at, 0);
  EXPECT_FALSE(reopened->exit_code.has_value());
  EXPECT_TRUE(reopened->failure_reason.empty());
  EXPECT_FALSE(reopened->stop_requested);
  EXPECT_EQ((std::pair{reopened->host, reopened->agent_id}),
            (std::pair<std::string, std::string>{"host-b", "recorder-2"}));
  EXPECT_EQ(reopened->summary.at("loss").count, 2);
  EXPECT_EQ(reopened->tags.at("summary.best"), "1");
  EXPECT_EQ((std::tuple{reopened->name, reopened->notes, reopened->labels}),
            (std::tuple{std::string("first"), std::string("n"), std::vector<std::string>{"keep"}}));
  EXPECT_TRUE(reopened->params == (Config{{"lr", Value(0.1)}}));
  auto seen = store_->ListRunsChangedSince(s.id, changes->next_mark);
  ASSERT_TRUE(seen.ok());
  ASSERT_EQ(seen->runs.size(), 1u);  // watchers (the dashboard) see it running again
  EXPECT_EQ(seen->runs.front().state, TrialState::kQueued);
  // Not reaped as stale: its heartbeat restarted when it was reopened.
  auto reaped = store_->ReapStaleRuns(s.id, NowSeconds() - 60, "stale");
  ASSERT_TRUE(reaped.ok());
  EXPECT_TRUE(reaped->empty());

  ASSERT_TRUE(store_->MarkRunStarted(run.id, {"python", "a.py"}, 12, "/r", 100).ok());
  EXPECT_EQ(store_->ReopenRun(run.id, ClaimContext{}).error().code, ErrorCode::kConflict);  // someone is on it
  ASSERT_TRUE(store_->LogMetrics(run.id, {{"loss", 2, 0.5, 120}}).ok());
  RunOutcome done;
  done.state = TrialState::kFinished;
  done.exit_code = 0;
  ASSERT_TRUE(store_->FinishRun(run.id, done).ok());
  auto ended = store_->GetRun(run.id);
  EXPECT_EQ(ended->state, TrialState::kFinished);
  EXPECT_EQ(ended->summary.at("loss").count, 3);
  EXPECT_EQ(ended->summary.at("loss").last_step, 2);
  EXPECT_EQ(ended->summary.at("loss").min, 0.5);
  EXPECT_EQ(store_->GetMetrics(run.id, "loss")->size(), 3u);
  EXPECT_EQ(store_->ReopenRun("nosuch00", ClaimContext{}).error().code, ErrorCode::kNotFound);
}

// wandb.init(id=...): a run id the user chose, used as is, once.
TEST_P(StoreConformance, ClaimTakesAChosenIdOnce) {
  SweepRecord s = MakeSweep();
  auto claim = [&](const std::string& id) {
    return store_->ClaimRun(
        s.id,
        [&](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> {
          return std::optional<NewRun>(NewRun{{}, std::nullopt, id});
        },
        ClaimContext{"host-a", "agent-1", TrialState::kQueued});
  };
  auto first = claim("Resume-Me_1.a");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ((*first)->id, "Resume-Me_1.a");
  EXPECT_EQ(store_->GetRun("Resume-Me_1.a")->id, "Resume-Me_1.a");
  EXPECT_EQ(claim("Resume-Me_1.a").error().code, ErrorCode::kConflict);
  EXPECT_EQ(claim("../escape").error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->ListRuns(s.id)->size(), 1u);
}

TEST_P(StoreConformance, FinishRunValidates) {
  SweepRecord s = MakeSweep();
  RunRecord run = Claim(s.id, {});
  RunOutcome not_terminal;
  not_terminal.state = TrialState::kRunning;
  EXPECT_EQ(store_->FinishRun(run.id, not_terminal).error().code, ErrorCode::kInvalidInput);
  RunOutcome ok;
  ok.exit_code = 0;
  EXPECT_EQ(store_->FinishRun("nosuch00", ok).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store_->FinishRun(run.id, ok).ok());
  EXPECT_EQ(store_->GetRun(run.id)->exit_code, 0);
  EXPECT_GT(store_->GetRun(run.id)->ended_at, 0);
}

TEST_P(StoreConformance, GetRunByPrefixAndMissing) {
  SweepRecord s = MakeSweep();
  RunRecord run = Claim(s.id, {});
  auto got = store_->GetRun(run.id.substr(0, 6));
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->id, run.id);
  EXPECT_EQ(store_->GetRun("nosuch00").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetRun("").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->MarkRunStarted("nosuch00", {}, 1, "", 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListRuns("nosuch00").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreConformance, AmbiguousRunPrefixListsCandidates) {
  SweepRecord s = MakeSweep();
  // With 36 first characters, 40 runs guarantee two share a first character.
  std::map<char, int> by_first;
  for (int i = 0; i < 40; ++i) by_first[Claim(s.id, {}).id[0]] += 1;
  char shared = 0;
  for (const auto& [c, n] : by_first) {
    if (n >= 2) shared = c;
  }
  ASSERT_NE(shared, 0);
  auto r = store_->GetRun(std::string(1, shared));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(r.error().message.find("ambiguous"), std::string::npos);
}

TEST_P(StoreConformance, MetricsAndSummaries) {
  SweepRecord s = MakeSweep();
  RunRecord run = Claim(s.id, {});
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ASSERT_TRUE(store_->LogMetrics(run.id, {{"loss", 0, 3.0, 1}, {"loss", 1, 1.0, 2}, {"acc", 0, nan, 2}}).ok());
  // Out of order and NaN: last follows the highest step, min/max skip NaN.
  ASSERT_TRUE(store_->LogMetrics(run.id, {{"loss", 3, nan, 4}, {"loss", 2, 0.5, 3}, {"acc", 1, 0.9, 3}}).ok());
  auto got = store_->GetRun(run.id);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->summary.size(), 2u);
  const MetricSummary& loss = got->summary.at("loss");
  EXPECT_TRUE(std::isnan(loss.last));
  EXPECT_EQ(loss.last_step, 3);
  EXPECT_EQ(loss.min, 0.5);
  EXPECT_EQ(loss.max, 3.0);
  EXPECT_EQ(loss.count, 4);
  const MetricSummary& acc = got->summary.at("acc");
  EXPECT_EQ(acc.last, 0.9);
  EXPECT_EQ(acc.min, 0.9);
  EXPECT_EQ(acc.max, 0.9);
  EXPECT_EQ(acc.count, 2);

  auto all = store_->GetMetrics(run.id, "");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 6u);
  EXPECT_EQ((*all)[0].key, "acc");
  EXPECT_TRUE(std::isnan((*all)[0].value));
  EXPECT_EQ((*all)[2].key, "loss");
  std::vector<std::int64_t> steps;
  for (std::size_t i = 2; i < 6; ++i) steps.push_back((*all)[i].step);
  EXPECT_EQ(steps, (std::vector<std::int64_t>{0, 1, 2, 3}));
  EXPECT_DOUBLE_EQ((*all)[4].time, 3);
  auto loss_only = store_->GetMetrics(run.id, "loss");
  ASSERT_TRUE(loss_only.ok());
  EXPECT_EQ(loss_only->size(), 4u);
  EXPECT_TRUE(store_->GetMetrics(run.id, "nope")->empty());
  // Keys with characters that text formats escape (tab, backslash) survive.
  const std::string odd = "odd\tkey\\";
  ASSERT_TRUE(store_->LogMetrics(run.id, {{odd, 0, -std::numeric_limits<double>::infinity(), 1}}).ok());
  EXPECT_EQ(store_->GetRun(run.id)->summary.at(odd).min, -std::numeric_limits<double>::infinity());
  auto odd_points = store_->GetMetrics(run.id, odd);
  ASSERT_TRUE(odd_points.ok());
  ASSERT_EQ(odd_points->size(), 1u);
  EXPECT_EQ((*odd_points)[0].key, odd);
  EXPECT_EQ(store_->GetMetrics("nosuch00", "").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->LogMetrics("nosuch00", {{"loss", 0, 1, 1}}).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->LogMetrics(run.id, {}).ok());
}

TEST_P(StoreConformance, InfinitiesAndAllNanSummary) {
  SweepRecord s = MakeSweep();
  RunRecord run = Claim(s.id, {});
  const double inf = std::numeric_limits<double>::infinity();
  ASSERT_TRUE(store_->LogMetrics(run.id, {{"x", 0, -inf, 0}, {"x", 1, inf, 0},
                                          {"n", 0, std::numeric_limits<double>::quiet_NaN(), 0}}).ok());
  auto got = store_->GetRun(run.id);
  EXPECT_EQ(got->summary.at("x").min, -inf);
  EXPECT_EQ(got->summary.at("x").max, inf);
  EXPECT_EQ(got->summary.at("x").last, inf);
  EXPECT_TRUE(std::isnan(got->summary.at("n").min));
  EXPECT_TRUE(std::isnan(got->summary.at("n").max));
  auto pts = store_->GetMetrics(run.id, "x");
  EXPECT_EQ((*pts)[0].value, -inf);
  // The first number after only NaN becomes both min and max.
  ASSERT_TRUE(store_->LogMetrics(run.id, {{"n", 1, 2.0, 1}}).ok());
  const MetricSummary n = store_->GetRun(run.id)->summary.at("n");
  EXPECT_EQ(n.min, 2.0);
  EXPECT_EQ(n.max, 2.0);
  EXPECT_EQ(n.last, 2.0);
  EXPECT_EQ(n.count, 2);
}

TEST_P(StoreConformance, SameStepLaterReportWins) {
  SweepRecord s = MakeSweep();
  RunRecord run = Claim(s.id, {});
  ASSERT_TRUE(store_->LogMetrics(run.id, {{"x", 5, 1.0, 10}}).ok());
  ASSERT_TRUE(store_->LogMetrics(run.id, {{"x", 5, 2.0, 11}}).ok());
  auto got = store_->GetRun(run.id);
  EXPECT_EQ(got->summary.at("x").last, 2.0);
  EXPECT_EQ(got->summary.at("x").count, 2);
  EXPECT_EQ(store_->GetMetrics(run.id, "x")->size(), 2u);
}

TEST_P(StoreConformance, GetMetricsOrdersByStepThenTime) {
  SweepRecord s = MakeSweep();
  RunRecord run = Claim(s.id, {});
  ASSERT_TRUE(store_->LogMetrics(run.id, {{"x", 2, 20.0, 5}, {"x", 1, 11.0, 9}, {"x", 1, 10.0, 3}}).ok());
  auto pts = store_->GetMetrics(run.id, "x");
  ASSERT_TRUE(pts.ok());
  ASSERT_EQ(pts->size(), 3u);
  EXPECT_EQ((*pts)[0].value, 10.0);
  EXPECT_EQ((*pts)[1].value, 11.0);
  EXPECT_EQ((*pts)[2].value, 20.0);
}

TEST_P(StoreConformance, TagsUpsertAndShowInListRuns) {
  SweepRecord s = MakeSweep();
  RunRecord a = Claim(s.id, {});
  RunRecord b = Claim(s.id, {});
  ASSERT_TRUE(store_->SetTags(a.id, {{"git", "abc"}, {"os", "linux"}}).ok());
  ASSERT_TRUE(store_->SetTags(a.id, {{"git", "def"}, {"note", "quote \" and\nnewline"}}).ok());
  ASSERT_TRUE(store_->LogMetrics(b.id, {{"loss", 0, 1.5, 0}}).ok());
  EXPECT_EQ(store_->SetTags("nosuch00", {{"k", "v"}}).error().code, ErrorCode::kNotFound);
  auto runs = store_->ListRuns(s.id);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].id, a.id);
  EXPECT_EQ((*runs)[0].tags, (std::map<std::string, std::string>{
                                 {"git", "def"}, {"note", "quote \" and\nnewline"}, {"os", "linux"}}));
  EXPECT_TRUE((*runs)[0].summary.empty());
  EXPECT_EQ((*runs)[1].summary.at("loss").last, 1.5);
  EXPECT_TRUE((*runs)[1].tags.empty());
}

TEST_P(StoreConformance, SweepTagsUpsertPerSweep) {
  SweepRecord a = MakeSweep("a");
  SweepRecord b = MakeSweep("b");
  auto empty = store_->GetSweepTags(a.id);
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  EXPECT_TRUE(empty->empty());

  ASSERT_TRUE(store_->SetSweepTags(a.id, {{"slurm.job.12", "2"}, {"note", "first"}}).ok());
  ASSERT_TRUE(store_->SetSweepTags(a.id, {{"note", "second"}}).ok());
  ASSERT_TRUE(store_->SetSweepTags(b.id, {{"note", "other sweep"}}).ok());
  auto tags = store_->GetSweepTags(a.id);
  ASSERT_TRUE(tags.ok()) << tags.error().message;
  EXPECT_EQ(*tags, (std::map<std::string, std::string>{{"note", "second"}, {"slurm.job.12", "2"}}));
  auto other = store_->GetSweepTags(b.id);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(*other, (std::map<std::string, std::string>{{"note", "other sweep"}}));
}

TEST_P(StoreConformance, ListTopRunsRanksInTheStore) {
  SweepRecord s = MakeSweep();
  SweepRecord other = MakeSweep("other");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  // loss history per run: min and last differ so the stat matters.
  const std::vector<std::vector<double>> histories = {{5, 3}, {1, 9}, {4, 2.5}, {nan}, {2, 6}};
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < histories.size(); ++i) {
    RunRecord run = Claim(s.id, {{"x", Value(static_cast<std::int64_t>(i))}});
    std::vector<MetricPoint> points;
    for (std::size_t step = 0; step < histories[i].size(); ++step) {
      points.push_back(MetricPoint{"loss", static_cast<std::int64_t>(step), histories[i][step], 1.0 + step});
    }
    ASSERT_TRUE(store_->LogMetrics(run.id, points).ok());
    ids.push_back(run.id);
  }
  Claim(s.id, {{"x", Value(std::int64_t{99})}});  // no loss at all: left out
  RunRecord elsewhere = Claim(other.id, {{"x", Value(std::int64_t{0})}});
  ASSERT_TRUE(store_->LogMetrics(elsewhere.id, {MetricPoint{"loss", 0, -100, 1}}).ok());
  ASSERT_TRUE(store_->SetTags(ids[1], {{"note", "best min"}}).ok());

  auto by_min = store_->ListTopRuns(s.id, "loss", SummaryStat::kMin, Goal::kMinimize, 2);
  ASSERT_TRUE(by_min.ok()) << by_min.error().message;
  ASSERT_EQ(by_min->size(), 2u);
  EXPECT_EQ((*by_min)[0].id, ids[1]);  // min 1
  EXPECT_EQ((*by_min)[1].id, ids[4]);  // min 2
  EXPECT_EQ((*by_min)[0].tags.at("note"), "best min");
  EXPECT_EQ((*by_min)[0].summary.at("loss").last, 9);

  auto by_last = store_->ListTopRuns(s.id, "loss", SummaryStat::kLast, Goal::kMaximize, 10);
  ASSERT_TRUE(by_last.ok()) << by_last.error().message;
  std::vector<std::string> order;
  for (const auto& r : *by_last) order.push_back(r.id);
  EXPECT_EQ(order, (std::vector<std::string>{ids[1], ids[4], ids[0], ids[2]}));  // last 9, 6, 3, 2.5; NaN left out

  auto none = store_->ListTopRuns(s.id, "acc", SummaryStat::kMax, Goal::kMaximize, 5);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto unknown = store_->ListTopRuns("zzzzzzzz", "loss", SummaryStat::kMin, Goal::kMinimize, 5);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreConformance, SweepTagsOfUnknownSweepAreNotFound) {
  auto set = store_->SetSweepTags("zzzzzzzz", {{"k", "v"}});
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().code, ErrorCode::kNotFound);
  auto got = store_->GetSweepTags("zzzzzzzz");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreConformance, HeartbeatAndReap) {
  SweepRecord s = MakeSweep();
  RunRecord beating = Claim(s.id, {});
  RunRecord silent = Claim(s.id, {});
  RunRecord done = Claim(s.id, {});
  RunRecord other_sweep = Claim(MakeSweep("other").id, {});
  const double now = store_->GetRun(beating.id)->created_at;
  ASSERT_TRUE(store_->MarkRunStarted(beating.id, {"a"}, 1, "", now).ok());
  ASSERT_TRUE(store_->Heartbeat({beating.id}, now + 100).ok());
  RunOutcome finished;
  ASSERT_TRUE(store_->FinishRun(done.id, finished).ok());
  // Unknown ids refuse the whole batch.
  EXPECT_EQ(store_->Heartbeat({beating.id, "nosuch00"}, now + 1e6).error().code, ErrorCode::kNotFound);

  auto reaped = store_->ReapStaleRuns(s.id, now + 50, "agent went silent");
  ASSERT_TRUE(reaped.ok()) << reaped.error().message;
  EXPECT_EQ(*reaped, std::vector<std::string>{silent.id});
  auto crashed = store_->GetRun(silent.id);
  EXPECT_EQ(crashed->state, TrialState::kCrashed);
  EXPECT_EQ(crashed->failure_reason, "agent went silent");
  EXPECT_GT(crashed->ended_at, 0);
  EXPECT_EQ(store_->GetRun(beating.id)->state, TrialState::kRunning);
  EXPECT_EQ(store_->GetRun(done.id)->state, TrialState::kFinished);
  EXPECT_EQ(store_->GetRun(other_sweep.id)->state, TrialState::kQueued);

  auto later = store_->ReapStaleRuns(s.id, now + 200, "stale");
  EXPECT_EQ(*later, std::vector<std::string>{beating.id});
  EXPECT_TRUE(store_->ReapStaleRuns(s.id, now + 1e9, "again")->empty());
  EXPECT_EQ(store_->ReapStaleRuns("nosuch00", now, "x").error().code, ErrorCode::kNotFound);
}

// A run is stale by its last heartbeat, else its start, else its creation;
// reaped runs come back in number order and stay ended.
TEST_P(StoreConformance, ReapJudgesStalenessByLatestSignOfLife) {
  SweepRecord s = MakeSweep();
  RunRecord beating = Claim(s.id, {});  // started long ago, beats recently
  RunRecord silent = Claim(s.id, {});   // started long ago, never beats
  RunRecord fresh = Claim(s.id, {});    // started recently
  RunRecord queued = Claim(s.id, {});   // never started; created now (real time)
  ASSERT_TRUE(store_->MarkRunStarted(beating.id, {}, 1, "", 100).ok());
  ASSERT_TRUE(store_->MarkRunStarted(silent.id, {}, 2, "", 100).ok());
  ASSERT_TRUE(store_->MarkRunStarted(fresh.id, {}, 3, "", 5000).ok());
  ASSERT_TRUE(store_->Heartbeat({beating.id}, 4000).ok());
  auto unknown = store_->Heartbeat({beating.id, "nosuch00"}, 4500);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("nosuch00"), std::string::npos);
  EXPECT_TRUE(store_->Heartbeat({}, 1).ok());

  auto reaped = store_->ReapStaleRuns(s.id, 3000, "no heartbeat");
  ASSERT_TRUE(reaped.ok()) << reaped.error().message;
  EXPECT_EQ(*reaped, std::vector<std::string>{silent.id});
  // Later the beating run's heartbeat (4000) is stale too, as is the fresh start.
  auto later = store_->ReapStaleRuns(s.id, 6000, "stale");
  ASSERT_TRUE(later.ok()) << later.error().message;
  EXPECT_EQ(*later, (std::vector<std::string>{beating.id, fresh.id}));
  EXPECT_EQ(store_->GetRun(queued.id)->state, TrialState::kQueued);
  // A reaped run cannot be finished by its late agent.
  EXPECT_EQ(store_->FinishRun(beating.id, RunOutcome{}).error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->GetRun(beating.id)->failure_reason, "stale");
}

TEST_P(StoreConformance, ListRunsByState) {
  SweepRecord s = MakeSweep();
  RunRecord a = Claim(s.id, {});
  RunRecord b = Claim(s.id, {});
  RunRecord c = Claim(s.id, {});
  ASSERT_TRUE(store_->MarkRunStarted(b.id, {}, 1, "", 1).ok());
  ASSERT_TRUE(store_->SetTags(c.id, {{"k", "v"}}).ok());
  auto queued = store_->ListRunsByState(s.id, TrialState::kQueued);
  ASSERT_TRUE(queued.ok()) << queued.error().message;
  ASSERT_EQ(queued->size(), 2u);
  EXPECT_EQ((*queued)[0].id, a.id);
  EXPECT_EQ((*queued)[1].id, c.id);
  EXPECT_EQ((*queued)[1].tags, (std::map<std::string, std::string>{{"k", "v"}}));
  EXPECT_EQ(store_->ListRunsByState(s.id, TrialState::kRunning)->size(), 1u);
  EXPECT_TRUE(store_->ListRunsByState(s.id, TrialState::kFinished)->empty());
  EXPECT_EQ(store_->ListRunsByState("nosuch00", TrialState::kQueued).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreConformance, SweepProjectRoundTripsAndDefaults) {
  SweepRecord named;
  named.name = "in-project";
  named.method = "random";
  named.project = "vision";
  auto created = store_->CreateSweep(named);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(store_->GetSweep(created->id)->project, "vision");
  SweepRecord plain = MakeSweep();
  EXPECT_EQ(store_->GetSweep(plain.id)->project, kDefaultProject);
  auto all = store_->ListSweeps();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].project, "vision");
}

TEST_P(StoreConformance, RunNameLabelsAndNotes) {
  SweepRecord s = MakeSweep();
  RunRecord a = Claim(s.id, {});
  RunLabelsUpdate first;
  first.name = "baseline run";
  first.notes = "first try\nwith \"quotes\"";
  first.add_labels = {"zeta", "baseline", "zeta"};
  ASSERT_TRUE(store_->UpdateRunLabels(a.id, first).ok());
  RunLabelsUpdate second;
  second.add_labels = {"alpha"};
  second.remove_labels = {"zeta", "never-there"};
  ASSERT_TRUE(store_->UpdateRunLabels(a.id, second).ok());
  auto got = store_->GetRun(a.id);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->name, "baseline run");  // unset fields are left alone
  EXPECT_EQ(got->notes, "first try\nwith \"quotes\"");
  EXPECT_EQ(got->labels, (std::vector<std::string>{"alpha", "baseline"}));
  EXPECT_EQ(store_->ListRuns(s.id)->front().labels, got->labels);

  RunLabelsUpdate bad;
  bad.add_labels = {"two words"};
  EXPECT_EQ(store_->UpdateRunLabels(a.id, bad).error().code, ErrorCode::kInvalidInput);
  bad.add_labels = {std::string(kMaxLabelBytes + 1, 'x')};
  EXPECT_EQ(store_->UpdateRunLabels(a.id, bad).error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->GetRun(a.id)->labels, got->labels);  // a refused update writes nothing
  EXPECT_EQ(store_->UpdateRunLabels("nosuch00", first).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreConformance, LabelChangesAreSeenByTheNextClaim) {
  SweepRecord s = MakeSweep();
  RunRecord a = Claim(s.id, {});
  Claim(s.id, {});  // fills the claim cache
  RunLabelsUpdate update;
  update.name = "renamed";
  ASSERT_TRUE(store_->UpdateRunLabels(a.id, update).ok());
  std::string seen;
  auto r = store_->ClaimRun(
      s.id,
      [&](const std::vector<RunRecord>& existing) -> Result<std::optional<NewRun>> {
        seen = existing.front().name;
        return std::optional<NewRun>();
      },
      ClaimContext{"host-a", "agent-1", TrialState::kQueued});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(seen, "renamed");
}

TEST_P(StoreConformance, StopRequestsReachTheAgent) {
  SweepRecord s = MakeSweep();
  RunRecord a = Claim(s.id, {});
  RunRecord b = Claim(s.id, {});
  ASSERT_TRUE(store_->MarkRunStarted(a.id, {}, 1, "", 1).ok());
  auto none = store_->StopRequested({a.id, b.id});
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_TRUE(none->empty());
  ASSERT_TRUE(store_->RequestStop(a.id).ok());
  EXPECT_EQ(*store_->StopRequested({a.id, b.id, "nosuch00"}), std::vector<std::string>{a.id});
  EXPECT_TRUE(store_->GetRun(a.id)->stop_requested);
  RunOutcome done;
  done.state = TrialState::kFinished;
  ASSERT_TRUE(store_->FinishRun(b.id, done).ok());
  EXPECT_EQ(store_->RequestStop(b.id).error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->RequestStop("nosuch00").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreConformance, DeleteRunRemovesEverythingButNeverALiveRun) {
  SweepRecord s = MakeSweep();
  RunRecord ended = Claim(s.id, {{"lr", Value(0.1)}});
  RunRecord live = Claim(s.id, {});
  ASSERT_TRUE(store_->LogMetrics(ended.id, {{"loss", 0, 1.0, 0}, {"loss", 1, 0.5, 1}}).ok());
  ASSERT_TRUE(store_->SetTags(ended.id, {{"k", "v"}}).ok());
  RunOutcome done;
  done.state = TrialState::kFailed;
  ASSERT_TRUE(store_->FinishRun(ended.id, done).ok());
  EXPECT_EQ(store_->DeleteRun(live.id).error().code, ErrorCode::kConflict);
  ASSERT_TRUE(store_->DeleteRun(ended.id).ok());
  EXPECT_EQ(store_->GetRun(ended.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->DeleteRun(ended.id).error().code, ErrorCode::kNotFound);
  auto metrics = store_->GetMetrics(ended.id, "");
  EXPECT_TRUE(!metrics.ok() || metrics->empty());
  auto runs = store_->ListRuns(s.id);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ(runs->front().id, live.id);
}

TEST_P(StoreConformance, DeleteSweepRefusesLiveRunsThenDeletesAll) {
  SweepRecord s = MakeSweep();
  RunRecord a = Claim(s.id, {});
  RunRecord b = Claim(s.id, {});
  ASSERT_TRUE(store_->SetSweepTags(s.id, {{"slurm", "1"}}).ok());
  RunOutcome done;
  done.state = TrialState::kFinished;
  ASSERT_TRUE(store_->FinishRun(a.id, done).ok());
  EXPECT_EQ(store_->DeleteSweep(s.id).error().code, ErrorCode::kConflict);
  EXPECT_TRUE(store_->GetRun(a.id).ok());  // refused as a whole
  ASSERT_TRUE(store_->FinishRun(b.id, done).ok());
  ASSERT_TRUE(store_->DeleteSweep(s.id).ok());
  EXPECT_EQ(store_->GetSweep(s.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetRun(b.id).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->ListSweeps()->empty());
  EXPECT_EQ(store_->DeleteSweep(s.id).error().code, ErrorCode::kNotFound);
}

// Test listings and failure messages name the store, not the factory's bytes.
TEST(StoreFactoryPrinting, PrintsTheStoreName) {
  EXPECT_EQ(::testing::PrintToString(StoreFactory{"sqlite", {}, {}}), "sqlite");
}

#ifdef SWEEP_CONFORMANCE_POSTGRES
// A fresh database on the test server (tests/pg/start_postgres.sh) per test.
std::unique_ptr<Store> OpenFreshPostgres() {
  auto base = pg_test::TestServerUrl();
  if (!base) return nullptr;
  auto url = pg_test::CreateFreshDatabase(*base);
  EXPECT_TRUE(url.ok()) << url.error().message;
  if (!url.ok()) return nullptr;
  auto store = OpenStore(*url);  // through the URL dispatch users take
  EXPECT_TRUE(store.ok()) << store.error().message;
  return store.ok() ? std::move(store).value() : nullptr;
}

std::optional<std::string> NoPostgres() {
  if (pg_test::TestServerUrl()) return std::nullopt;
  return pg_test::NoServerMessage();
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreConformance,
                         ::testing::Values(StoreFactory{"postgres", OpenFreshPostgres, NoPostgres}), StoreFactoryName);
#else
// Each SQLite store lives in its own fresh directory under the test temp dir.
std::unique_ptr<Store> OpenFreshSqlite() {
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("sweep-conf-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  auto store = OpenStore((dir / "nested" / "sweep.db").string());
  EXPECT_TRUE(store.ok()) << store.error().message;
  return store.ok() ? std::move(store).value() : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreConformance, ::testing::Values(StoreFactory{"sqlite", OpenFreshSqlite, {}}),
                         StoreFactoryName);
#endif

}  // namespace
}  // namespace sweep::testing
