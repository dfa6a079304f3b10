// Turns a claimed run into a LaunchRequest: creates the run folder, writes
// the configuration file and expands the spec's command.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "agents/trial_runner.h"
#include "core/result.h"
#include "core/sweep_spec.h"
#include "tracking/store.h"

namespace sweep {

// Names of the environment variables every trial receives.
inline constexpr const char* kEnvSweepId = "SWEEP_ID";
inline constexpr const char* kEnvRunId = kRunIdEnv;
inline constexpr const char* kEnvParamsFile = "SWEEP_PARAMS_FILE";
inline constexpr const char* kEnvRunDir = "SWEEP_RUN_DIR";
// The sweep's project: where a client files runs the trial starts besides
// its own (the `mlflow` module's nested runs).
inline constexpr const char* kEnvProject = "SWEEP_PROJECT";

// File names inside a run folder.
inline constexpr const char* kParamsFileName = "params.json";
inline constexpr const char* kDiffFileName = "diff.patch";  // `git diff HEAD` when the tree was dirty

struct LaunchSettings {
  std::filesystem::path runs_root;    // run folders are runs_root/<run-id>/
  std::filesystem::path working_dir;  // where trials start (the user's cwd)
  std::string interpreter = "python3";
  // Added to every trial's environment (e.g. PYTHONPATH with our clients).
  std::map<std::string, std::string> extra_env;
};

// The run folder for `run_id` (not created).
std::filesystem::path RunDirectory(const LaunchSettings& settings, const std::string& run_id);

// Creates the run folder and params.json, expands the command. Errors are
// kInvalidInput for command problems (unknown macro, unset ${envvar:X}) and
// kIo for filesystem ones.
Result<LaunchRequest> PrepareLaunch(const SweepSpec& spec, const SweepRecord& sweep, const RunRecord& run,
                                    const LaunchSettings& settings);

}  // namespace sweep
