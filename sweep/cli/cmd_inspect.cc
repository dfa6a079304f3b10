// Read-only commands over the store: sweeps, runs, show, best.
#include <cstdio>

#include "sweep/cli/cli.h"
#include "sweep/cli/console.h"
#include "sweep/objective.h"
#include "sweep/record_json.h"
#include "sweep/clock.h"
#include "sweep/run_outcome.h"

namespace sweep::cli {
namespace {

// Quotes an argument for a POSIX shell only when it needs it, so the
// reproduce line pastes into a terminal as is.
std::string ShellQuote(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=/.,:@%") ==
                          std::string::npos)
    return arg;
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string CommandLine(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + ShellQuote(a);
  return out;
}

std::string RunDuration(const RunRecord& run) {
  if (run.started_at <= 0) return "-";
  return FormatDuration((run.ended_at > 0 ? run.ended_at : NowSeconds()) - run.started_at);
}

std::string ExitText(const RunRecord& run) {
  if (run.signal) return SignalName(*run.signal);
  if (run.exit_code) return std::to_string(*run.exit_code);
  return "-";
}

struct InspectFlags {
  std::string target;
  bool json = false;
};

int ListSweeps(const InspectFlags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto sweeps = (*store)->ListSweeps();
  if (!sweeps.ok()) return ReportError(sweeps.error());
  ValueList docs;
  Table table({"ID", "NAME", "METHOD", "STATE", "RUNS", "FINISHED", "FAILED", "METRIC", "BEST", "CREATED"});
  for (const auto& sweep : *sweeps) {
    auto runs = (*store)->ListRuns(sweep.id);
    if (!runs.ok()) return ReportError(runs.error());
    if (flags.json) {
      docs.push_back(SweepToValue(sweep, &*runs));
      continue;
    }
    std::int64_t finished = 0, failed = 0;
    for (const auto& r : *runs) {
      finished += r.state == TrialState::kFinished;
      failed += r.state == TrialState::kFailed || r.state == TrialState::kCrashed;
    }
    const MetricSpec metric = MetricOf(sweep);
    const RunRecord* best = BestRun(*runs, metric);
    std::string metric_text = metric.name.empty() ? "-" : (metric.goal == Goal::kMinimize ? "min " : "max ") + metric.name;
    table.AddRow({sweep.id, sweep.name.empty() ? "-" : sweep.name, sweep.method,
                  std::string(SweepStateName(sweep.state)), std::to_string(runs->size()), std::to_string(finished),
                  std::to_string(failed), metric_text, best ? FormatMetric(*ObjectiveOf(*best, metric)) : "-",
                  FormatTimestamp(sweep.created_at)});
  }
  if (flags.json) {
    PrintJsonLine(Value(std::move(docs)));
  } else if (sweeps->empty()) {
    std::printf("no sweeps in %s\n", ResolveStorePath(global).c_str());
  } else {
    table.Print(stdout);
  }
  return kExitOk;
}

int ListRuns(const InspectFlags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto sweep = (*store)->GetSweep(flags.target);
  if (!sweep.ok()) return ReportError(sweep.error());
  auto runs = (*store)->ListRuns(sweep->id);
  if (!runs.ok()) return ReportError(runs.error());
  const MetricSpec metric = MetricOf(*sweep);
  if (flags.json) {
    ValueList docs;
    for (const auto& run : *runs) docs.push_back(RunToValue(run, metric));
    PrintJsonLine(Value(std::move(docs)));
    return kExitOk;
  }
  Table table({"ID", "#", "STATE", metric.name.empty() ? "METRIC" : metric.name, "PARAMS", "DURATION", "EXIT", "REASON"});
  for (const auto& run : *runs) {
    const auto objective = ObjectiveOf(run, metric);
    const std::string reason = run.failure_reason.substr(0, run.failure_reason.find('\n'));
    table.AddRow({run.id, std::to_string(run.number), std::string(TrialStateName(run.state)),
                  objective ? FormatMetric(*objective) : "-", FormatParams(run.params), RunDuration(run), ExitText(run),
                  reason.empty() ? "" : reason});
  }
  table.Print(stdout);
  return kExitOk;
}

void PrintRunDetails(const RunRecord& run, const MetricSpec& metric) {
  const auto objective = ObjectiveOf(run, metric);
  std::printf("run        %s (#%lld of sweep %s)\n", run.id.c_str(), static_cast<long long>(run.number),
              run.sweep_id.c_str());
  std::printf("state      %s\n", std::string(TrialStateName(run.state)).c_str());
  if (!metric.name.empty())
    std::printf("%-10s %s\n", metric.name.c_str(), objective ? FormatMetric(*objective).c_str() : "-");
  if (!run.failure_reason.empty()) std::printf("reason     %s\n", run.failure_reason.c_str());
  std::printf("exit       %s\n", ExitText(run).c_str());
  std::printf("started    %s\n", FormatTimestamp(run.started_at).c_str());
  std::printf("ended      %s\n", FormatTimestamp(run.ended_at).c_str());
  std::printf("duration   %s\n", RunDuration(run).c_str());
  std::printf("host       %s   agent %s   pid %d\n", run.host.c_str(), run.agent_id.c_str(), run.pid);
  std::printf("command    %s\n", run.argv.empty() ? "-" : CommandLine(run.argv).c_str());
  std::printf("run dir    %s\n", run.run_dir.empty() ? "-" : run.run_dir.c_str());
  std::printf("\nparameters\n");
  for (const auto& [name, value] : run.params) std::printf("  %-24s %s\n", name.c_str(), FormatPythonArg(value).c_str());
  if (!run.summary.empty()) {
    std::printf("\nmetrics\n");
    Table table({"  KEY", "LAST", "MIN", "MAX", "STEPS"});
    for (const auto& [key, s] : run.summary)
      table.AddRow({"  " + key, FormatMetric(s.last), FormatMetric(s.min), FormatMetric(s.max), std::to_string(s.count)});
    table.Print(stdout);
  }
  if (!run.tags.empty()) {
    std::printf("\ntags\n");
    for (const auto& [k, v] : run.tags) std::printf("  %-24s %s\n", k.c_str(), v.c_str());
  }
}

int ShowRun(const InspectFlags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto run = (*store)->GetRun(flags.target);
  if (!run.ok()) return ReportError(run.error());
  auto sweep = (*store)->GetSweep(run->sweep_id);
  if (!sweep.ok()) return ReportError(sweep.error());
  const MetricSpec metric = MetricOf(*sweep);
  if (flags.json) PrintJsonLine(RunToValue(*run, metric));
  else PrintRunDetails(*run, metric);
  return kExitOk;
}

int ShowBest(const InspectFlags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto sweep = (*store)->GetSweep(flags.target);
  if (!sweep.ok()) return ReportError(sweep.error());
  const MetricSpec metric = MetricOf(*sweep);
  if (metric.name.empty())
    return ReportError(Error::InvalidInput("sweep " + sweep->id + " has no metric in its spec, so no run is best"));
  auto runs = (*store)->ListRuns(sweep->id);
  if (!runs.ok()) return ReportError(runs.error());
  const RunRecord* best = BestRun(*runs, metric);
  if (best == nullptr) return ReportError(Error::NotFound("sweep " + sweep->id + " has no finished run with a value of '" + metric.name + "'"));
  if (flags.json) {
    Value doc = RunToValue(*best, metric);
    ValueMap map = doc.as_map();
    map.emplace_back("command_line", Value(CommandLine(best->argv)));
    PrintJsonLine(Value(std::move(map)));
    return kExitOk;
  }
  PrintRunDetails(*best, metric);
  std::printf("\nreproduce  %s\n", CommandLine(best->argv).c_str());
  return kExitOk;
}

CLI::App* AddInspect(CLI::App& app, GlobalOptions& global, const char* name, const char* help, const char* target_help,
                     int (*handler)(const InspectFlags&, const GlobalOptions&)) {
  auto flags = std::make_shared<InspectFlags>();
  CLI::App* cmd = app.add_subcommand(name, help);
  if (target_help != nullptr) cmd->add_option("target", flags->target, target_help)->required();
  cmd->add_flag("--json", flags->json, "Print JSON (stable field names, see README)");
  AddStoreOption(*cmd, global);
  cmd->callback([flags, &global, handler] {
    const int rc = handler(*flags, global);
    if (rc != kExitOk) throw CLI::RuntimeError(rc);
  });
  return cmd;
}

}  // namespace

void RegisterInspectCommands(CLI::App& app, GlobalOptions& global) {
  AddInspect(app, global, "sweeps", "List sweeps: id, name, method, state, run counts, best value", nullptr, ListSweeps);
  AddInspect(app, global, "runs", "One row per trial of a sweep: state, metric, params, duration, exit",
             "Sweep id, id prefix or name", ListRuns);
  AddInspect(app, global, "show", "Everything recorded for one run", "Run id or id prefix", ShowRun);
  AddInspect(app, global, "best", "The best run of a sweep and the command line to reproduce it",
             "Sweep id, id prefix or name", ShowBest);
}

}  // namespace sweep::cli
