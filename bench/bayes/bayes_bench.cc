// bench_bayes: median and IQR of simple regret after 20/50/100 evaluations
// for random search, `method: bayes` and Optuna 3.1's TPE (tpe_peer.py), on
// the problems of problems.h, against the W&B bayes reference; then the
// suggestion latency of bayes in 6-D at 100 and 1000 observations.
//
//   bench_bayes [--seeds N] [--evals N] [--problem NAME] [--no-tpe] [--no-latency]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/bayes/problems.h"
#include "optimizers/optimizer.h"

namespace sweep::bench {
namespace {

// Checkpoints of the regret curve (the W&B reference is at 100).
constexpr int kCheckpoints[] = {20, 50, 100};
// Default seeds: 30. On multimodal problems a run either finds the global
// basin or not (Hartmann-6: about a third of the runs end in the -3.20
// local optimum), so the median of 10 runs swings between the two with the
// seed block (seeds 1000-1009: 0.119; 1000-1029: 6.7e-6); 30 runs pin it
// down. The default run takes ~6 minutes on one core, mostly Optuna's TPE.
constexpr int kDefaultSeeds = 30;

struct Flags {
  int seeds = kDefaultSeeds;
  int evals = 100;
  std::string problem;
  bool tpe = true;
  bool latency = true;
};

// regrets[problem][method] = one row of checkpoint regrets per seed.
using Curves = std::map<std::string, std::map<std::string, std::vector<std::vector<double>>>>;

std::vector<double> RunOne(const Problem& p, SearchMethod method, std::uint64_t seed, int evals) {
  OptimizerOptions o;
  o.method = method;
  o.space = p.space;
  o.seed = seed;
  auto opt = MakeOptimizer(o);
  if (!opt.ok()) {
    std::fprintf(stderr, "%s\n", opt.error().message.c_str());
    std::exit(1);
  }
  std::vector<TrialObservation> history;
  double best = std::numeric_limits<double>::infinity();
  std::vector<double> out;
  for (int i = 0; i < evals; ++i) {
    const Suggestion s = *(*opt)->Ask(history);
    TrialObservation t;
    t.number = i;
    t.config = s.config;
    t.state = TrialState::kFinished;
    t.objective = p.objective(s.config);
    best = std::min(best, *t.objective);
    history.push_back(std::move(t));
    for (int c : kCheckpoints) if (i + 1 == c) out.push_back(best - p.minimum);
  }
  return out;
}

double Quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * (v.size() - 1);
  const std::size_t lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - lo) * (v[hi] - v[lo]);
}

void RunTpePeer(const Flags& f, Curves* curves) {
  if (std::system("/usr/bin/python3 -c 'import optuna' >/dev/null 2>&1") != 0) {
    std::printf("(optuna does not import with /usr/bin/python3: TPE column skipped)\n");
    return;
  }
  std::string cmd = "/usr/bin/python3 " SWEEP_BAYES_BENCH_DIR "/tpe_peer.py --seeds " + std::to_string(f.seeds) +
                    " --evals " + std::to_string(f.evals);
  if (!f.problem.empty()) cmd += " --problem " + f.problem;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return;
  char name[64];
  double r[3];
  int seed;
  while (std::fscanf(pipe, "%63s %d %lf %lf %lf", name, &seed, &r[0], &r[1], &r[2]) == 5) {
    (*curves)[name]["tpe"].push_back({r[0], r[1], r[2]});
  }
  pclose(pipe);
}

