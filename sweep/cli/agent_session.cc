#include "sweep/cli/agent_session.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "agents/host/environment_capture.h"
#include "agents/host/gpu_inventory.h"
#include "agents/host/gpu_selection.h"
#include "agents/host/gpu_slots.h"
#include "agents/host/system_sampler.h"
#include "agents/trial_runner.h"
#include "optimizers/optimizer.h"
#include "sweep/cli/cli.h"
#include "sweep/cli/console.h"
#include "sweep/cli/python_clients.h"
#include "sweep/controller.h"
#include "sweep/objective.h"
#include "sweep/optimizer_setup.h"
#include "sweep/spec/command_macros.h"

namespace sweep::cli {

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

std::string ThisAgentId() { return HostName() + ":" + std::to_string(getpid()); }

void AddAgentFlags(CLI::App& command, AgentFlags& flags) {
  command.add_option_function<int>(
      "--agents,-a",
      [&flags](int n) {
        flags.agents = n;
        flags.agents_given = true;
      },
      "Trials to run at once (default 1, or one per GPU group with --gpus)");
  command.add_option("--count,-n", flags.count, "Launch at most this many runs");
  command.add_option("--interpreter", flags.interpreter, "What ${interpreter} expands to")->capture_default_str();
  command.add_option("--gpus", flags.gpus, "GPUs to share among trials: 'all' or a list like 0,1,3");
  command.add_option("--gpus-per-trial", flags.gpus_per_trial, "Whole GPUs each trial gets (default: the spec's, else 1)");
  command.add_option("--sample-interval", flags.sample_interval_seconds,
                     "Seconds between system metric samples (CPU, RSS, GPU) of running trials")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command.add_flag("--no-wandb-shim", flags.no_wandb_shim,
                   "Do not put Sweep's offline `wandb` module first on trials' PYTHONPATH");
}

namespace {

struct GpuPool {
  std::unique_ptr<GpuInventory> inventory;
  std::optional<GpuSlots> slots;
};

Result<GpuPool> SetUpGpus(const SweepSpec& spec, const AgentFlags& flags) {
  GpuPool pool;
  pool.inventory = DetectGpuInventory();
  const bool wanted = flags.gpus.has_value() || flags.gpus_per_trial.has_value() || spec.gpus_per_trial.has_value();
  if (!wanted) return pool;
  if (pool.inventory == nullptr) {
    return Error::InvalidInput("GPUs were asked for (--gpus or gpus_per_trial) but none was found: neither NVML "
                               "(libnvidia-ml.so.1) nor nvidia-smi is available on this machine");
  }
  auto present = pool.inventory->List();
  if (!present.ok()) return present.error();
  auto selected = ParseGpuSelection(flags.gpus.value_or("all"), *present);
  if (!selected.ok()) return selected.error();
  const int per_trial = flags.gpus_per_trial.value_or(static_cast<int>(spec.gpus_per_trial.value_or(1)));
  auto slots = GpuSlots::Create(std::move(selected).value(), per_trial);
  if (!slots.ok()) return slots.error();
  pool.slots.emplace(std::move(slots).value());
  return pool;
}

void PrintSummary(Store& store, const SweepSpec& spec, const SweepRecord& sweep, const SweepOutcome& outcome) {
  std::int64_t total = 0;
  std::string counts;
  for (const auto& [state, n] : outcome.launched_by_state) {
    total += n;
    counts += (counts.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(TrialStateName(state));
  }
  std::printf("sweep %s: %s after %lld run%s (%s)\n", sweep.id.c_str(), std::string(SweepEndName(outcome.end)).c_str(),
              static_cast<long long>(total), total == 1 ? "" : "s", counts.empty() ? "none" : counts.c_str());
  if (outcome.end == SweepEnd::kGaveUp) std::printf("why: %s\n", outcome.give_up_message.c_str());
  auto runs = store.ListRuns(sweep.id);
  if (runs.ok() && !spec.metric.name.empty()) {
    if (const RunRecord* best = BestRun(*runs, spec.metric)) {
      std::printf("best: run %s %s=%s  %s\n", best->id.c_str(), spec.metric.name.c_str(),
                  FormatMetric(*ObjectiveOf(*best, spec.metric)).c_str(), FormatParams(best->params).c_str());
    }
  }
  std::printf("details: sweep runs %s   |   sweep best %s\n", sweep.id.c_str(), sweep.id.c_str());
}

}  // namespace

Status CheckLaunchable(const SweepSpec& spec, const std::string& sweep_id) {
  if (!CommandUsesProgram(spec.command) || !spec.program.empty()) return OkStatus();
  const std::string in_process = sweep_id.empty()
                                     ? "create it with `sweep create SPEC` and run it in-process with "
                                       "wandb.agent(SWEEP_ID, function=train)"
                                     : "run it in-process with wandb.agent(\"" + sweep_id + "\", function=train)";
  return Error::InvalidInput("the spec has no 'program' and its command runs ${program}, so there is nothing to "
                             "launch: add program: (or a command: without ${program}), or " + in_process);
}

int RunAgent(Store& store, const std::string& store_location, const SweepSpec& spec, const SweepRecord& sweep,
             const AgentFlags& flags) {
  if (Status launchable = CheckLaunchable(spec, sweep.id); !launchable.ok()) return ReportError(launchable.error());
  if (flags.agents < 1) return ReportError(Error::InvalidInput("--agents must be at least 1"));
  auto optimizer = MakeOptimizer(OptimizerOptionsFor(spec, sweep.seed));
  if (!optimizer.ok()) return ReportError(optimizer.error());

  auto gpus = SetUpGpus(spec, flags);
  if (!gpus.ok()) return ReportError(gpus.error());
  SystemSampler sampler(gpus->inventory.get());
  EnvironmentCapture environment;

  ControllerOptions options;
  options.agents = flags.agents;
  if (gpus->slots) {
    const int capacity = gpus->slots->capacity_trials();
    options.agents = flags.agents_given ? std::min(flags.agents, capacity) : capacity;
    options.gpu_slots = &*gpus->slots;
  }
  options.count = flags.count;
  options.launch.runs_root = std::filesystem::absolute(RunsRootFor(store_location));
  options.launch.working_dir = std::filesystem::current_path();
  options.launch.interpreter = flags.interpreter;
  if (!flags.no_wandb_shim) {
    if (auto path = PythonPathWithClients(); path) options.launch.extra_env["PYTHONPATH"] = *path;
  }
  options.host = HostName();
  options.agent_id = ThisAgentId();
  options.sampler = &sampler;
  options.environment = &environment;
  options.sample_interval =
      std::chrono::milliseconds(static_cast<std::int64_t>(flags.sample_interval_seconds * 1000.0));

  std::printf("sweep %s: %s search%s, %d agent%s%s, store %s\n", sweep.id.c_str(),
              std::string(SearchMethodName(spec.method)).c_str(),
              spec.metric.name.empty()
                  ? ""
                  : (std::string(", ") + (spec.metric.goal == Goal::kMinimize ? "minimize " : "maximize ") +
                     spec.metric.name)
                        .c_str(),
              options.agents, options.agents == 1 ? "" : "s",
              gpus->slots ? (", " + std::to_string(gpus->slots->free()) + " GPUs").c_str() : "",
              store_location.c_str());
  std::fflush(stdout);

  std::optional<std::int64_t> planned = flags.count;
  if (spec.run_cap && (!planned || *spec.run_cap < *planned)) planned = spec.run_cap;
  ConsoleProgress progress(spec.metric, planned);
  SweepController controller(store, spec, sweep, **optimizer, options, &progress);
  auto runner = MakeLocalRunner(controller, RunnerOptions{});
  auto outcome = controller.Run(*runner);
  if (!outcome.ok()) {
    (void)store.SetSweepState(sweep.id, SweepState::kFailed);
    return ReportError(outcome.error());
  }

  // A cancelled sweep ends its agents like an interrupt: the sweep stays stopped.
  const bool interrupted = outcome->end == SweepEnd::kInterrupted || outcome->end == SweepEnd::kCancelled;
  const bool more_possible = outcome->end == SweepEnd::kCountReached;
  const bool leave_state = interrupted && !flags.interrupt_stops_sweep;
  if (!more_possible && !leave_state) {
    SweepState state = SweepState::kFinished;
    if (interrupted) state = SweepState::kStopped;
    if (outcome->end == SweepEnd::kGaveUp) state = SweepState::kFailed;
    if (outcome->end == SweepEnd::kMaxRuntime) state = SweepState::kStopped;  // `sweep resume` continues it
    if (auto status = store.SetSweepState(sweep.id, state); !status.ok()) return ReportError(status.error());
  }
  PrintSummary(store, spec, sweep, *outcome);

  auto& by_state = outcome->launched_by_state;
  std::int64_t total = 0;
  for (const auto& [state, n] : by_state) total += n;
  if (interrupted || outcome->end == SweepEnd::kGaveUp) return kExitFailure;
  // A sweep in which every trial failed is a failure a script must notice.
  if (total > 0 && by_state[TrialState::kFinished] == 0 && by_state[TrialState::kStopped] == 0) return kExitFailure;
  return kExitOk;
}

}  // namespace sweep::cli
