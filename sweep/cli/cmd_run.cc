// `sweep run SPEC`: create a sweep from a spec and run it with a local pool.
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "agents/trial_runner.h"
#include "core/value_json.h"
#include "optimizers/optimizer.h"
#include "sweep/cli/agent_session.h"
#include "sweep/cli/cli.h"
#include "sweep/cli/console.h"
#include "sweep/cli/spec_loading.h"
#include "sweep/cli/stored_sweep.h"
#include "sweep/clock.h"
#include "sweep/controller.h"
#include "sweep/known_points.h"
#include "sweep/objective.h"
#include "sweep/optimizer_setup.h"

namespace sweep::cli {
namespace {

// Configurations `--dry-run` prints for an unbounded random/bayes sweep when
// neither --count nor run_cap says how many.
constexpr std::int64_t kDefaultDryRunCount = 10;

struct RunFlags {
  std::string spec_path;
  std::optional<std::uint64_t> seed;
  bool dry_run = false;
  std::optional<std::string> warm_start;
  AgentFlags agent;
};

int DryRun(const SweepSpec& spec, Optimizer& optimizer, const RunFlags& flags) {
  std::int64_t limit = kDefaultDryRunCount;
  if (flags.agent.count) limit = *flags.agent.count;
  else if (spec.run_cap) limit = *spec.run_cap;
  else if (spec.method == SearchMethod::kGrid) limit = std::numeric_limits<std::int64_t>::max();
  else std::fprintf(stderr, "sweep: note: no --count or run_cap; showing the first %lld configurations\n",
                    static_cast<long long>(limit));

  std::vector<TrialObservation> history;
  for (const Config& point : spec.initial_points) {
    if (static_cast<std::int64_t>(history.size()) >= limit) break;
    PrintJsonLine(ToNestedConfig(spec.space, point));
    TrialObservation obs;
    obs.number = static_cast<std::int64_t>(history.size());
    obs.config = point;
    obs.state = TrialState::kQueued;
    history.push_back(std::move(obs));
  }
  for (std::int64_t n = static_cast<std::int64_t>(history.size()); n < limit; ++n) {
    auto suggestion = optimizer.Ask(history);
    if (!suggestion) break;
    PrintJsonLine(ToNestedConfig(spec.space, suggestion->config));
    TrialObservation obs;
    obs.number = n;
    obs.grid_index = suggestion->grid_index;
    obs.config = std::move(suggestion->config);
    obs.state = TrialState::kQueued;
    history.push_back(std::move(obs));
  }
  return kExitOk;
}

int RunSweep(const RunFlags& flags, const GlobalOptions& global) {
  auto spec = LoadSpecOrReport(flags.spec_path);
  if (!spec) return kExitBadInput;
  SweepRecord record = NewSweepRecord(*spec, flags.spec_path, flags.seed);
  auto optimizer = MakeOptimizer(OptimizerOptionsFor(*spec, record.seed));
  if (!optimizer.ok()) return ReportError(optimizer.error());
  if (flags.dry_run) return DryRun(*spec, **optimizer, flags);
  if (Status launchable = CheckLaunchable(*spec, ""); !launchable.ok()) return ReportError(launchable.error());
  if (auto status = CheckProgramExists(*spec, std::filesystem::current_path()); !status.ok()) {
    return ReportError(status.error());
  }

  auto store = OpenCliStore(global, /*must_exist=*/false);
  if (!store.ok()) return ReportError(store.error());
  if (flags.warm_start) {
    if (auto source = (*store)->GetSweep(*flags.warm_start); !source.ok()) return ReportError(source.error());
  }
  auto sweep = (*store)->CreateSweep(record);
  if (!sweep.ok()) return ReportError(sweep.error());
  if (flags.warm_start) {
    if (auto status = SetWarmStart(**store, sweep->id, *flags.warm_start); !status.ok()) {
      return ReportError(status.error());
    }
  }
  return RunAgent(**store, ResolveStorePath(global), *spec, *sweep, flags.agent);
}

}  // namespace

void RegisterRunCommand(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* cmd = app.add_subcommand("run", "Create a sweep from a spec and run its trials on local agents");
  cmd->add_option("spec", flags->spec_path, "Sweep spec (W&B sweep YAML)")->required();
  cmd->add_option("--seed", flags->seed, "Seed for random and bayes search (default: the spec's, else drawn and recorded)");
  cmd->add_flag("--dry-run", flags->dry_run, "Print the configurations as JSON lines; launch nothing, store nothing");
  cmd->add_option("--warm-start", flags->warm_start,
                  "A bayes sweep takes the finished runs of this earlier sweep (id, prefix or name) as prior "
                  "observations (parameters it lacks dropped, runs outside this space skipped)");
  AddAgentFlags(*cmd, flags->agent);
  AddStoreOption(*cmd, global);
  cmd->callback([flags, &global] {
    const int rc = RunSweep(*flags, global);
    if (rc != kExitOk) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sweep::cli
