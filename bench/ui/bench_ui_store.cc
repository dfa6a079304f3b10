// Fills a store with a synthetic finished sweep for bench/ui, through the
// Store API as agents write it, and then moves one run along on request.
//
// usage: bench_ui_store fill <db> [runs] [params] [steps]
//          prints the sweep id; the last run stays running
//        bench_ui_store finish <db> <run id>
//          ends that run (a live change for the dashboard to show)
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "tracking/store.h"

namespace {

constexpr std::size_t kDefaultRuns = 10'000;
constexpr std::size_t kDefaultParams = 10;
constexpr std::size_t kDefaultSteps = 100;

std::string SpecText(std::size_t params) {
  std::string spec = "name: bench\nprogram: train.py\nmethod: random\nmetric:\n  name: loss\n  goal: minimize\nparameters:\n";
  for (std::size_t p = 0; p < params; ++p) {
    spec += "  p" + std::to_string(p) + ":\n    min: 0.0\n    max: 1.0\n";
  }
  return spec;
}

int Fill(const std::string& db, std::size_t runs, std::size_t params, std::size_t steps) {
  auto store = sweep::OpenStore(db);
  if (!store.ok()) return std::fprintf(stderr, "%s\n", store.error().message.c_str()), 1;
  sweep::SweepRecord s;
  s.name = "bench";
  s.method = "random";
  s.metric_name = "loss";
  s.spec_text = SpecText(params);
  auto sweep = (*store)->CreateSweep(s);
  if (!sweep.ok()) return 1;
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(0, 1);
  std::string last;
  for (std::size_t r = 0; r < runs; ++r) {
    sweep::Config config;
    double target = 0;
    for (std::size_t p = 0; p < params; ++p) {
      const double v = u(rng);
      config.emplace_back("p" + std::to_string(p), sweep::Value(v));
      target += v / static_cast<double>(p + 1);
    }
    auto run = (*store)->ClaimRun(
        sweep->id,
        [&](const std::vector<sweep::RunRecord>&) -> sweep::Result<std::optional<sweep::NewRun>> {
          return std::optional<sweep::NewRun>(sweep::NewRun{config, std::nullopt});
        },
        sweep::ClaimContext{"bench", "bench", sweep::TrialState::kQueued});
    if (!run.ok() || !*run) return 1;
    const std::string id = (**run).id;
    (void)(*store)->MarkRunStarted(id, {"train"}, 1, "", 1000.0 + static_cast<double>(r));
    std::vector<sweep::MetricPoint> points;
    for (std::size_t i = 0; i < steps; ++i) {
      points.push_back({"loss", static_cast<std::int64_t>(i), target + std::exp(-0.05 * static_cast<double>(i)),
                        1000.0 + static_cast<double>(r + i)});
    }
    if (!(*store)->LogMetrics(id, points).ok()) return 1;
    if (r + 1 < runs) {
      sweep::RunOutcome out;
      out.ended_at = 1100.0 + static_cast<double>(r);
      if (!(*store)->FinishRun(id, out).ok()) return 1;
    }
    last = id;
  }
  std::printf("%s %s\n", sweep->id.c_str(), last.c_str());
  return 0;
}

int Finish(const std::string& db, const std::string& run_id) {
  auto store = sweep::OpenStore(db);
  if (!store.ok()) return 1;
  sweep::RunOutcome out;
  out.ended_at = 2000;
  return (*store)->FinishRun(run_id, out).ok() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "fill" && argc > 2) {
    auto arg = [&](int i, std::size_t fallback) { return argc > i ? std::strtoul(argv[i], nullptr, 10) : fallback; };
    return Fill(argv[2], arg(3, kDefaultRuns), arg(4, kDefaultParams), arg(5, kDefaultSteps));
  }
  if (mode == "finish" && argc > 3) return Finish(argv[2], argv[3]);
  std::fprintf(stderr, "usage: bench_ui_store fill <db> [runs] [params] [steps] | finish <db> <run id>\n");
  return 2;
}
