// The Python packages an interpreter can import: `pip freeze`'s view, read
// from importlib.metadata by running the interpreter once (no pip needed),
// plus the CUDA version torch was built for (read from torch/version.py
// without importing torch, which would take seconds). Recorded with every
// run as requirements.txt and tags, so `sweep diff` can say which packages
// differ between two runs.
//
// Thread-safety: free functions without shared state.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sweep {

// Importing importlib.metadata and walking every installed distribution
// takes well under a second; a big environment on a network filesystem may
// take longer, hence more than RunCommand's default.
inline constexpr std::chrono::milliseconds kPythonPackagesTimeout{30000};

// Name of the file written into each run folder.
inline constexpr const char* kRequirementsFileName = "requirements.txt";

struct PythonPackages {
  // "Name==version" lines, sorted by lowercase name: pip freeze's format.
  std::string requirements;
  std::string torch_cuda;  // torch.version.cuda; empty without torch or for CPU builds
};

// Runs `interpreter` once. kNotFound when it cannot be started; kIo when it
// fails (a Python older than 3.8 has no importlib.metadata) or prints
// something else than expected.
Result<PythonPackages> ReadPythonPackages(const std::string& interpreter);

// name -> version of requirements text; names are normalized as PEP 503 says
// (lowercase, runs of "-", "_", "." as one "-"), so "Scikit_Learn" and
// "scikit-learn" are one package. Lines that are not NAME==VERSION are skipped.
std::map<std::string, std::string> ParseRequirements(std::string_view text);

// The tags of `packages`: env.python.packages (how many),
// env.python.packages_sha256 (of the requirements text), and the versions of
// the frameworks people compare runs by, when installed: env.torch,
// env.torch.cuda, env.tensorflow, env.jax, env.sklearn.
std::map<std::string, std::string> PythonPackageTags(const PythonPackages& packages);

}  // namespace sweep
