#include "sweep/cli/agent_session.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <filesystem>

#include "agents/host/environment_capture.h"
#include "agents/host/gpu_inventory.h"
#include "agents/host/gpu_selection.h"
#include "agents/host/gpu_slots.h"
#include "agents/host/system_sampler.h"
#include "agents/trial_runner.h"
#include "optimizers/grid_search.h"
#include "optimizers/optimizer.h"
#include "sweep/cli/cli.h"
#include "sweep/cli/console.h"
#include "sweep/cli/event_stream.h"
#include "sweep/cli/live_view.h"
#include "sweep/cli/sweep_tally.h"
#include "sweep/cli/terminal_text.h"
#include "sweep/cli/python_clients.h"
#include "sweep/controller.h"
#include "sweep/objective.h"
#include "sweep/sweep_end_policy.h"
#include "sweep/optimizer_setup.h"
#include "sweep/spec/command_macros.h"
#include "sweep/spec/spec_parser.h"

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
  command.add_flag("--no-mlflow-shim", flags.no_mlflow_shim,
                   "Do not put Sweep's offline `mlflow` module first on trials' PYTHONPATH");
  command.add_flag("--quiet,-q", flags.quiet, "Print only the final summary (and errors), not each trial");
  command.add_option("--events", flags.events,
                     "Write machine-readable events (run started, metric, run ended, sweep ended) to stdout as "
                     "JSON lines; the human-readable output goes to stderr")
      ->check(CLI::IsMember({"jsonl"}));
  command.add_option("--status-interval", flags.status_interval_seconds,
                     "Seconds between status lines when the output is not a terminal (a pipe, a CI log)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command.add_option("--heartbeat-timeout", flags.heartbeat_timeout_seconds,
                     "Seconds without a heartbeat after which an agent's runs are taken for dead: marked crashed by "
                     "the next agent to start, their grid points run again (give every agent of a sweep the same)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
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

// Where the human-readable output goes: stdout, unless stdout carries the
// --events stream.
std::FILE* HumanOutput(const AgentFlags& flags) { return flags.events.empty() ? stdout : stderr; }

// A terminal that understands cursor movement (not TERM=dumb, not a pipe).
bool IsLiveTerminal(std::FILE* out) {
  const char* term = std::getenv("TERM");
  return isatty(fileno(out)) == 1 && (term == nullptr || std::string_view(term) != "dumb");
}

void PrintHeader(std::FILE* out, const SweepSpec& spec, const SweepRecord& sweep, int agents, const GpuSlots* slots,
                 const std::string& store_location) {
  std::string metric;
  if (!spec.metric.name.empty()) {
    metric = std::string(", ") + (spec.metric.goal == Goal::kMinimize ? "minimize " : "maximize ") +
             TerminalSafe(spec.metric.name);
  }
  const std::string gpus = slots != nullptr ? ", " + std::to_string(slots->free()) + " GPUs" : "";
  std::fprintf(out, "sweep %s: %s search%s, %d agent%s%s, store %s\n", sweep.id.c_str(),
               std::string(SearchMethodName(spec.method)).c_str(), metric.c_str(), agents, agents == 1 ? "" : "s",
               gpus.c_str(), TerminalSafe(store_location).c_str());
  std::fflush(out);
}

SweepPlan PlanOf(const SweepSpec& spec, const Optimizer& optimizer, int agents, const AgentFlags& flags,
                 std::int64_t runs_before) {
  SweepPlan plan;
  plan.agents = agents;
  plan.run_cap = spec.run_cap;
  if (const auto* grid = dynamic_cast<const GridSearch*>(&optimizer)) plan.grid_size = grid->size();
  if (flags.count) plan.count_limit = runs_before + *flags.count;
  return plan;
}

void PrintSummary(std::FILE* out, const SweepSpec& spec, const SweepRecord& sweep, const SweepOutcome& outcome,
                  const SweepTally& tally, double wall_seconds) {
  std::int64_t total = 0;
  std::string counts;
  for (const auto& [state, n] : outcome.launched_by_state) {
    total += n;
    counts += (counts.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(TrialStateName(state));
  }
  std::fprintf(out, "sweep %s: %s after %lld run%s (%s) in %s\n", sweep.id.c_str(),
               std::string(SweepEndName(outcome.end)).c_str(), static_cast<long long>(total), total == 1 ? "" : "s",
               counts.empty() ? "none" : counts.c_str(), FormatDuration(wall_seconds).c_str());
  if (outcome.end == SweepEnd::kGaveUp) {
    std::fprintf(out, "why: %s\n", TerminalSafe(outcome.give_up_message, LineBreaks::kKeep).c_str());
  }
  if (tally.runs > total) {
    std::fprintf(out, "the sweep has %lld runs in all: %lld finished, %lld failed, %lld killed, %lld stopped\n",
                 static_cast<long long>(tally.runs), static_cast<long long>(tally.finished),
                 static_cast<long long>(tally.failed), static_cast<long long>(tally.killed),
                 static_cast<long long>(tally.stopped));
  }
  if (tally.best) {
    std::fprintf(out, "best: run %s %s=%s  %s\n", tally.best_run.c_str(), TerminalSafe(spec.metric.name).c_str(),
                 FormatMetric(*tally.best).c_str(), TerminalSafe(FormatParams(tally.best_params)).c_str());
  }
  if (outcome.end == SweepEnd::kInterrupted || outcome.end == SweepEnd::kMaxRuntime) {
    std::fprintf(out, "continue with: sweep resume %s\n", sweep.id.c_str());
  }
  std::fprintf(out, "details: sweep runs %s   |   sweep best %s\n", sweep.id.c_str(), sweep.id.c_str());
  std::fflush(out);
}

// The sweep's state once this agent stops (SweepStateAfter).
Status RecordSweepEnd(Store& store, const SweepRecord& sweep, SweepEnd end, const AgentFlags& flags) {
  const auto state = SweepStateAfter(end, flags.interrupt_stops_sweep);
  if (!state) return OkStatus();
  return store.SetSweepState(sweep.id, *state);
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

Status CheckProgramExists(const SweepSpec& spec, const std::filesystem::path& working_dir) {
  if (spec.program.empty() || !CommandUsesProgram(spec.command)) return OkStatus();
  const std::filesystem::path program(spec.program);
  const std::filesystem::path resolved = program.is_absolute() ? program : working_dir / program;
  std::error_code ec;
  if (std::filesystem::exists(resolved, ec)) return OkStatus();
  return Error::InvalidInput("program '" + spec.program + "' does not exist: trials run it as " + resolved.string() +
                             " (relative to the current folder, as W&B's agent does); run from the folder that "
                             "holds it, or give its path in the spec");
}

std::chrono::milliseconds HeartbeatTimeout(const AgentFlags& flags) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(flags.heartbeat_timeout_seconds * 1000.0));
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
  if (auto status = CheckProgramExists(spec, options.launch.working_dir); !status.ok()) return ReportError(status.error());
  // The spec's data inputs are hashed once for the sweep; a missing one stops it before any trial.
  if (auto status = environment.SetInputs(SpecInputs(spec.source_text), options.launch.working_dir); !status.ok())
    return ReportError(status.error());
  options.launch.interpreter = flags.interpreter;
  if (auto path = PythonPathWithClients({!flags.no_wandb_shim, !flags.no_mlflow_shim}); path) {
    options.launch.extra_env["PYTHONPATH"] = *path;
  }
  options.launch.extra_env[kStoreEnvVar] = StoreLocationForTrials(store_location);
  if (auto binary = SweepBinaryForTrials(); binary) options.launch.extra_env[kSweepBinEnvVar] = *binary;
  // Where artifact content goes: absolute, since trials may change directory.
  options.launch.extra_env[kArtifactDirEnvVar] = std::filesystem::absolute(ContentRootFor(store_location)).string();
  options.host = HostName();
  options.agent_id = ThisAgentId();
  options.sampler = &sampler;
  options.environment = &environment;
  options.sample_interval =
      std::chrono::milliseconds(static_cast<std::int64_t>(flags.sample_interval_seconds * 1000.0));
  options.heartbeat_timeout = HeartbeatTimeout(flags);

  std::FILE* human = HumanOutput(flags);
  if (!flags.quiet) PrintHeader(human, spec, sweep, options.agents, gpus->slots ? &*gpus->slots : nullptr, store_location);

  auto stored = store.ListRuns(sweep.id);
  if (!stored.ok()) return ReportError(stored.error());
  const SweepPlan plan = PlanOf(spec, **optimizer, options.agents, flags, static_cast<std::int64_t>(stored->size()));
  LiveViewOptions view_options;
  view_options.out = human;
  view_options.redraw = IsLiveTerminal(human);
  view_options.status_interval =
      std::chrono::milliseconds(static_cast<std::int64_t>(flags.status_interval_seconds * 1000.0));
  std::optional<LiveView> view;
  std::optional<EventStream> events;
  ObserverFanOut observers;
  if (!flags.quiet) observers.Add(&view.emplace(store, sweep.id, spec.metric, plan, view_options));
  if (!flags.events.empty()) observers.Add(&events.emplace(stdout, sweep.id));

  const auto wall_start = std::chrono::steady_clock::now();
  SweepController controller(store, spec, sweep, **optimizer, options, &observers);
  auto runner = MakeLocalRunner(controller, RunnerOptions{});
  auto outcome = controller.Run(*runner);
  if (view) view->Close();
  if (!outcome.ok()) {
    (void)store.SetSweepState(sweep.id, SweepState::kFailed);
    return ReportError(outcome.error());
  }
  const double wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  if (auto status = RecordSweepEnd(store, sweep, outcome->end, flags); !status.ok()) return ReportError(status.error());
  auto final_runs = store.ListRuns(sweep.id);
  const SweepTally tally = final_runs.ok() ? TallyRuns(*final_runs, spec.metric) : SweepTally{};
  PrintSummary(human, spec, sweep, *outcome, tally, wall_seconds);
  if (events) events->OnSweepEnded(SweepEndName(outcome->end), tally, wall_seconds);

  return AgentFailed(*outcome) ? kExitFailure : kExitOk;
}

}  // namespace sweep::cli
