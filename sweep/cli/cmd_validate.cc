// `sweep validate SPEC`: check a spec and explain every problem.
#include <cstdio>

#include "core/goal_name.h"
#include "optimizers/optimizer.h"
#include "sweep/cli/cli.h"
#include "sweep/cli/terminal_text.h"
#include "sweep/cli/spec_loading.h"
#include "sweep/optimizer_setup.h"
#include "sweep/spec/spec_parser.h"

namespace sweep::cli {

std::optional<SweepSpec> LoadSpecOrReport(const std::string& path) {
  SpecParseResult result = LoadSweepSpec(path);
  for (const auto& diagnostic : result.diagnostics) std::fprintf(stderr, "%s\n", TerminalSafe(diagnostic.ToString(), LineBreaks::kKeep).c_str());
  if (!result.ok()) return std::nullopt;
  return std::move(result.spec);
}

namespace {

int Validate(const std::string& path) {
  auto spec = LoadSpecOrReport(path);
  if (!spec) return kExitBadInput;
  auto optimizer = MakeOptimizer(OptimizerOptionsFor(*spec, /*seed=*/0));
  if (!optimizer.ok()) {
    std::fprintf(stderr, "%s: error: %s\n", TerminalSafe(path).c_str(),
                 TerminalSafe(optimizer.error().message, LineBreaks::kKeep).c_str());
    return kExitBadInput;
  }
  std::printf("%s: ok: %s search over %zu parameter%s", TerminalSafe(path).c_str(), std::string(SearchMethodName(spec->method)).c_str(),
              spec->space.parameters.size(), spec->space.parameters.size() == 1 ? "" : "s");
  if (!spec->metric.name.empty())
    std::printf(", %s %s", std::string(GoalName(spec->metric.goal)).c_str(), TerminalSafe(spec->metric.name).c_str());
  if (spec->run_cap) std::printf(", run_cap %lld", static_cast<long long>(*spec->run_cap));
  std::printf("\n");
  return kExitOk;
}

}  // namespace

void RegisterValidateCommand(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("validate", "Check a sweep spec and explain every problem (file:line:column)");
  cmd->add_option("spec", *path, "Sweep spec (W&B sweep YAML)")->required();
  cmd->callback([path] {
    const int rc = Validate(*path);
    if (rc != kExitOk) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sweep::cli
