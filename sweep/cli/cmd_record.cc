// `sweep record --name NAME --config-json JSON [--project P] [--run ID]`: standalone
// tracking for a script run by hand (clients/PROTOCOL.md). Reads the channel
// protocol on stdin until EOF; the logic lives in sweep/standalone_record.h.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "sweep/cli/agent_session.h"
#include "sweep/cli/cli.h"
#include "sweep/cli/terminal_text.h"
#include "sweep/clock.h"
#include "sweep/standalone_record.h"

namespace sweep::cli {
namespace {

struct RecordFlags {
  std::string name;
  std::string config_json = "{}";
  std::string project = kStandaloneProject;
  std::string run;  // --run: an open run to record into (from `sweep ask`)
};

int Record(const RecordFlags& flags, const GlobalOptions& global) {
  auto params = ConfigFromJsonObject(flags.config_json);
  if (!params.ok()) {
    ReportError(params.error());
    return kExitBadInput;
  }
  auto store = OpenCliStore(global, /*must_exist=*/false);
  if (!store.ok()) return ReportError(store.error());

  StandaloneRunOptions options;
  options.project = flags.project;
  options.existing_run_id = flags.run;
  options.name = flags.name;
  options.params = std::move(params).value();
  options.runs_root = std::filesystem::absolute(RunsRootFor(ResolveStorePath(global)));
  options.argv = {"sweep", "record", "--name", flags.name, "--project", flags.project};
  options.host = HostName();
  options.agent_id = ThisAgentId();
  options.pid = static_cast<int>(getppid());  // the script that started us and writes our stdin
  auto recorder = StandaloneRecorder::Start(**store, options);
  if (!recorder.ok()) return ReportError(recorder.error());
  // The client reads nothing back; the id on stderr is for the person at the terminal.
  std::fprintf(stderr, "sweep: recording run %s in project %s\n", recorder->run().id.c_str(),
               TerminalSafe(flags.project).c_str());

  std::ios::sync_with_stdio(false);
  Status consumed = recorder->Consume(std::cin);
  for (const auto& warning : recorder->TakeWarnings()) std::fprintf(stderr, "sweep: warning: %s\n", TerminalSafe(warning).c_str());
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
  cmd->add_option("--project", flags->project, "Sweep the run is filed under (created as a manual sweep)")
      ->capture_default_str();
  cmd->add_option("--run", flags->run,
                  "Record into this open run of a sweep (one `sweep ask` claimed) instead of a new one");
  AddStoreOption(*cmd, global);
  cmd->callback([flags, &global] {
    const int code = Record(*flags, global);
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace sweep::cli
