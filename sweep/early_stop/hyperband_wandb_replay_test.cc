// HyperbandRule replayed against W&B's own rule on recorded histories.
//
// WandbStops below re-derives hyperband_stop_runs from wandb/sweeps
// (src/sweeps/hyperband_stopping.py, after "Hyperband now correctly stops more
// runs"): it is written from W&B's code, independently of HyperbandRule, and
// judges one running run the way a W&B controller tick does, from every run's
// whole history. The replays feed recorded histories value by value, in the
// order a sweep with a few parallel runs would log them, and require that
// HyperbandRule stops each run exactly when W&B's rule would, looking at the
// same histories.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sweep/early_stop/hyperband_rule.h"

namespace sweep {
namespace {

using History = std::vector<double>;

struct WandbHyperband {
  std::vector<std::int64_t> bands;
  double eta = 3;
  bool maximize = false;
  bool strict = false;
};

// W&B: max_iter/s form: band = max_iter; for i in range(s): band /= eta;
// if band < 1: break; bands.append(int(band)); bands = sorted(bands).
WandbHyperband FromMaxIter(double max_iter, std::int64_t s, double eta) {
  WandbHyperband w;
  w.eta = eta;
  double band = max_iter;
  for (std::int64_t i = 0; i < s; ++i) {
    band /= eta;
    if (band < 1) break;
    w.bands.push_back(static_cast<std::int64_t>(band));
  }
  std::sort(w.bands.begin(), w.bands.end());
  return w;
}

// W&B: min_iter form: band = min_iter; for i in range(100): append int(band);
// band *= eta. Only bands a replay can reach matter; stop at kReplayLength.
constexpr std::int64_t kReplayLength = 1000;
WandbHyperband FromMinIter(double min_iter, double eta) {
  WandbHyperband w;
  w.eta = eta;
  for (double band = min_iter; band <= kReplayLength; band *= eta) w.bands.push_back(static_cast<std::int64_t>(band));
  return w;
}

History Oriented(History h, bool maximize) {
  if (maximize)
    for (double& x : h) x = -x;
  return h;
}

// hyperband_stop_runs for the running run `run`, given every run's history.
bool WandbStops(const WandbHyperband& w, const std::vector<History>& histories, std::size_t run) {
  const double r = 1.0 / w.eta;
  std::vector<double> thresholds;
  for (std::int64_t band : w.bands) {
    std::vector<double> band_values;  // h[band - 1] for h in histories if len(h) >= band
    for (const History& h : histories)
      if (static_cast<std::int64_t>(h.size()) >= band) band_values.push_back(Oriented(h, w.maximize)[band - 1]);
    if (band_values.empty()) {
      thresholds.push_back(std::numeric_limits<double>::infinity());
    } else {
      std::sort(band_values.begin(), band_values.end());
      thresholds.push_back(band_values[static_cast<std::size_t>(r * static_cast<double>(band_values.size()))]);
    }
  }
  const History h = Oriented(histories[run], w.maximize);
  std::int64_t closest_band = -1;
  double closest_threshold = 0;
  for (std::size_t i = 0; i < w.bands.size(); ++i) {
    if (w.bands[i] > static_cast<std::int64_t>(h.size())) break;
    closest_band = w.bands[i];
    closest_threshold = thresholds[i];
  }
  if (closest_band == -1) return false;
  const double condition = w.strict ? h[closest_band - 1] : *std::min_element(h.begin(), h.end());
  return condition > closest_threshold;
}

// A deterministic stand-in for random.random() (64-bit LCG, top 53 bits).
class Lcg {
 public:
  explicit Lcg(std::uint64_t seed) : state_(seed) {}
  double Next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state_ >> 11) / static_cast<double>(std::uint64_t{1} << 53);
  }

 private:
  std::uint64_t state_;
};

// The histories W&B's local-hyperband example (examples/local-controller:
// train-local.py over sweep-local-hyperband.yaml's grid) logs: metric =
// base + random() * variance, then per epoch metric += increment * direction,
// floored at 0; 20 epochs, variance 5.
std::vector<History> LocalHyperbandExampleHistories(std::uint64_t seed) {
  constexpr int kEpochs = 20;
  constexpr double kVariance = 5;
  Lcg random(seed);
  std::vector<History> out;
  for (double base : {10.0, 15.0, 20.0})
    for (double increment : {0.1, 0.2, 0.3})
      for (double direction : {-1.0, 0.1, 1.0}) {
        double metric = base + random.Next() * kVariance;
        History h;
        for (int e = 0; e < kEpochs; ++e) {
          metric = std::max(0.0, metric + increment * direction);
          h.push_back(metric);
        }
        out.push_back(std::move(h));
      }
  return out;
}

