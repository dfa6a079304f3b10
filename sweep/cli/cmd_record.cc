// `sweep record --name NAME --config-json JSON [--project P] [--tag T]...
// [--notes TEXT] [--command-json ARGV] [--pid PID] [--run ID] [--id ID
// [--resume allow|must|never]]`: standalone tracking for a script run by hand
// (clients/PROTOCOL.md). Prints the run's id and folder as one JSON line on
// stdout (what the client reads back; for a continued run, W&B's resume,
// also what it takes over), or {"error": ...} when it cannot start, then
// reads the channel protocol on stdin until EOF; the logic lives in
// sweep/standalone_record.h.
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "agents/host/environment_capture.h"
#include "core/value_json.h"
#include "sweep/cli/agent_session.h"
#include "sweep/cli/cli.h"
#include "sweep/cli/console.h"
#include "sweep/cli/terminal_text.h"
#include "sweep/clock.h"
#include "sweep/controller.h"
#include "sweep/default_project.h"
#include "sweep/standalone_record.h"

namespace sweep::cli {
namespace {

struct RecordFlags {
  std::string name;
  std::string config_json = "{}";
  std::string project;  // empty: DefaultProject
  std::vector<std::string> tags;
  std::string notes;
  std::string command_json;  // the script's argv as a JSON list
  int pid = 0;               // 0: our parent, the script that started us
  std::string run;           // --run: an open run to record into (from `sweep ask`)
  std::string id;            // --id: the run id the script chose (wandb.init(id=...))
  std::string resume;        // --resume: allow | must | never (wandb.init(resume=...))
};

Result<std::vector<std::string>> CommandFromJson(const std::string& json) {
  auto parsed = ParseJson(json);
  if (!parsed.ok()) return Error::InvalidInput("--command-json: " + parsed.error().message);
  if (!parsed->is_list()) return Error::InvalidInput("--command-json must be a JSON list of strings");
  std::vector<std::string> argv;
  for (const Value& arg : parsed->as_list()) {
    if (!arg.is_string()) return Error::InvalidInput("--command-json must be a JSON list of strings");
    argv.push_back(arg.as_string());
  }
  return argv;
}

Result<StandaloneRunOptions> OptionsFrom(const RecordFlags& flags, const GlobalOptions& global) {
  auto params = ConfigFromJsonObject(flags.config_json);
  if (!params.ok()) return params.error();
  StandaloneRunOptions options;
  const auto cwd = std::filesystem::current_path();
  options.project = flags.project.empty() ? DefaultProject(std::nullopt, cwd) : flags.project;
  options.existing_run_id = flags.run;
  options.chosen_id = flags.id;
  if (!flags.resume.empty()) {
    auto mode = ParseResumeMode(flags.resume);
    if (!mode) return Error::InvalidInput("--resume must be allow, must or never, not '" + flags.resume + "'");
    options.resume = *mode;
  }
  options.name = flags.name;
  options.labels = flags.tags;
  options.notes = flags.notes;
  options.params = std::move(params).value();
  options.runs_root = std::filesystem::absolute(RunsRootFor(ResolveStorePath(global)));
  if (!flags.command_json.empty()) {
    auto argv = CommandFromJson(flags.command_json);
    if (!argv.ok()) return argv.error();
    options.argv = std::move(argv).value();
  } else {
    options.argv = {"sweep", "record", "--name", flags.name};
  }
  options.host = HostName();
  options.agent_id = ThisAgentId();
  options.pid = flags.pid > 0 ? flags.pid : static_cast<int>(getppid());
  EnvironmentRequest request;
  request.working_dir = cwd;
  request.argv = options.argv;
  CapturedEnvironment captured = CaptureEnvironment(request);
  options.environment = std::move(captured.tags);
  options.git_diff = std::move(captured.git_diff);
  options.requirements = std::move(captured.requirements);
  return options;
}

int Record(const RecordFlags& flags, const GlobalOptions& global) {
  auto options = OptionsFrom(flags, global);
  if (!options.ok()) {
    ReportError(options.error());
    return kExitBadInput;
  }
  auto store = OpenCliStore(global, /*must_exist=*/false);
  if (!store.ok()) return ReportError(store.error());
  auto recorder = StandaloneRecorder::Start(**store, *options);
  if (!recorder.ok()) {
    // The client raises this (W&B's UsageError for resume='must'/'never') instead of running unrecorded.
    PrintJsonLine(ValueMap{{"error", recorder.error().message}});
    std::fflush(stdout);
    return ReportError(recorder.error());
  }
  // A run recorded into with --run, or continued, is filed under its sweep's project.
  std::string project = options->project;
  if (!flags.run.empty() || recorder->continued()) {
    if (auto sweep = (*store)->GetSweep(recorder->run().sweep_id); sweep.ok()) project = sweep->project;
  }
  // The client reads this line to use the store's id and the run's folder.
  ValueMap handshake{{"run_id", recorder->run().id}, {"run_dir", recorder->run().run_dir}, {"project", project}};
  if (recorder->continued()) {
    handshake.emplace_back("resumed", Value(recorder->resumed()));
    handshake.emplace_back("continued", ContinuedRunState(recorder->run()));
  }
  PrintJsonLine(handshake);
  std::fflush(stdout);
  std::fprintf(stderr, "sweep: %s run %s in project %s\n", recorder->continued() ? "continuing" : "recording",
               recorder->run().id.c_str(), TerminalSafe(project).c_str());

  StandaloneRecorder::Timers timers;
  timers.heartbeat = std::chrono::duration_cast<std::chrono::milliseconds>(kHeartbeatInterval);
  timers.stop_poll = std::chrono::duration_cast<std::chrono::milliseconds>(kStopPollInterval);
  Status consumed = recorder->ConsumeFd(STDIN_FILENO, timers);
  for (const auto& warning : recorder->TakeWarnings())
    std::fprintf(stderr, "sweep: warning: %s\n", TerminalSafe(warning).c_str());
  if (!consumed.ok()) {
    // Still try to close the run so it does not stay "running" forever.
    (void)recorder->Finish(NowSeconds());
    return ReportError(consumed.error());
  }
  if (auto status = recorder->Finish(NowSeconds()); !status.ok()) return ReportError(status.error());
  if (recorder->stats().bad_lines > 0)
    std::fprintf(stderr, "sweep: warning: %zu line(s) were not valid channel messages\n", recorder->stats().bad_lines);
  std::fprintf(stderr, "sweep: run %s %s (%zu points)\n", recorder->run().id.c_str(),
               std::string(TrialStateName(recorder->run().state)).c_str(), recorder->stats().points);
  return kExitOk;
}

}  // namespace

void RegisterRecordCommand(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<RecordFlags>();
  CLI::App* cmd = app.add_subcommand("record", "Record a run made outside a sweep from channel messages on stdin");
  cmd->add_option("--name", flags->name, "Name of the run")->required();
  cmd->add_option("--config-json", flags->config_json, "The run's configuration as a JSON object");
  cmd->add_option("--project", flags->project,
                  "Project of the run (default: the working directory's name, else 'default')");
  cmd->add_option("--tag", flags->tags, "A tag of the run (repeatable)");
  cmd->add_option("--notes", flags->notes, "Notes on the run");
  cmd->add_option("--command-json", flags->command_json,
                  "The tracked script's command line as a JSON list (recorded as the run's command)");
  cmd->add_option("--pid", flags->pid, "Process id of the tracked script (default: the parent process)");
  cmd->add_option("--run", flags->run,
                  "Record into this open run of a sweep (one `sweep ask` claimed) instead of a new one");
  cmd->add_option("--id", flags->id,
                  "The run's id, chosen by the script (W&B's init(id=)): 1-64 of [A-Za-z0-9_.-]; a standalone run "
                  "that has ended with this id is continued, its history kept");
  cmd->add_option("--resume", flags->resume,
                  "With --id, W&B's resume rule: allow (continue it or create it), must (continue it, error if "
                  "none), never (create it, error if taken)")
      ->check(CLI::IsMember({"allow", "must", "never"}));
  AddStoreOption(*cmd, global);
  cmd->callback([flags, &global] {
    const int code = Record(*flags, global);
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace sweep::cli
