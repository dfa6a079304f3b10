// `sweep create SPEC`, `sweep agent SWEEP`, `sweep resume SWEEP`: a sweep
// registered once and served by agents on any machine that reaches the store,
// and continued after its controller died.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "sweep/cli/agent_session.h"
#include "sweep/cli/cli.h"
#include "sweep/cli/spec_loading.h"
#include "sweep/cli/stored_sweep.h"
#include "sweep/clock.h"
#include "sweep/known_points.h"
#include "sweep/reaper.h"

namespace sweep::cli {
namespace {

struct CreateFlags {
  std::string spec_path;
  std::optional<std::uint64_t> seed;
  std::optional<std::string> warm_start;
};

struct AgentCommandFlags {
  std::string sweep;
  AgentFlags agent;
};

int Create(const CreateFlags& flags, const GlobalOptions& global) {
  auto spec = LoadSpecOrReport(flags.spec_path);
  if (!spec) return kExitBadInput;
  auto store = OpenCliStore(global, /*must_exist=*/false);
  if (!store.ok()) return ReportError(store.error());
  if (flags.warm_start) {
    if (auto source = (*store)->GetSweep(*flags.warm_start); !source.ok()) return ReportError(source.error());
  }
  auto sweep = (*store)->CreateSweep(NewSweepRecord(*spec, flags.spec_path, flags.seed));
  if (!sweep.ok()) return ReportError(sweep.error());
  if (flags.warm_start) {
    if (auto status = SetWarmStart(**store, sweep->id, *flags.warm_start); !status.ok()) {
      return ReportError(status.error());
    }
  }
  std::printf("%s\n", sweep->id.c_str());
  std::fprintf(stderr, "sweep %s created; run trials with: sweep agent %s\n", sweep->id.c_str(), sweep->id.c_str());
  return kExitOk;
}

int Serve(const AgentCommandFlags& flags, const GlobalOptions& global, bool resume) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto stored = LoadStoredSweep(**store, flags.sweep);
  if (!stored.ok()) return ReportError(stored.error());
  const SweepRecord& sweep = stored->record;

  auto reaped = ReapDeadRuns(**store, sweep.id, HostName(), NowSeconds(), HeartbeatTimeout(flags.agent));
  if (!reaped.ok()) return ReportError(reaped.error());
  if (!reaped->empty()) {
    std::printf("sweep %s: %zu run%s of a dead agent marked crashed%s\n", sweep.id.c_str(), reaped->size(),
                reaped->size() == 1 ? "" : "s", resume ? "; grid points among them will run again" : "");
  }
  if (sweep.state != SweepState::kRunning) {
    if (!resume) {
      return ReportError(Error::InvalidInput("sweep " + sweep.id + " is " + std::string(SweepStateName(sweep.state)) +
                                             "; `sweep resume " + sweep.id + "` continues it"));
    }
    if (auto status = (*store)->SetSweepState(sweep.id, SweepState::kRunning); !status.ok())
      return ReportError(status.error());
  }
  AgentFlags agent = flags.agent;
  agent.interrupt_stops_sweep = resume;
  return RunAgent(**store, ResolveStorePath(global), stored->spec, sweep, agent);
}

}  // namespace

void RegisterAgentCommands(CLI::App& app, GlobalOptions& global) {
  auto create = std::make_shared<CreateFlags>();
  CLI::App* cmd = app.add_subcommand("create", "Register a sweep from a spec and print its id (run it with `sweep agent`)");
  cmd->add_option("spec", create->spec_path, "Sweep spec (W&B sweep YAML)")->required();
  cmd->add_option("--seed", create->seed, "Seed for random and bayes search (default: the spec's, else drawn)");
  cmd->add_option("--warm-start", create->warm_start,
                  "A bayes sweep takes the finished runs of this earlier sweep (id, prefix or name) as prior "
                  "observations (parameters it lacks dropped, runs outside this space skipped)");
  AddStoreOption(*cmd, global);
  cmd->callback([create, &global] {
    if (int rc = Create(*create, global); rc != kExitOk) throw CLI::RuntimeError(rc);
  });

  for (bool resume : {false, true}) {
    auto flags = std::make_shared<AgentCommandFlags>();
    CLI::App* sub = app.add_subcommand(
        resume ? "resume" : "agent",
        resume ? "Continue a sweep after its controller stopped or died: dead runs are marked crashed, their grid "
                 "points run again, finished results are kept"
               : "Run trials of an existing sweep on this machine (any number of agents may share a store)");
    sub->add_option("sweep", flags->sweep, "Sweep id, unique id prefix or name")->required();
    AddAgentFlags(*sub, flags->agent);
    AddStoreOption(*sub, global);
    sub->callback([flags, &global, resume] {
      if (int rc = Serve(*flags, global, resume); rc != kExitOk) throw CLI::RuntimeError(rc);
    });
  }
}

}  // namespace sweep::cli