void Latency(int n_observations, int warm_asks) {
  const Problem p = AllProblems()[1];  // hartmann6: 6-D
  OptimizerOptions random;
  random.method = SearchMethod::kRandom;
  random.space = p.space;
  random.seed = 99;
  auto draws = MakeOptimizer(random);
  std::vector<TrialObservation> history;
  auto add = [&] {
    TrialObservation t;
    t.number = static_cast<std::int64_t>(history.size());
    t.config = (*draws)->Ask(history)->config;
    t.state = TrialState::kFinished;
    t.objective = p.objective(t.config);
    history.push_back(std::move(t));
  };
  while (static_cast<int>(history.size()) < n_observations) add();
  OptimizerOptions o = random;
  o.method = SearchMethod::kBayes;
  auto opt = MakeOptimizer(o);
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  (void)(*opt)->Ask(history);
  const double cold = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  std::vector<double> warm;
  for (int k = 0; k < warm_asks; ++k) {
    add();
    t0 = Clock::now();
    (void)(*opt)->Ask(history);
    warm.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::printf("latency 6-D, %4d observations: median %.1f ms (max %.1f) over %d asks as the history grows by one; "
              "first ask of a fresh optimizer (full fit) %.1f ms\n",
              n_observations, Quantile(warm, 0.5), *std::max_element(warm.begin(), warm.end()), warm_asks, cold);
}

int Main(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--seeds" && i + 1 < argc) f.seeds = std::atoi(argv[++i]);
    else if (a == "--evals" && i + 1 < argc) f.evals = std::atoi(argv[++i]);
    else if (a == "--problem" && i + 1 < argc) f.problem = argv[++i];
    else if (a == "--no-tpe") f.tpe = false;
    else if (a == "--no-latency") f.latency = false;
    else {
      std::fprintf(stderr, "usage: bench_bayes [--seeds N] [--evals N] [--problem NAME] [--no-tpe] [--no-latency]\n");
      return 2;
    }
  }
  Curves curves;
  if (f.tpe) RunTpePeer(f, &curves);
  for (const Problem& p : AllProblems()) {
    if (!f.problem.empty() && p.name != f.problem) continue;
    for (int s = 0; s < f.seeds; ++s) {
      curves[p.name]["random"].push_back(RunOne(p, SearchMethod::kRandom, 1000 + s, f.evals));
      curves[p.name]["bayes"].push_back(RunOne(p, SearchMethod::kBayes, 1000 + s, f.evals));
    }
  }
  std::printf("simple regret, median [IQR] over %d seeds\n", f.seeds);
  std::printf("%-12s %-7s %-26s %-26s %-26s %s\n", "problem", "method", "@20", "@50", "@100", "reference @100");
  int wins = 0, compared = 0;
  for (const Problem& p : AllProblems()) {
    if (!curves.count(p.name)) continue;
    for (const char* m : {"random", "tpe", "bayes"}) {
      const auto& rows = curves[p.name][m];
      if (rows.empty()) continue;
      std::printf("%-12s %-7s", p.name.c_str(), m);
      for (std::size_t c = 0; c < std::size(kCheckpoints); ++c) {
        std::vector<double> v;
        for (const auto& r : rows) if (c < r.size()) v.push_back(r[c]);
        if (v.empty()) { std::printf(" %-26s", "-"); continue; }
        char cell[64];
        std::snprintf(cell, sizeof cell, "%.3g [%.3g, %.3g]", Quantile(v, 0.5), Quantile(v, 0.25), Quantile(v, 0.75));
        std::printf(" %-26s", cell);
      }
      if (std::string(m) == "bayes" && p.wandb_regret_100 >= 0) {
        std::vector<double> v;
        for (const auto& r : rows) if (r.size() == 3) v.push_back(r[2]);
        const double target = 0.5 * std::min(p.wandb_regret_100, p.tpe_regret_100);
        const bool win = !v.empty() && Quantile(v, 0.5) <= target;
        wins += win;
        ++compared;
        // How many runs reach the target, not only the median: on
        // multimodal problems the median hides a bimodal outcome.
        const auto reached = std::count_if(v.begin(), v.end(), [&](double r) { return r <= target; });
        std::printf(" W&B %.3g, TPE %.3g: target %.3g %s (%ld of %zu runs)", p.wandb_regret_100, p.tpe_regret_100,
                    target, win ? "MET" : "missed", static_cast<long>(reached), v.size());
      }
      std::printf("\n");
    }
  }
  std::printf("bayes at or below half the best of W&B/TPE on %d of %d problems\n", wins, compared);
  if (f.latency) {
    Latency(100, 11);
    Latency(1000, 5);
  }
  return 0;
}

}  // namespace
}  // namespace sweep::bench

int main(int argc, char** argv) { return sweep::bench::Main(argc, argv); }
