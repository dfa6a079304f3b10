#include "sweep/known_points.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "sweep/optimizer_setup.h"
#include "sweep/proposal.h"

namespace sweep {
namespace {

RunRecord MakeRun(std::int64_t number, Config params, TrialState state, std::optional<double> loss = std::nullopt) {
  RunRecord r;
  r.id = "run" + std::to_string(number);
  r.number = number;
  r.params = std::move(params);
  r.state = state;
  if (loss) r.summary["loss"] = MetricSummary{*loss, *loss, *loss, 0, 1};
  return r;
}

SweepSpec XSpec() {
  SweepSpec spec;
  spec.method = SearchMethod::kRandom;
  spec.metric.name = "loss";
  ParameterSpec x;
  x.path = {"x"};
  x.distribution = Distribution::kCategorical;
  x.values = {Value(1), Value(2), Value(3)};
  spec.space.parameters = {x};
  spec.initial_points = {{{"x", Value(3)}}};
  return spec;
}

TEST(KnownPoints, InitialPointsThenEnqueuedThenNothing) {
  const SweepSpec spec = XSpec();
  const std::vector<Config> enqueued = {{{"x", Value(2)}}, {{"x", Value(3)}}};
  EXPECT_EQ(NextKnownPoint(spec, enqueued, {}), (Config{{"x", Value(3)}}));
  std::vector<RunRecord> runs = {MakeRun(0, {{"x", Value(3)}}, TrialState::kFinished, 1.0)};
  EXPECT_EQ(NextKnownPoint(spec, enqueued, runs), (Config{{"x", Value(2)}}));
  // A crashed run never ran its point: it is due again.
  runs.push_back(MakeRun(1, {{"x", Value(2)}}, TrialState::kCrashed));
  EXPECT_EQ(NextKnownPoint(spec, enqueued, runs), (Config{{"x", Value(2)}}));
  runs.back().state = TrialState::kFailed;
  EXPECT_EQ(NextKnownPoint(spec, enqueued, runs), std::nullopt);
}

TEST(KnownPoints, ProposeNextRunsKnownPointsBeforeTheMethodAndCountsThemInRunCap) {
  SweepSpec spec = XSpec();
  spec.run_cap = 1;
  auto optimizer = MakeOptimizer(OptimizerOptionsFor(spec, 1));
  ASSERT_TRUE(optimizer.ok());
  Proposal first = ProposeNext(spec, **optimizer, {});
  ASSERT_TRUE(first.run.has_value());
  EXPECT_EQ(first.run->params, (Config{{"x", Value(3)}}));
  Proposal capped = ProposeNext(spec, **optimizer, {MakeRun(0, first.run->params, TrialState::kFinished, 1.0)});
  EXPECT_FALSE(capped.run.has_value());
  EXPECT_EQ(capped.why, NoProposal::kRunCapReached);
}

TEST(KnownPoints, EnqueueTagsNumberInOrder) {
  EXPECT_EQ(*NextEnqueueTag({}), "enqueue.000001");
  EXPECT_EQ(*NextEnqueueTag({{"enqueue.000001", "{}"}, {"enqueue.000007", "{}"}, {"other", "x"}}), "enqueue.000008");
}

// Branin over [-5, 10] x [0, 15]: minimum 0.397887.
double Branin(const Config& c) {
  const double x1 = c[0].second.as_number(), x2 = c[1].second.as_number();
  const double b = 5.1 / (4 * M_PI * M_PI), cc = 5 / M_PI, t = 1 / (8 * M_PI);
  return std::pow(x2 - b * x1 * x1 + cc * x1 - 6, 2) + 10 * (1 - t) * std::cos(x1) + 10;
}

SweepSpec BraninSpec() {
  SweepSpec spec;
  spec.method = SearchMethod::kBayes;
  spec.metric.name = "loss";
  spec.space.parameters = {BoundedParameter("x1", Distribution::kUniform, -5, 10),
                           BoundedParameter("x2", Distribution::kUniform, 0, 15)};
  return spec;
}

// Trials of `spec` until one is within `regret` of Branin's minimum (or `budget`).
int TrialsToTarget(const SweepSpec& spec, std::uint64_t seed, const ProposalContext& context, double regret,
                   int budget) {
  auto optimizer = MakeOptimizer(OptimizerOptionsFor(spec, seed));
  EXPECT_TRUE(optimizer.ok());
  std::vector<RunRecord> runs;
  for (int n = 0; n < budget; ++n) {
    Proposal p = ProposeNext(spec, **optimizer, runs, context);
    EXPECT_TRUE(p.run.has_value());
    const double loss = Branin(p.run->params);
    runs.push_back(MakeRun(n, p.run->params, TrialState::kFinished, loss));
    if (loss - 0.397887 < regret) return n + 1;
  }
  return budget + 1;
}

TEST(KnownPoints, WarmStartReachesTheTargetInFewerTrialsThanAColdStart) {
  constexpr double kRegret = 0.01;
  constexpr int kBudget = 60;
  constexpr int kEarlierTrials = 25;
  // The earlier sweep: random search over the same space plus a parameter
  // the new sweep dropped (overlapping spaces), with one failed run.
  SweepSpec earlier = BraninSpec();
  earlier.method = SearchMethod::kRandom;
  earlier.space.parameters.push_back(BoundedParameter("dropout", Distribution::kUniform, 0, 1));
  auto random = MakeOptimizer(OptimizerOptionsFor(earlier, 77));
  ASSERT_TRUE(random.ok());
  std::vector<RunRecord> earlier_runs;
  for (int n = 0; n < kEarlierTrials; ++n) {
    // Random search's proposal n depends only on the history's length.
    const Config c = (*random)->Ask(std::vector<TrialObservation>(n))->config;
    if (n == 0) earlier_runs.push_back(MakeRun(n, c, TrialState::kFailed));
    else earlier_runs.push_back(MakeRun(n, c, TrialState::kFinished, Branin(c)));
  }
  const SweepSpec spec = BraninSpec();
  ProposalContext warm;
  warm.prior = PriorObservations(spec, earlier_runs);
  ASSERT_EQ(warm.prior.size(), static_cast<std::size_t>(kEarlierTrials - 1));
  EXPECT_EQ(warm.prior.front().config.size(), 2u);  // dropout dropped
  int cold_total = 0, warm_total = 0;
  for (std::uint64_t seed : {1, 2, 3}) {
    const int cold = TrialsToTarget(spec, seed, {}, kRegret, kBudget);
    const int warmed = TrialsToTarget(spec, seed, warm, kRegret, kBudget);
    EXPECT_LT(warmed, cold) << "seed " << seed;
    cold_total += cold;
    warm_total += warmed;
  }
  std::printf("trials to regret %.2g: cold %d, warm %d (3 seeds)\n", kRegret, cold_total, warm_total);
}

}  // namespace
}  // namespace sweep
