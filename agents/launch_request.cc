#include <string_view>

#include "agents/trial_runner.h"

namespace sweep {
namespace {

bool HasNul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

}  // namespace

Status ValidateLaunchRequest(const LaunchRequest& request) {
  if (request.run_id.empty()) return Error::InvalidInput("launch request without a run id");
  const std::string where = "run " + request.run_id + ": ";
  if (request.argv.empty() || request.argv[0].empty()) return Error::InvalidInput(where + "empty command");
  for (const std::string& arg : request.argv) {
    if (HasNul(arg)) return Error::InvalidInput(where + "NUL byte in a command argument");
  }
  for (const auto& [name, value] : request.env) {
    if (name.empty() || name.find('=') != std::string::npos || HasNul(name) || HasNul(value)) {
      return Error::InvalidInput(where + "invalid environment variable name '" + name + "'");
    }
  }
  if (request.log_dir.empty() || !request.log_dir.is_absolute()) {
    return Error::InvalidInput(where + "log_dir must be an absolute path, got '" + request.log_dir.string() + "'");
  }
  if (!request.working_dir.empty() && !request.working_dir.is_absolute()) {
    return Error::InvalidInput(where + "working_dir must be absolute, got '" + request.working_dir.string() + "'");
  }
  if (request.timeout && request.timeout->count() <= 0) return Error::InvalidInput(where + "timeout must be positive");
  return OkStatus();
}

}  // namespace sweep
