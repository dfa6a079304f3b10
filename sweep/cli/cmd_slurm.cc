// `sweep slurm SWEEP`, `sweep status SWEEP`, `sweep cancel SWEEP`: a sweep's
// agents as a Slurm job array against a shared store, where its runs and jobs
// stand, and stopping both.
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

#include "agents/slurm/sbatch_script.h"
#include "agents/slurm/slurm_client.h"
#include "sweep/cli/cli.h"
#include "sweep/cli/terminal_text.h"
#include "sweep/slurm_jobs.h"
#include "tracking/postgres/postgres_store.h"

namespace sweep::cli {
namespace {

// Where submitted scripts and the tasks' logs go, under the local .sweep.
constexpr const char* kSlurmLogFolder = "slurm";

struct SlurmFlags {
  std::string sweep;
  int agents = 1;
  int gpus_per_agent = 0;
  std::optional<std::string> partition;
  std::optional<std::string> time_limit;
  std::vector<std::string> sbatch_args;
  std::optional<std::int64_t> count_per_agent;
  bool dry_run = false;
};

struct SweepTarget {
  std::string sweep;
};

// Compute nodes open the store themselves: a relative SQLite path would name
// a different file in each task's view, so only absolute paths (on a shared
// filesystem) and server URLs work.
Result<std::string> StoreUrlForComputeNodes(const GlobalOptions& global) {
  const std::string location = ResolveStorePath(global);
  if (IsPostgresUrl(location) || std::filesystem::path(location).is_absolute()) return location;
  return Error::InvalidInput("the store " + location +
                             " is a relative SQLite path; Slurm agents run on other machines and need an absolute "
                             "path on a shared filesystem or a postgresql:// URL (--store or $" +
                             kStoreEnvVar + ")");
}

int Submit(const SlurmFlags& flags, const GlobalOptions& global) {
  auto url = StoreUrlForComputeNodes(global);
  if (!url.ok()) return ReportError(url.error());
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto sweep = (*store)->GetSweep(flags.sweep);
  if (!sweep.ok()) return ReportError(sweep.error());

  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return ReportError(Error::Io("cannot find this program's path (/proc/self/exe): " + ec.message()));
  SlurmSubmission submission;
  submission.sweep_id = sweep->id;
  submission.store_url = *url;
  submission.agents = flags.agents;
  submission.gpus_per_agent = flags.gpus_per_agent;
  submission.partition = flags.partition;
  submission.time_limit = flags.time_limit;
  submission.extra_sbatch_args = flags.sbatch_args;
  submission.sweep_binary = self.string();
  submission.count_per_agent = flags.count_per_agent;
  submission.working_dir = std::filesystem::current_path().string();
  submission.log_dir =
      (std::filesystem::absolute(std::filesystem::path(kDefaultStorePath).parent_path()) / kSlurmLogFolder).string();
  auto script = RenderSbatchScript(submission);
  if (!script.ok()) return ReportError(script.error());
  if (flags.dry_run) {
    std::fputs(script->c_str(), stdout);
    return kExitOk;
  }
  auto job = SubmitSbatch(*script, submission.log_dir);
  if (!job.ok()) return ReportError(job.error());
  if (auto s = RecordSlurmJob(**store, sweep->id, *job, flags.agents); !s.ok()) {
    // The job runs regardless; say how to stop it since status will not list it.
    std::fprintf(stderr, "sweep: job %s was submitted but not recorded with the sweep; `scancel %s` stops it\n",
                 job->c_str(), job->c_str());
    return ReportError(s.error());
  }
  std::printf("%s\n", job->c_str());
  std::fprintf(stderr, "sweep %s: Slurm job %s submitted (%d agent%s, logs in %s); watch it with: sweep status %s\n",
               sweep->id.c_str(), job->c_str(), flags.agents, flags.agents == 1 ? "" : "s",
               submission.log_dir.c_str(), sweep->id.c_str());
  return kExitOk;
}

const char* PhaseName(SlurmJobPhase phase) {
  switch (phase) {
    case SlurmJobPhase::kPending: return "pending";
    case SlurmJobPhase::kRunning: return "running";
    case SlurmJobPhase::kCompleted: return "completed";
    case SlurmJobPhase::kFailed: return "failed";
    case SlurmJobPhase::kCancelled: return "cancelled";
    case SlurmJobPhase::kOther: return "other";
  }
  return "other";
}

int ShowStatus(const SweepTarget& target, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto sweep = (*store)->GetSweep(target.sweep);
  if (!sweep.ok()) return ReportError(sweep.error());
  auto runs = (*store)->ListRuns(sweep->id);
  if (!runs.ok()) return ReportError(runs.error());
  std::map<TrialState, int> by_state;
  for (const auto& run : *runs) ++by_state[run.state];
  std::string counts;
  for (const auto& [state, n] : by_state) {
    counts += (counts.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(TrialStateName(state));
  }
  std::printf("sweep %s (%s): %s, %s search\n", sweep->id.c_str(), TerminalSafe(sweep->name).c_str(),
              std::string(SweepStateName(sweep->state)).c_str(), sweep->method.c_str());
  std::printf("runs: %zu (%s)\n", runs->size(), counts.empty() ? "none yet" : counts.c_str());

  auto jobs = SlurmJobsOf(**store, sweep->id);
  if (!jobs.ok()) return ReportError(jobs.error());
  for (const auto& job : *jobs) {
    auto tasks = QueryJobs(job.job_id);
    if (!tasks.ok()) {
      // One unreachable or forgotten job must not hide the others.
      std::printf("slurm job %s (%d agents): unknown (%s)\n", job.job_id.c_str(), job.agents,
                  tasks.error().message.c_str());
      continue;
    }
    std::map<SlurmJobPhase, int> by_phase;
    for (const auto& task : *tasks) ++by_phase[task.phase];
    std::string phases;
    for (const auto& [phase, n] : by_phase) phases += (phases.empty() ? "" : ", ") + std::to_string(n) + " " + PhaseName(phase);
    std::printf("slurm job %s (%d agents): %s\n", job.job_id.c_str(), job.agents, phases.c_str());
    for (const auto& task : *tasks) {
      std::string detail = task.reason;
      if (task.exit_code) detail += (detail.empty() ? "" : " ") + std::string("exit ") + std::to_string(*task.exit_code);
      std::printf("  %-14s %-10s %-12s %s\n", task.job_id.c_str(), PhaseName(task.phase), task.state.c_str(),
                  detail.c_str());
    }
  }
  return kExitOk;
}

int Cancel(const SweepTarget& target, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto sweep = (*store)->GetSweep(target.sweep);
  if (!sweep.ok()) return ReportError(sweep.error());
  auto report = CancelSweep(**store, sweep->id);
  if (!report.ok()) return ReportError(report.error());
  std::printf("sweep %s stopped: agents start no new trials", sweep->id.c_str());
  if (!report->cancelled.empty()) {
    std::string ids;
    for (const auto& id : report->cancelled) ids += (ids.empty() ? "" : ", ") + id;
    std::printf("; Slurm job%s %s cancelled", report->cancelled.size() == 1 ? "" : "s", ids.c_str());
  }
  std::printf("\n");
  for (const auto& failure : report->failures) std::fprintf(stderr, "sweep: error: %s\n", TerminalSafe(failure.message, LineBreaks::kKeep).c_str());
  return report->failures.empty() ? kExitOk : kExitFailure;
}

}  // namespace

void RegisterSlurmCommands(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<SlurmFlags>();
  CLI::App* cmd = app.add_subcommand(
      "slurm", "Submit a Slurm job array of agents for a sweep; they share the store (a postgresql:// URL or an "
               "absolute path on a shared filesystem)");
  cmd->add_option("sweep", flags->sweep, "Sweep id, unique id prefix or name")->required();
  cmd->add_option("--agents,-a", flags->agents, "Array tasks, one `sweep agent` each")->capture_default_str()->check(
      CLI::PositiveNumber);
  cmd->add_option("--gpus-per-agent", flags->gpus_per_agent, "GPUs (--gres=gpu:G) each agent gets; 0: CPUs only")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--partition", flags->partition, "Slurm partition (default: the cluster's)");
  cmd->add_option("--time", flags->time_limit, "Time limit per agent, Slurm syntax (e.g. 4:00:00, 1-12)");
  cmd->add_option("--sbatch-arg", flags->sbatch_args, "Further sbatch option, written with = since it starts with -: --sbatch-arg=--mem=16G (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--count-per-agent", flags->count_per_agent, "Trials each agent runs at most (default: until done)");
  cmd->add_flag("--dry-run", flags->dry_run, "Print the sbatch script instead of submitting it");
  AddStoreOption(*cmd, global);
  cmd->callback([flags, &global] {
    if (int rc = Submit(*flags, global); rc != kExitOk) throw CLI::RuntimeError(rc);
  });

  auto status = std::make_shared<SweepTarget>();
  CLI::App* st = app.add_subcommand("status", "A sweep's state, its runs by state and its Slurm jobs' tasks");
  st->add_option("sweep", status->sweep, "Sweep id, unique id prefix or name")->required();
  AddStoreOption(*st, global);
  st->callback([status, &global] {
    if (int rc = ShowStatus(*status, global); rc != kExitOk) throw CLI::RuntimeError(rc);
  });

  auto cancel = std::make_shared<SweepTarget>();
  CLI::App* cn = app.add_subcommand(
      "cancel", "Stop a sweep: its agents start no new trials, and its Slurm jobs are cancelled");
  cn->add_option("sweep", cancel->sweep, "Sweep id, unique id prefix or name")->required();
  AddStoreOption(*cn, global);
  cn->callback([cancel, &global] {
    if (int rc = Cancel(*cancel, global); rc != kExitOk) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sweep::cli
