// `sweep run SPEC`: create a sweep from a spec and run it with a local pool.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <random>

#include "agents/trial_runner.h"
#include "core/value_json.h"
#include "optimizers/optimizer.h"
#include "sweep/cli/cli.h"
#include "sweep/cli/console.h"
#include "sweep/cli/spec_loading.h"
#include "sweep/clock.h"
#include "sweep/controller.h"
#include "sweep/objective.h"

namespace sweep::cli {
namespace {

// Configurations `--dry-run` prints for an unbounded random/bayes sweep when
// neither --count nor run_cap says how many.
constexpr std::int64_t kDefaultDryRunCount = 10;

struct RunFlags {
  std::string spec_path;
  int agents = 1;
  std::optional<std::int64_t> count;
  std::optional<std::uint64_t> seed;
  bool dry_run = false;
  std::string interpreter = "python3";
};

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

std::uint64_t ChooseSeed(const RunFlags& flags, const SweepSpec& spec) {
  if (flags.seed) return *flags.seed;
  if (spec.seed) return static_cast<std::uint64_t>(*spec.seed);
  // No seed asked for: draw one and record it with the sweep, so the sweep
  // can still be reproduced.
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

int DryRun(const SweepSpec& spec, Optimizer& optimizer, const RunFlags& flags) {
  std::int64_t limit = kDefaultDryRunCount;
  if (flags.count) limit = *flags.count;
  else if (spec.run_cap) limit = *spec.run_cap;
  else if (spec.method == SearchMethod::kGrid) limit = std::numeric_limits<std::int64_t>::max();
  else std::fprintf(stderr, "sweep: note: no --count or run_cap; showing the first %lld configurations\n",
                    static_cast<long long>(limit));

  std::vector<TrialObservation> history;
  for (std::int64_t n = 0; n < limit; ++n) {
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
  if (flags.agents < 1) return ReportError(Error::InvalidInput("--agents must be at least 1"));

  OptimizerOptions optimizer_options;
  optimizer_options.method = spec->method;
  optimizer_options.space = spec->space;
  optimizer_options.goal = spec->metric.goal;
  optimizer_options.seed = ChooseSeed(flags, *spec);
  auto optimizer = MakeOptimizer(optimizer_options);
  if (!optimizer.ok()) return ReportError(optimizer.error());

  if (flags.dry_run) return DryRun(*spec, **optimizer, flags);

  auto store = OpenCliStore(global, /*must_exist=*/false);
  if (!store.ok()) return ReportError(store.error());

  SweepRecord record;
  record.name = spec->name;
  record.method = std::string(SearchMethodName(spec->method));
  record.metric_name = spec->metric.name;
  record.goal = spec->metric.goal;
  record.spec_text = spec->source_text;
  record.spec_path = std::filesystem::absolute(flags.spec_path).string();
  record.seed = optimizer_options.seed;
  auto sweep = (*store)->CreateSweep(record);
  if (!sweep.ok()) return ReportError(sweep.error());

  const std::string store_path = ResolveStorePath(global);
  std::printf("sweep %s: %s search%s, %d agent%s, store %s\n", sweep->id.c_str(),
              std::string(SearchMethodName(spec->method)).c_str(),
              spec->metric.name.empty()
                  ? ""
                  : (std::string(", ") + (spec->metric.goal == Goal::kMinimize ? "minimize " : "maximize ") +
                     spec->metric.name)
                        .c_str(),
              flags.agents, flags.agents == 1 ? "" : "s", store_path.c_str());
  std::fflush(stdout);

  ControllerOptions options;
  options.agents = flags.agents;
  options.count = flags.count;
  options.launch.runs_root = RunsRootFor(store_path);
  options.launch.working_dir = std::filesystem::current_path();
  options.launch.interpreter = flags.interpreter;
  options.host = HostName();
  options.agent_id = options.host + ":" + std::to_string(getpid());

  std::optional<std::int64_t> planned = flags.count;
  if (spec->run_cap && (!planned || *spec->run_cap < *planned)) planned = spec->run_cap;
  ConsoleProgress progress(spec->metric, planned);
  SweepController controller(**store, *spec, *sweep, **optimizer, options, &progress);
  auto runner = MakeLocalRunner(controller, RunnerOptions{});
  auto outcome = controller.Run(*runner);
  if (!outcome.ok()) {
    (void)(*store)->SetSweepState(sweep->id, SweepState::kFailed);
    return ReportError(outcome.error());
  }

  const bool interrupted = outcome->end == SweepEnd::kInterrupted;
  const bool more_possible = outcome->end == SweepEnd::kCountReached;
  if (!more_possible) {
    if (auto status = (*store)->SetSweepState(sweep->id, interrupted ? SweepState::kStopped : SweepState::kFinished);
        !status.ok())
      return ReportError(status.error());
  }

  std::int64_t total = 0;
  std::string counts;
  for (const auto& [state, n] : outcome->launched_by_state) {
    total += n;
    counts += (counts.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(TrialStateName(state));
  }
  std::printf("sweep %s: %s after %lld run%s (%s)\n", sweep->id.c_str(),
              std::string(SweepEndName(outcome->end)).c_str(), static_cast<long long>(total), total == 1 ? "" : "s",
              counts.empty() ? "none" : counts.c_str());
  auto runs = (*store)->ListRuns(sweep->id);
  if (runs.ok() && !spec->metric.name.empty()) {
    if (const RunRecord* best = BestRun(*runs, spec->metric)) {
      std::printf("best: run %s %s=%s  %s\n", best->id.c_str(), spec->metric.name.c_str(),
                  FormatMetric(*ObjectiveOf(*best, spec->metric)).c_str(), FormatParams(best->params).c_str());
    }
  }
  std::printf("details: sweep runs %s   |   sweep best %s\n", sweep->id.c_str(), sweep->id.c_str());

  const std::int64_t finished = outcome->launched_by_state[TrialState::kFinished];
  if (interrupted) return kExitFailure;
  // A sweep in which every trial failed is a failure a script must notice.
  if (total > 0 && finished == 0 && outcome->launched_by_state[TrialState::kStopped] == 0) return kExitFailure;
  return kExitOk;
}

}  // namespace

void RegisterRunCommand(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* cmd = app.add_subcommand("run", "Create a sweep from a spec and run its trials on local agents");
  cmd->add_option("spec", flags->spec_path, "Sweep spec (W&B sweep YAML)")->required();
  cmd->add_option("--agents,-a", flags->agents, "Trials to run at once")->capture_default_str();
  cmd->add_option("--count,-n", flags->count, "Launch at most this many runs (also bounds --dry-run)");
  cmd->add_option("--seed", flags->seed, "Seed for random and bayes search (default: the spec's, else drawn and recorded)");
  cmd->add_flag("--dry-run", flags->dry_run, "Print the configurations as JSON lines; launch nothing, store nothing");
  cmd->add_option("--interpreter", flags->interpreter, "What ${interpreter} expands to")->capture_default_str();
  AddStoreOption(*cmd, global);
  cmd->callback([flags, &global] {
    const int rc = RunSweep(*flags, global);
    if (rc != kExitOk) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sweep::cli
