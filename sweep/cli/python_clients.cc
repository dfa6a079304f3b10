#include "sweep/cli/python_clients.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace sweep::cli {
namespace {

bool HoldsClients(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::is_directory(dir / "sweep_client", ec) && std::filesystem::is_directory(dir / "wandb_shim", ec);
}

}  // namespace

std::optional<std::string> PythonClientsDir() {
  if (const char* env = std::getenv(kPythonClientsEnvVar); env != nullptr && *env != '\0') {
    if (HoldsClients(env)) return std::string(env);
  }
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share" / "sweep" / "python";
    if (HoldsClients(installed)) return installed.string();
  }
  if (HoldsClients(SWEEP_SOURCE_PYTHON_CLIENTS)) return std::string(SWEEP_SOURCE_PYTHON_CLIENTS);
  return std::nullopt;
}

std::optional<std::string> PythonPathWithClients(const PythonShims& shims) {
  if (!shims.wandb && !shims.mlflow) return std::nullopt;
  auto dir = PythonClientsDir();
  if (!dir) return std::nullopt;
  std::string path;
  if (shims.wandb) path += (std::filesystem::path(*dir) / "wandb_shim").string() + ":";
  if (shims.mlflow) path += (std::filesystem::path(*dir) / "mlflow_shim").string() + ":";
  path += *dir;
  if (const char* existing = std::getenv("PYTHONPATH"); existing != nullptr && *existing != '\0') {
    path += ":";
    path += existing;
  }
  return path;
}

std::optional<std::string> SweepBinaryForTrials() {
  if (const char* env = std::getenv(kSweepBinEnvVar); env != nullptr && *env != '\0') return std::string(env);
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  return exe.string();
}

}  // namespace sweep::cli