struct ReplayOutcome {
  std::vector<std::size_t> stopped_after;  // values logged when stopped; 0 = ran to the end
  int decisions = 0;                       // decisions compared
};

// Runs `recorded` through HyperbandRule, `parallel` runs at a time, round
// robin (a run that ends or is stopped frees its slot for the next). At
// every logged value HyperbandRule's answer must equal WandbStops on the
// histories logged so far.
ReplayOutcome Replay(const WandbHyperband& w, EarlyStopOptions options, const std::vector<History>& recorded,
                     std::size_t parallel) {
  options.type = EarlyStopOptions::kHyperband;
  options.goal = w.maximize ? Goal::kMaximize : Goal::kMinimize;
  options.strict = w.strict;
  auto created = HyperbandRule::Create(options);
  EXPECT_TRUE(created.ok());
  HyperbandRule& rule = **created;
  EXPECT_EQ(rule.bands().front(), w.bands.front());

  ReplayOutcome outcome;
  outcome.stopped_after.assign(recorded.size(), 0);
  std::vector<History> logged;  // W&B's view: every started run's history so far
  std::vector<std::size_t> active;
  std::size_t next = 0;
  while (next < recorded.size() || !active.empty()) {
    while (active.size() < parallel && next < recorded.size()) {
      active.push_back(next++);
      logged.emplace_back();
    }
    std::vector<std::size_t> still_active;
    for (std::size_t run : active) {
      History& h = logged[run];
      h.push_back(recorded[run][h.size()]);
      const std::string id = "run-" + std::to_string(run);
      const bool ours = rule.ShouldStop(id, static_cast<std::int64_t>(h.size() - 1), h.back());
      const bool wandb = WandbStops(w, logged, run);
      ++outcome.decisions;
      EXPECT_EQ(ours, wandb) << id << " after " << h.size() << " values: " << rule.Explain(id);
      if (ours) outcome.stopped_after[run] = h.size();
      if (ours || h.size() == recorded[run].size()) {
        rule.OnRunEnded(id);
      } else {
        still_active.push_back(run);
      }
    }
    active = std::move(still_active);
  }
  return outcome;
}

TEST(HyperbandWandbReplay, FlatRunsOneTwoFive) {
  const WandbHyperband w = FromMinIter(1, 2);
  EarlyStopOptions o;
  o.min_iter = 1;
  o.eta = 2;
  const std::vector<History> recorded = {History(6, 1.0), History(6, 2.0), History(6, 5.0)};
  const ReplayOutcome sequential = Replay(w, o, recorded, 1);
  EXPECT_EQ(sequential.stopped_after, (std::vector<std::size_t>{0, 0, 1}));
}

TEST(HyperbandWandbReplay, LocalHyperbandExample) {
  // sweep-local-hyperband.yaml: max_iter 10, s 2, eta 3 -> bands [1, 3].
  WandbHyperband w = FromMaxIter(10, 2, 3);
  ASSERT_EQ(w.bands, (std::vector<std::int64_t>{1, 3}));
  EarlyStopOptions o;
  o.max_iter = 10;
  o.s = 2;
  o.eta = 3;
  int stopped = 0;
  for (bool strict : {false, true})
    for (bool maximize : {false, true})
      for (std::size_t parallel : {1, 3})
        for (std::uint64_t seed : {1, 2, 3}) {
          w.strict = strict;
          w.maximize = maximize;
          const ReplayOutcome outcome = Replay(w, o, LocalHyperbandExampleHistories(seed), parallel);
          EXPECT_GT(outcome.decisions, 27);
          for (std::size_t after : outcome.stopped_after) stopped += after > 0;
        }
  // The replays are only meaningful if W&B's rule does stop runs in them.
  EXPECT_GT(stopped, 20);
}

TEST(HyperbandWandbReplay, NoisyDecliningCurvesMinIter) {
  const WandbHyperband base = FromMinIter(2, 3);
  EarlyStopOptions o;
  o.min_iter = 2;
  o.eta = 3;
  constexpr int kRuns = 30;
  constexpr int kLength = 30;
  Lcg random(7);
  std::vector<History> recorded;
  for (int r = 0; r < kRuns; ++r) {
    const double rate = 0.02 + 0.2 * random.Next();
    History h;
    for (int i = 0; i < kLength; ++i) h.push_back(std::exp(-rate * i) + 0.05 * random.Next());
    recorded.push_back(std::move(h));
  }
  for (bool strict : {false, true}) {
    WandbHyperband w = base;
    w.strict = strict;
    const ReplayOutcome outcome = Replay(w, o, recorded, 4);
    EXPECT_GT(std::count_if(outcome.stopped_after.begin(), outcome.stopped_after.end(),
                            [](std::size_t a) { return a > 0; }),
              0);
  }
}

}  // namespace
}  // namespace sweep
