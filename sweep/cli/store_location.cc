#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "sweep/cli/cli.h"
#include "sweep/cli/terminal_text.h"
#include "tracking/postgres/postgres_store.h"

namespace sweep::cli {

std::string ResolveStorePath(const GlobalOptions& options) {
  if (!options.store.empty()) return options.store;
  if (const char* env = std::getenv(kStoreEnvVar); env != nullptr && *env != '\0') return env;
  return kDefaultStorePath;
}

std::string RunsRootFor(const std::string& store_path) {
  // A server store keeps runs' logs and artifacts on the machine that ran
  // them, in the default local folder.
  if (IsPostgresUrl(store_path)) return (std::filesystem::path(kDefaultStorePath).parent_path() / "runs").string();
  const auto parent = std::filesystem::path(store_path).parent_path();
  return (parent.empty() ? std::filesystem::path("runs") : parent / "runs").string();
}

std::string ContentRootFor(const std::string& store_path) {
  if (const char* env = std::getenv(kArtifactDirEnvVar); env != nullptr && *env != '\0') return env;
  if (IsPostgresUrl(store_path)) return (std::filesystem::path(kDefaultStorePath).parent_path() / "artifacts").string();
  const auto parent = std::filesystem::path(store_path).parent_path();
  return (parent.empty() ? std::filesystem::path("artifacts") : parent / "artifacts").string();
}

std::string StoreLocationForTrials(const std::string& store_path) {
  if (IsPostgresUrl(store_path)) return store_path;
  return std::filesystem::absolute(store_path).string();
}

Result<std::unique_ptr<Store>> OpenCliStore(const GlobalOptions& options, bool must_exist) {
  const std::string path = ResolveStorePath(options);
  if (must_exist && !IsPostgresUrl(path) && !std::filesystem::exists(path)) {
    return Error::NotFound("no store at " + path + " (run `sweep run <spec>` first, or pass --store / set " +
                           kStoreEnvVar + ")");
  }
  return OpenStore(path);
}

int ReportError(const Error& error) {
  // Messages quote specs, stderr and run names: escaped like all trial text.
  std::fprintf(stderr, "sweep: error: %s\n", TerminalSafe(error.message, LineBreaks::kKeep).c_str());
  switch (error.code) {
    case ErrorCode::kInvalidInput:
    case ErrorCode::kNotFound:
      return kExitBadInput;
    default:
      return kExitFailure;
  }
}

void AddStoreOption(CLI::App& command, GlobalOptions& options) {
  command.add_option("--store", options.store,
                     std::string("Store database (default: $") + kStoreEnvVar + ", else " + kDefaultStorePath + ")");
}

}  // namespace sweep::cli
