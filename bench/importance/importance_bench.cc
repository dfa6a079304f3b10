// Parameter-importance benchmark: our forest fANOVA against Optuna 3.1's
// FanovaImportanceEvaluator (run by /usr/bin/python3 when optuna and sklearn
// import) on the same synthetic sweep, with the rank agreement of the two.
// Targets (DESIGN "Fast"): 1,000 runs x 10 parameters <= 1 s, 10,000 <= 10 s.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "review/importance.h"
#include "review/rank_correlation.h"

namespace {

using sweep::Distribution;
using sweep::ParameterSpec;
using sweep::SearchSpace;
using sweep::review::RunRow;

constexpr int kParams = 10;
constexpr int kSizes[] = {1000, 10000};
constexpr std::uint64_t kSeed = 0;
// Optuna's fANOVA walks every tree in Python; at 10,000 runs it takes many
// minutes on a shared machine, so the peer gets a bounded wall-clock budget.
constexpr int kPeerTimeoutSeconds = 180;
const char* const kCategories[] = {"adam", "sgd", "rmsprop", "adagrad"};
// Per-category effect on the objective: a spread comparable to x0's.
constexpr double kCategoryEffect[] = {0.0, 0.8, 0.3, 1.2};

// x0..x7 ~ U(0, 1) with decreasing weights, lr ~ log_uniform_values(1e-5,
// 1e-1), opt categorical. Nonlinear terms so trees need several splits.
SearchSpace Space() {
  SearchSpace space;
  for (int i = 0; i < kParams - 2; ++i) {
    ParameterSpec p;
    p.path = {"x" + std::to_string(i)};
    p.distribution = Distribution::kUniform;
    p.min = 0;
    p.max = 1;
    space.parameters.push_back(p);
  }
  ParameterSpec lr;
  lr.path = {"lr"};
  lr.distribution = Distribution::kLogUniformValues;
  lr.min = 1e-5;
  lr.max = 1e-1;
  space.parameters.push_back(lr);
  ParameterSpec opt;
  opt.path = {"opt"};
  opt.distribution = Distribution::kCategorical;
  for (const char* c : kCategories) opt.values.emplace_back(c);
  space.parameters.push_back(opt);
  return space;
}

std::vector<RunRow> Runs(int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::normal_distribution<double> noise(0, 0.05);
  std::vector<RunRow> rows;
  for (int r = 0; r < n; ++r) {
    RunRow row;
    row.id = "run" + std::to_string(r);
    row.number = r;
    row.state = sweep::TrialState::kFinished;
    double y = 0;
    for (int i = 0; i < kParams - 2; ++i) {
      double x = u(rng);
      row.params.emplace_back("x" + std::to_string(i), x);
      y += (kParams - 2 - i) * 0.25 * (i % 2 == 0 ? x * x : std::sin(3 * x));
    }
    double log_lr = -5 + 4 * u(rng);
    row.params.emplace_back("lr", std::pow(10.0, log_lr));
    y += 0.3 * (log_lr + 3) * (log_lr + 3);
    int c = static_cast<int>(rng() % 4);
    row.params.emplace_back("opt", kCategories[c]);
    y += kCategoryEffect[c] + noise(rng);
    row.metrics["loss"] = y;
    rows.push_back(std::move(row));
  }
  return rows;
}

void WriteCsv(const std::vector<RunRow>& rows, const std::string& path) {
  std::ofstream out(path);
  for (int i = 0; i < kParams - 2; ++i) out << "x" << i << ":float:0:1,";
  out << "lr:logfloat:1e-05:0.1,opt:cat:adam|sgd|rmsprop|adagrad,loss\n";
  out.precision(17);
  for (const RunRow& row : rows) {
    for (const auto& [name, v] : row.params) {
      if (v.is_string()) out << v.as_string() << ','; else out << v.as_number() << ',';
    }
    out << row.metrics.at("loss") << '\n';
  }
}

struct Peer {
  bool ran = false;
  double seconds = 0;
  std::map<std::string, double> importance;
};

Peer RunOptuna(const std::vector<RunRow>& rows, const std::filesystem::path& dir) {
  Peer peer;
  const std::string csv = (dir / ("data" + std::to_string(rows.size()) + ".csv")).string();
  const std::string out = csv + ".out";
  WriteCsv(rows, csv);
  const std::string cmd = "timeout " + std::to_string(kPeerTimeoutSeconds) + " /usr/bin/python3 " SWEEP_BENCH_DIR "/optuna_peer.py " + csv + " " +
                          std::to_string(kSeed) + " > " + out + " 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) return peer;
  std::ifstream in(out);
  std::string name;
  double value;
  while (in >> name >> value) {
    if (name == "seconds") peer.seconds = value; else peer.importance[name] = value;
  }
  peer.ran = !peer.importance.empty();
  return peer;
}

bool PeerAvailable() {
  return std::system("/usr/bin/python3 -c 'import optuna, sklearn' > /dev/null 2>&1") == 0;
}

}  // namespace

int main() {
  const SearchSpace space = Space();
  const bool peer_available = PeerAvailable();
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "sweep_importance_bench";
  std::filesystem::create_directories(dir);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::printf("%-7s %-7s %10s %10s %9s %9s\n", "runs", "params", "ours_s", "optuna_s", "spearman", "kendall");
  std::map<int, std::pair<sweep::review::ImportanceReport, Peer>> results;
  for (int n : kSizes) {
    const std::vector<RunRow> rows = Runs(n, kSeed);
    sweep::review::ImportanceOptions options;
    options.seed = kSeed;
    const auto start = std::chrono::steady_clock::now();
    auto report = sweep::review::ComputeImportance(space, rows, "loss", sweep::Goal::kMinimize, options);
    const double ours = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!report.ok()) {
      std::fprintf(stderr, "importance failed: %s\n", report.error().message.c_str());
      return 1;
    }
    std::printf("%-7d %-7d %10.3f ", n, kParams, ours);
    std::fflush(stdout);
    Peer peer = peer_available ? RunOptuna(rows, dir) : Peer{};
    std::string optuna_s = peer_available ? "timeout" : "n/a", spearman = "n/a", kendall = "n/a";
    if (peer.ran) {
      std::vector<double> a, b;
      for (const auto& p : report->parameters) {
        a.push_back(p.importance);
        b.push_back(peer.importance[p.name]);
      }
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.3f", peer.seconds);
      optuna_s = buf;
      std::snprintf(buf, sizeof buf, "%.3f", sweep::review::SpearmanCorrelation(a, b).value_or(NAN));
      spearman = buf;
      std::snprintf(buf, sizeof buf, "%.3f", sweep::review::KendallTauB(a, b).value_or(NAN));
      kendall = buf;
    }
    std::printf("%10s %9s %9s\n", optuna_s.c_str(), spearman.c_str(), kendall.c_str());
    results.emplace(n, std::make_pair(std::move(*report), std::move(peer)));
  }
  std::printf("\nimportances at %d runs (ours mean ± std across trees | optuna):\n", kSizes[1]);
  const auto& [report, peer] = results.at(kSizes[1]);
  for (const auto& p : report.parameters) {
    std::printf("  %-5s %.4f ± %.4f | %s  spearman(param, loss) %s\n", p.name.c_str(), p.importance,
                p.importance_std, peer.ran ? std::to_string(peer.importance.at(p.name)).c_str() : "-",
                p.spearman ? std::to_string(*p.spearman).c_str() : "n/a");
  }
  if (!peer_available) std::printf("(optuna peer skipped: /usr/bin/python3 cannot import optuna and sklearn)\n");
  std::filesystem::remove_all(dir);
  return 0;
}
