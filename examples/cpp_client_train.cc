// The synthetic training loop of examples/train.py as a C++ trial using
// clients/cpp/sweep_client.h. Inside a sweep it reports through the metrics
// pipe; run by hand it prints `step=N key=value` lines.
//   g++ -std=c++20 -I. examples/cpp_client_train.cc -o cpp_client_train
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>

#include "clients/cpp/sweep_client.h"

namespace {
constexpr double kBestLearningRate = 3e-3;
constexpr double kBestDropout = 0.2;
constexpr int kReferenceBatchSize = 32;
}  // namespace

int main() {
  auto run = sweep_client::Run::Init();
  const auto& config = run.config();
  const double lr = config.GetDouble("lr", 1e-3);
  const long long batch_size = config.GetInt("batch_size", kReferenceBatchSize);
  const std::string optimizer = config.GetString("optimizer", "adam");
  const double dropout = config.GetDouble("dropout", 0.1);
  const long long epochs = config.GetInt("epochs", 10);

  const double best_log_lr = std::log10(kBestLearningRate) + 0.25 * std::log2(double(batch_size) / kReferenceBatchSize);
  const double floor = 0.15 * std::pow(std::log10(lr) - best_log_lr, 2) + 0.4 * std::pow(dropout - kBestDropout, 2) +
                       (optimizer == "adam" ? 0.0 : 0.05) + 0.05;
  const double speed = optimizer == "adam" ? 0.35 : 0.25;
  std::mt19937_64 rng(std::hash<std::string>{}(std::to_string(lr) + optimizer + std::to_string(dropout)));
  std::normal_distribution<double> noise(0.0, 0.005);

  double best_val = std::numeric_limits<double>::infinity();
  for (long long epoch = 1; epoch <= epochs; ++epoch) {
    const double train_loss = floor + 2.0 * std::exp(-speed * double(epoch)) + noise(rng);
    const double val_loss = train_loss + 0.03 + 0.5 * std::max(0.0, 0.15 - dropout) * double(epoch) / double(epochs);
    best_val = std::min(best_val, val_loss);
    run.Log({{"train_loss", train_loss}, {"val_loss", val_loss}});
  }
  run.Summary("best_val_loss", best_val);
  // A stand-in checkpoint, written to a scratch file: LogArtifact copies it into the run folder.
  const auto checkpoint = std::filesystem::temp_directory_path() / ("cpp_client_train_" + std::to_string(::getpid()) + ".txt");
  std::ofstream(checkpoint) << "best_val_loss " << best_val << "\n";
  run.LogArtifact(checkpoint.string(), "checkpoint.txt");
  std::filesystem::remove(checkpoint);
  run.Finish();
  return 0;
}
