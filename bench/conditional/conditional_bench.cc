// bench_conditional: median and IQR of simple regret after 25/50/100
// evaluations on a conditional space with a known optimum (0), for random
// search, `method: bayes` with the conditions, bayes on the same parameters
// without conditions (every parameter always passed, the objective ignoring
// the unused ones: what a user without `condition:` writes), and Optuna
// 3.1's TPE with define-by-run conditionals (tpe_conditional_peer.py).
//
//   bench_conditional [--seeds N] [--evals N] [--no-tpe]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "optimizers/optimizer.h"

namespace sweep::bench {
namespace {

constexpr int kCheckpoints[] = {25, 50, 100};
constexpr int kDefaultSeeds = 20;
// Below the gap to the runner-up branch (adam's optimum, 0.2): a run that
// ends here found the best branch and refined it.
constexpr double kSolvedRegret = 0.05;

// Per optimizer: offset, best log10(lr), its own parameter, its range, its best value
// (tpe_conditional_peer.py has the same table).
struct Branch {
  const char* optimizer;
  double offset, best_log_lr;
  const char* own;
  double lo, hi, best;
};
constexpr Branch kBranches[] = {
    {"sgd", 0.0, -1.5, "momentum", 0.0, 0.99, 0.9},
    {"adam", 0.2, -3.0, "beta1", 0.5, 0.999, 0.9},
    {"rmsprop", 0.4, -2.5, "rho", 0.5, 0.99, 0.95},
};
constexpr double kUnitsMin = 16, kUnitsMax = 256;

ParameterSpec Conditional(ParameterSpec p, const std::string& parent, ValueList allowed, bool conditional) {
  if (conditional) p.conditions.push_back({parent, std::move(allowed)});
  return p;
}

SearchSpace Space(bool conditional) {
  SearchSpace s;
  ParameterSpec optimizer;
  optimizer.path = {"optimizer"};
  optimizer.distribution = Distribution::kCategorical;
  for (const Branch& b : kBranches) optimizer.values.push_back(Value(b.optimizer));
  s.parameters.push_back(optimizer);
  s.parameters.push_back(BoundedParameter("lr", Distribution::kLogUniformValues, 1e-5, 1));
  for (const Branch& b : kBranches) {
    s.parameters.push_back(Conditional(BoundedParameter(b.own, Distribution::kUniform, b.lo, b.hi), "optimizer",
                                       {Value(b.optimizer)}, conditional));
  }
  ParameterSpec layers = BoundedParameter("layers", Distribution::kIntUniform, 1, 3);
  layers.integer_bounds = true;
  s.parameters.push_back(layers);
  ParameterSpec units = BoundedParameter("units_2", Distribution::kIntUniform, kUnitsMin, kUnitsMax);
  units.integer_bounds = true;
  s.parameters.push_back(Conditional(units, "layers", {Value(std::int64_t{2}), Value(std::int64_t{3})}, conditional));
  units.path = {"units_3"};
  s.parameters.push_back(Conditional(units, "layers", {Value(std::int64_t{3})}, conditional));
  return s;
}

double Get(const Config& c, const std::string& name) {
  for (const auto& [n, v] : c) {
    if (n == name) return v.as_number();
  }
  std::fprintf(stderr, "missing active parameter %s\n", name.c_str());
  std::exit(1);
}

double Objective(const Config& c) {
  const Branch* branch = nullptr;
  for (const auto& [n, v] : c) {
    for (const Branch& b : kBranches) {
      if (n == "optimizer" && v == Value(b.optimizer)) branch = &b;
    }
  }
  double value = branch->offset + 0.5 * std::pow(std::log10(Get(c, "lr")) - branch->best_log_lr, 2) +
                 4 * std::pow(Get(c, branch->own) - branch->best, 2);
  const double layers = Get(c, "layers");
  if (layers == 1) return value + 0.3;
  const double units_2 = Get(c, "units_2");
  if (layers == 2) return value + 0.1 + 0.3 * std::pow((units_2 - 128) / 128, 2);
  return value + 0.3 * std::pow((units_2 - 64) / 128, 2) + 0.3 * std::pow((Get(c, "units_3") - 200) / 128, 2);
}

std::vector<double> RunOne(SearchMethod method, bool conditional, std::uint64_t seed, int evals) {
  OptimizerOptions o;
  o.method = method;
  o.space = Space(conditional);
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
    TrialObservation t;
    t.number = i;
    t.config = (*opt)->Ask(history)->config;
    t.state = TrialState::kFinished;
    t.objective = Objective(t.config);
    best = std::min(best, *t.objective);
    history.push_back(std::move(t));
    for (int c : kCheckpoints) if (i + 1 == c) out.push_back(best);
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

std::vector<std::vector<double>> RunTpePeer(int seeds, int evals) {
  std::vector<std::vector<double>> rows;
  if (std::system("/usr/bin/python3 -c 'import optuna' >/dev/null 2>&1") != 0) {
    std::printf("(optuna does not import with /usr/bin/python3: TPE row skipped)\n");
    return rows;
  }
  const std::string cmd = "/usr/bin/python3 " SWEEP_CONDITIONAL_BENCH_DIR "/tpe_conditional_peer.py --seeds " +
                          std::to_string(seeds) + " --evals " + std::to_string(evals);
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return rows;
  int seed;
  double r[3];
  while (std::fscanf(pipe, "%d %lf %lf %lf", &seed, &r[0], &r[1], &r[2]) == 4) rows.push_back({r[0], r[1], r[2]});
  pclose(pipe);
  return rows;
}

void PrintRow(const std::string& name, const std::vector<std::vector<double>>& rows) {
  std::printf("%-28s", name.c_str());
  for (std::size_t c = 0; c < std::size(kCheckpoints); ++c) {
    std::vector<double> col;
    for (const auto& r : rows) col.push_back(r[c]);
    std::printf("  %.3g [%.3g, %.3g]", Quantile(col, 0.5), Quantile(col, 0.25), Quantile(col, 0.75));
  }
  // The regret is bimodal (the optimum's branch found, or a runner-up
  // branch's optimum): how many runs ended in the best branch tells more.
  int solved = 0;
  for (const auto& r : rows) solved += r.back() < kSolvedRegret;
  std::printf("  %d/%zu below %.2g\n", solved, rows.size(), kSolvedRegret);
}

int Main(int argc, char** argv) {
  int seeds = kDefaultSeeds, evals = 100;
  bool tpe = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--seeds" && i + 1 < argc) seeds = std::atoi(argv[++i]);
    else if (a == "--evals" && i + 1 < argc) evals = std::atoi(argv[++i]);
    else if (a == "--no-tpe") tpe = false;
    else {
      std::fprintf(stderr, "usage: bench_conditional [--seeds N] [--evals N] [--no-tpe]\n");
      return 2;
    }
  }
  evals = std::max(evals, kCheckpoints[std::size(kCheckpoints) - 1]);
  std::map<std::string, std::vector<std::vector<double>>> rows;
  for (int s = 0; s < seeds; ++s) {
    const std::uint64_t seed = 1000 + s;
    rows["random"].push_back(RunOne(SearchMethod::kRandom, true, seed, evals));
    rows["bayes (conditions)"].push_back(RunOne(SearchMethod::kBayes, true, seed, evals));
    rows["bayes (no conditions)"].push_back(RunOne(SearchMethod::kBayes, false, seed, evals));
  }
  if (tpe) {
    auto t = RunTpePeer(seeds, evals);
    if (!t.empty()) rows["TPE (Optuna 3.1)"] = std::move(t);
  }
  std::printf("simple regret (optimum 0), median [25%%, 75%%] over %d seeds, after 25 / 50 / 100 evaluations\n", seeds);
  for (const auto& [name, r] : rows) PrintRow(name, r);
  return 0;
}

}  // namespace
}  // namespace sweep::bench

int main(int argc, char** argv) { return sweep::bench::Main(argc, argv); }
