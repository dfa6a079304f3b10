// `sweep rm RUN... | --sweep S [--yes]`: delete ended runs, their rows and
// their folders (never a queued or running run). `sweep stop RUN`: ask the
// run's agent to end it (SIGTERM, then SIGKILL after the grace period); it
// is recorded as killed, "stopped by the user".
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "sweep/cli/cli.h"
#include "sweep/controller.h"
#include "sweep/run_scope.h"

namespace sweep::cli {
namespace {

struct RemoveFlags {
  std::vector<std::string> runs;
  std::string sweep;
  bool yes = false;
};

// The run's folder, only when it is the folder this store made for it
// (runs_root/<id>): a store copied elsewhere must not delete what its old
// paths now point at.
std::optional<std::filesystem::path> OwnedRunDir(const RunRecord& run, const std::filesystem::path& runs_root) {
  if (run.run_dir.empty()) return std::nullopt;
  std::error_code ec;
  const auto dir = std::filesystem::weakly_canonical(run.run_dir, ec);
  if (ec || dir.filename() != run.id) return std::nullopt;
  const auto root = std::filesystem::weakly_canonical(runs_root, ec);
  if (ec || dir.parent_path() != root) return std::nullopt;
  return dir;
}

bool Confirm(const std::string& question) {
  if (!isatty(STDIN_FILENO)) return false;
  std::printf("%s [y/N] ", question.c_str());
  std::fflush(stdout);
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

Status RemoveFolders(const std::vector<RunRecord>& runs, const std::filesystem::path& runs_root) {
  for (const auto& run : runs) {
    auto dir = OwnedRunDir(run, runs_root);
    if (!dir) continue;
    std::error_code ec;
    std::filesystem::remove_all(*dir, ec);
    if (ec) return Error::Io("deleted run " + run.id + " but not its folder " + dir->string() + ": " + ec.message());
  }
  return OkStatus();
}

int Remove(const RemoveFlags& flags, const GlobalOptions& global) {
  if (flags.runs.empty() == flags.sweep.empty())
    return ReportError(Error::InvalidInput("name runs to delete, or a sweep with --sweep S, not both"));
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  std::vector<RunRecord> runs;
  std::optional<SweepRecord> sweep;
  if (!flags.sweep.empty()) {
    auto found = (*store)->GetSweep(flags.sweep);
    if (!found.ok()) return ReportError(found.error());
    auto listed = (*store)->ListRuns(found->id);
    if (!listed.ok()) return ReportError(listed.error());
    sweep = *found;
    runs = std::move(listed).value();
  } else {
    for (const auto& reference : flags.runs) {
      auto run = FindRun(**store, reference);
      if (!run.ok()) return ReportError(run.error());
      runs.push_back(std::move(run).value());
    }
  }
  for (const auto& run : runs) {
    if (!IsTerminal(run.state))
      return ReportError(Error::Conflict("run " + run.id + " is " + std::string(TrialStateName(run.state)) +
                                         "; stop it first (sweep stop " + run.id + ")"));
  }
  const std::string what = sweep ? "sweep " + sweep->id + " (" + sweep->name + ") and its " +
                                       std::to_string(runs.size()) + " run(s)"
                                 : std::to_string(runs.size()) + " run(s)";
  if (!flags.yes && !Confirm("delete " + what + " with their metrics and folders?")) {
    std::fprintf(stderr, "sweep: nothing deleted%s\n", isatty(STDIN_FILENO) ? "" : " (not a terminal: pass --yes)");
    return kExitFailure;
  }
  for (const auto& run : runs) {
    if (sweep) break;
    if (auto status = (*store)->DeleteRun(run.id); !status.ok()) return ReportError(status.error());
  }
  if (sweep) {
    if (auto status = (*store)->DeleteSweep(sweep->id); !status.ok()) return ReportError(status.error());
  }
  const std::filesystem::path runs_root = RunsRootFor(ResolveStorePath(global));
  if (auto status = RemoveFolders(runs, runs_root); !status.ok()) return ReportError(status.error());
  std::printf("deleted %s\n", what.c_str());
  return kExitOk;
}

int Stop(const std::string& reference, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto run = FindRun(**store, reference);
  if (!run.ok()) return ReportError(run.error());
  if (auto status = (*store)->RequestStop(run->id); !status.ok()) return ReportError(status.error());
  std::printf("run %s: stop requested; its agent ends it within %lld s (SIGTERM, then SIGKILL)\n", run->id.c_str(),
              static_cast<long long>(kStopPollInterval.count()));
  return kExitOk;
}

}  // namespace

void RegisterHousekeepingCommands(CLI::App& app, GlobalOptions& global) {
  {
    auto flags = std::make_shared<RemoveFlags>();
    CLI::App* cmd = app.add_subcommand("rm", "Delete ended runs (or a whole sweep): rows, metrics and run folders");
    cmd->add_option("runs", flags->runs, "Runs: id, id prefix, PROJECT/NAME or a unique name");
    cmd->add_option("--sweep", flags->sweep, "Delete this sweep and all its runs");
    cmd->add_flag("-y,--yes", flags->yes, "Do not ask for confirmation");
    AddStoreOption(*cmd, global);
    cmd->callback([flags, &global] {
      const int rc = Remove(*flags, global);
      if (rc != kExitOk) throw CLI::RuntimeError(rc);
    });
  }
  {
    auto run = std::make_shared<std::string>();
    CLI::App* cmd = app.add_subcommand("stop", "Stop one running run: its agent terminates it, recorded as killed");
    cmd->add_option("run", *run, "Run: id, id prefix, PROJECT/NAME or a unique name")->required();
    AddStoreOption(*cmd, global);
    cmd->callback([run, &global] {
      const int rc = Stop(*run, global);
      if (rc != kExitOk) throw CLI::RuntimeError(rc);
    });
  }
}

}  // namespace sweep::cli
