#include "review/report/synthetic_report_data.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

namespace sweep::report {
namespace {

// Shares of runs in each terminal state; the rest finish. Chosen to look like
// a real sweep with a flaky cluster and an early-termination rule.
constexpr double kFailedShare = 0.06;
constexpr double kCrashedShare = 0.02;
constexpr double kStoppedShare = 0.15;
constexpr std::int64_t kStepsPerRun = 100;
// Curves for every run would be unrealistic; the CLI fills only top/stopped.
constexpr std::size_t kRunsWithCurves = 200;
constexpr double kStartEpoch = 1.7e9;

ParameterSpec MakeParam(std::size_t i) {
  ParameterSpec p;
  switch (i % 4) {
    case 0:
      p.path = {i == 0 ? "lr" : "lr_" + std::to_string(i)};
      p.distribution = Distribution::kLogUniformValues;
      p.min = 1e-5;
      p.max = 1e-1;
      break;
    case 1:
      p.path = {"optimizer", std::to_string(i)};
      p.distribution = Distribution::kCategorical;
      p.values = {Value("adam"), Value("sgd"), Value("adamw"), Value("rmsprop")};
      break;
    case 2:
      p.path = {"layers_" + std::to_string(i)};
      p.distribution = Distribution::kIntUniform;
      p.min = 1;
      p.max = 8;
      p.integer_bounds = true;
      break;
    default:
      p.path = {"dropout_" + std::to_string(i)};
      p.distribution = Distribution::kUniform;
      p.min = 0;
      p.max = 0.6;
  }
  return p;
}

}  // namespace

ReportData MakeSyntheticReportData(std::size_t runs, std::size_t params, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u01(0, 1);
  std::normal_distribution<double> noise(0, 0.03);

  ReportData data;
  data.sweep_id = "swp-" + std::to_string(seed);
  data.sweep_name = "resnet-cifar10 <tuning> & \"friends\"";
  data.method = "bayes";
  data.metric_name = "val_loss";
  data.goal = Goal::kMinimize;
  data.generated_at = kStartEpoch + 86400;
  for (std::size_t i = 0; i < params; ++i) data.space.parameters.push_back(MakeParam(i));

  for (std::size_t n = 0; n < runs; ++n) {
    ReportRun r;
    r.number = static_cast<std::int64_t>(n + 1);
    r.id = "run-" + std::to_string(n + 1);
    double loss = 0.3;
    for (const ParameterSpec& p : data.space.parameters) {
      Value v;
      switch (p.distribution) {
        case Distribution::kLogUniformValues: {
          const double e = std::log(p.min) + u01(rng) * (std::log(p.max) - std::log(p.min));
          v = std::exp(e);
          loss += 0.04 * std::pow(e - std::log(3e-3), 2) / 10;  // best near 3e-3
          break;
        }
        case Distribution::kCategorical: {
          const std::size_t k = static_cast<std::size_t>(u01(rng) * p.values.size()) % p.values.size();
          v = p.values[k];
          loss += 0.05 * static_cast<double>(k) / 3;
          break;
        }
        case Distribution::kIntUniform: {
          const auto layers = static_cast<std::int64_t>(p.min + u01(rng) * (p.max - p.min + 1));
          v = std::min<std::int64_t>(layers, static_cast<std::int64_t>(p.max));
          loss += 0.01 * std::abs(static_cast<double>(v.as_int()) - 4);
          break;
        }
        default:
          v = p.min + u01(rng) * (p.max - p.min);
          loss += 0.1 * std::abs(v.as_double() - 0.2);
      }
      r.params.emplace_back(p.name(), v);
    }
    loss += noise(rng);
    const double roll = u01(rng);
    r.created_at = kStartEpoch + 60.0 * static_cast<double>(n);
    r.started_at = r.created_at + 1;
    r.ended_at = r.started_at + 300 + 200 * u01(rng);
    std::int64_t last_step = kStepsPerRun;
    if (roll < kFailedShare) {
      r.state = TrialState::kFailed;
      r.exit_code = 1;
      r.failure_reason = (n % 3 == 0) ? "CUDA out of memory: tried to allocate 2.00 GiB"
                                      : "exit code 1: ValueError: loss is NaN <at step 12>";
    } else if (roll < kFailedShare + kCrashedShare) {
      r.state = TrialState::kCrashed;
      r.failure_reason = "agent heartbeat lost";
    } else if (roll < kFailedShare + kCrashedShare + kStoppedShare) {
      r.state = TrialState::kStopped;
      last_step = kStepsPerRun / 4 + static_cast<std::int64_t>(u01(rng) * kStepsPerRun / 4);
      r.exit_code = -15;
    } else {
      r.state = TrialState::kFinished;
      r.exit_code = 0;
    }
    if (r.state == TrialState::kFinished || r.state == TrialState::kStopped) {
      // Exponential decay toward the final loss; stopped runs end higher.
      const double final_loss = loss + (r.state == TrialState::kStopped ? 0.15 : 0);
      r.objective = final_loss;
      if (n < kRunsWithCurves || r.state == TrialState::kStopped) {
        for (std::int64_t s = 0; s <= last_step; ++s) {
          const double t = static_cast<double>(s) / kStepsPerRun;
          r.curve.emplace_back(s, final_loss + 1.5 * std::exp(-5 * t) + noise(rng) / 3);
        }
      }
    }
    data.runs.push_back(std::move(r));
  }

  for (const ParameterSpec& p : data.space.parameters) {
    ReportImportance imp;
    imp.parameter = p.name();
    const double base = p.distribution == Distribution::kLogUniformValues ? 0.5 : 0.1;
    imp.importance = base * (0.5 + u01(rng));
    imp.importance_std = imp.importance * 0.2;
    imp.spearman = (u01(rng) - 0.5) * 1.6;
    if (p.distribution != Distribution::kCategorical) imp.gp_relevance = u01(rng) * 3;
    data.importance.push_back(imp);
  }
  return data;
}

}  // namespace sweep::report
