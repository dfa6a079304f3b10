#include "sweep/objective.h"

#include <algorithm>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include <limits>

namespace sweep {
namespace {

RunRecord MakeRun(std::string id, TrialState state, std::optional<double> loss) {
  RunRecord r;
  r.id = std::move(id);
  r.state = state;
  if (loss) {
    MetricSummary s;
    s.last = s.min = s.max = *loss;
    s.count = 1;
    r.summary["loss"] = s;
  }
  return r;
}

TEST(Objective, LastSummaryValue) {
  RunRecord r = MakeRun("a", TrialState::kFinished, 2.0);
  r.summary["loss"].min = 1.0;
  EXPECT_EQ(ObjectiveOf(r, {"loss", Goal::kMinimize, {}}), 2.0);
  EXPECT_FALSE(ObjectiveOf(r, {"acc", Goal::kMinimize, {}}).has_value());
  EXPECT_FALSE(ObjectiveOf(r, {}).has_value());
}

TEST(Objective, BestRunRespectsGoalAndSkipsUnfinishedAndNaN) {
  std::vector<RunRecord> runs = {
      MakeRun("a", TrialState::kFinished, 3.0), MakeRun("b", TrialState::kFailed, 0.1),
      MakeRun("c", TrialState::kFinished, std::numeric_limits<double>::quiet_NaN()),
      MakeRun("d", TrialState::kFinished, 2.0), MakeRun("e", TrialState::kFinished, 5.0)};
  EXPECT_EQ(BestRun(runs, {"loss", Goal::kMinimize, {}})->id, "d");
  EXPECT_EQ(BestRun(runs, {"loss", Goal::kMaximize, {}})->id, "e");
  EXPECT_EQ(BestRun({}, {"loss", Goal::kMinimize, {}}), nullptr);
}

TEST(Objective, ObservationsCarryStateGridIndexAndObjective) {
  RunRecord r = MakeRun("a", TrialState::kRunning, std::nullopt);
  r.number = 4;
  r.grid_index = 7;
  r.params = {{"x", Value(1)}};
  auto obs = ToObservations({r}, {"loss", Goal::kMinimize, {}});
  ASSERT_EQ(obs.size(), 1u);
  EXPECT_EQ(obs[0].number, 4);
  EXPECT_EQ(obs[0].grid_index, 7);
  EXPECT_EQ(obs[0].state, TrialState::kRunning);
  EXPECT_FALSE(obs[0].objective.has_value());
  EXPECT_EQ(obs[0].config, r.params);
}

TEST(Objective, BestObjectiveUsesTheHistorysBestPerGoal) {
  RunRecord r = MakeRun("a", TrialState::kFinished, 3.0);
  r.summary["loss"].min = 1.0;
  r.summary["loss"].max = 9.0;
  MetricSpec metric{"loss", Goal::kMinimize, {}};
  metric.objective = MetricObjective::kBest;
  EXPECT_EQ(ObjectiveOf(r, metric), 1.0);
  metric.goal = Goal::kMaximize;
  EXPECT_EQ(ObjectiveOf(r, metric), 9.0);
}

// W&B's SweepRun.metric_extremum, re-derived: min/max over the metric's
// history values plus the summary value when the summary has one.
double WandbMetricExtremum(const std::vector<double>& history, std::optional<double> summary, bool maximize) {
  std::vector<double> all = history;
  if (summary) all.push_back(*summary);
  return maximize ? *std::max_element(all.begin(), all.end()) : *std::min_element(all.begin(), all.end());
}

TEST(Objective, BestObjectiveIsWandbsMetricExtremumWithTheSummary) {
  const std::vector<double> history = {0.5, 1.0, 3.0, 2.0};
  for (bool maximize : {false, true}) {
    for (std::optional<double> reported : {std::optional<double>(), std::optional<double>(7.0),
                                          std::optional<double>(-4.0), std::optional<double>(1.5)}) {
      RunRecord r = MakeRun("a", TrialState::kFinished, std::nullopt);
      r.summary["acc"].last = history.back();
      r.summary["acc"].min = 0.5;
      r.summary["acc"].max = 3.0;
      r.summary["acc"].count = static_cast<std::int64_t>(history.size());
      if (reported) r.tags["summary.acc"] = std::to_string(*reported);
      MetricSpec metric{"acc", maximize ? Goal::kMaximize : Goal::kMinimize, {}};
      metric.objective = MetricObjective::kBest;
      EXPECT_EQ(ObjectiveOf(r, metric), WandbMetricExtremum(history, reported ? reported : history.back(), maximize))
          << "maximize=" << maximize << " reported=" << reported.value_or(-1);
    }
  }
}

TEST(Objective, ATrialsOwnSummaryValueOverridesTheLastLoggedOne) {
  RunRecord r = MakeRun("a", TrialState::kFinished, 3.0);
  r.tags["summary.loss"] = "0.25";
  r.tags["summary.note"] = "not a number";
  EXPECT_EQ(ObjectiveOf(r, {"loss", Goal::kMinimize, {}}), 0.25);
  RunRecord only_summary = MakeRun("b", TrialState::kFinished, std::nullopt);
  only_summary.tags["summary.acc"] = "0.9";
  EXPECT_EQ(ObjectiveOf(only_summary, {"acc", Goal::kMaximize, {}}), 0.9);
  EXPECT_EQ(WithReportedSummary(only_summary).count("note"), 0u);
}

}  // namespace
}  // namespace sweep
