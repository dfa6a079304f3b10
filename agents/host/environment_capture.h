// EnvironmentCapture: what a run needs to be reproduced, recorded as run
// tags. Tag keys (stable; absent when unknown):
//   env.git.commit   HEAD commit of the working dir's repository
//   env.git.branch   current branch ("HEAD" when detached)
//   env.git.dirty    "true" / "false": tracked files differ from HEAD
//   env.git.diff_sha256  SHA-256 of `git diff HEAD` (only when dirty)
//   env.host, env.os, env.kernel, env.cpu.model, env.cpu.count
//   env.gpu.names    comma-separated names of the GPUs given to the run
//   env.gpu.driver, env.gpu.cuda   driver and CUDA versions of those GPUs
//   env.interpreter  the interpreter (e.g. "python3") when the command runs one
//   env.interpreter.version   first line of `<interpreter> --version`
//   env.python       the Python version ("3.11.2") for Python interpreters
//   env.python.packages, env.python.packages_sha256, env.torch, env.torch.cuda,
//   env.tensorflow, env.jax, env.sklearn   the interpreter's packages
//                    (python_packages.h); the list itself is `requirements`
//   env.cwd          the trial's working directory
//   env.command      the full command line, shell-quoted for display
//   sweep.spec_sha256   SHA-256 of the sweep spec text
//   sweep.seed       the sweep's seed, when it has one
//   input.<path>     each of the spec's `inputs:` (SetInputs; data_digest.h)
// Untracked files are not part of the dirty flag or the diff.
//
// Cost: git and `--version` calls take milliseconds, so an
// EnvironmentCapture caches git facts per working directory, host facts
// once, and interpreter versions and packages per interpreter. Keep one instance per
// sweep (a new sweep sees new commits). Works outside a git repository and
// without git installed (git tags are then absent).
//
// Thread-safety: not thread-safe; the controller thread owns it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agents/host/gpu_inventory.h"
#include "agents/host/host_info.h"
#include "agents/host/python_packages.h"
#include "core/result.h"

namespace sweep {

struct EnvironmentRequest {
  std::filesystem::path working_dir;
  std::vector<std::string> argv;  // the trial's command, after macro expansion
  std::string spec_text;          // the sweep spec as the user wrote it
  std::optional<std::int64_t> seed;
  // The spec's interpreter when known (W&B `${interpreter}`); when empty it
  // is recognised from argv[0], or argv[1] after `env`.
  std::string interpreter;
  std::vector<GpuInfo> gpus;      // the GPUs granted to this run
};

struct CapturedEnvironment {
  std::map<std::string, std::string> tags;
  // `git diff HEAD` when dirty (save it as a run file, e.g. diff.patch);
  // empty when clean or outside a repository.
  std::string git_diff;
  // A Python interpreter's packages as `pip freeze` lists them (save it as
  // requirements.txt); empty for other programs or when it cannot be read.
  std::string requirements;
};

class EnvironmentCapture {
 public:
  CapturedEnvironment Capture(const EnvironmentRequest& request);
  // The spec's `inputs:` (paths relative to `working_dir`): hashed now, once
  // for the sweep (data_digest.h), and tagged on every run Capture
  // describes as kInputTagPrefix + the path as written. An input that cannot
  // be hashed (missing, unreadable) is an error naming it; nothing is kept.
  Status SetInputs(const std::vector<std::string>& paths, const std::filesystem::path& working_dir);

 private:
  struct GitFacts {
    bool in_repo = false;
    std::string commit, branch, diff, diff_sha256;
  };
  const GitFacts& Git(const std::filesystem::path& dir);
  const std::string& InterpreterVersion(const std::string& interpreter);
  const PythonPackages& Packages(const std::string& interpreter);

  std::optional<HostInfo> host_;
  std::map<std::filesystem::path, GitFacts> git_;
  std::map<std::string, std::string> interpreter_versions_;
  std::map<std::string, PythonPackages> packages_;  // per interpreter: read once per sweep
  std::map<std::string, std::string> input_tags_;   // SetInputs
};

// One-off capture without caching (tools, tests). Prefer a long-lived
// EnvironmentCapture in the controller.
CapturedEnvironment CaptureEnvironment(const EnvironmentRequest& request);

// The interpreter the command runs, or "" (see EnvironmentRequest).
std::string DetectInterpreter(const std::vector<std::string>& argv);

}  // namespace sweep
