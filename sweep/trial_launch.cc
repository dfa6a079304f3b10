#include "sweep/trial_launch.h"

#include <cstdlib>
#include <fstream>
#include <system_error>

#include "core/value_json.h"
#include "sweep/spec/command_macros.h"

namespace sweep {

std::filesystem::path RunDirectory(const LaunchSettings& settings, const std::string& run_id) {
  return settings.runs_root / run_id;
}

Result<LaunchRequest> PrepareLaunch(const SweepSpec& spec, const SweepRecord& sweep, const RunRecord& run,
                                    const LaunchSettings& settings) {
  const auto run_dir = RunDirectory(settings, run.id);
  std::error_code ec;
  std::filesystem::create_directories(run_dir, ec);
  if (ec) return Error::Io("cannot create run folder " + run_dir.string() + ": " + ec.message());

  const auto params_file = run_dir / kParamsFileName;
  {
    std::ofstream out(params_file, std::ios::binary | std::ios::trunc);
    out << ToJson(ToNestedConfig(spec.space, run.params)) << '\n';
    if (!out) return Error::Io("cannot write " + params_file.string());
  }

  CommandContext context;
  context.interpreter = settings.interpreter;
  context.args_json_file = params_file.string();
  context.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  auto argv = ExpandCommand(spec, run.params, context);
  if (!argv.ok()) return argv.error();

  LaunchRequest request;
  request.run_id = run.id;
  request.argv = std::move(argv).value();
  request.env = settings.extra_env;
  request.env[kEnvSweepId] = sweep.id;
  request.env[kEnvRunId] = run.id;
  request.env[kEnvParamsFile] = params_file.string();
  request.env[kEnvRunDir] = run_dir.string();
  request.env[kEnvProject] = sweep.project;
  request.working_dir = settings.working_dir;
  request.log_dir = run_dir;
  return request;
}

}  // namespace sweep
