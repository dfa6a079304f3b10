// Read-only commands over the store: sweeps, runs, show, best.
#include <algorithm>
#include <cmath>
#include <map>
#include <cstdio>
#include <sstream>

#include "sweep/cli/cli.h"
#include "review/group_runs.h"
#include "review/run_field.h"
#include "sweep/cli/console.h"
#include "sweep/cli/run_query_options.h"
#include "sweep/failure_policy.h"
#include "sweep/review_rows.h"
#include "sweep/channel_tags.h"
#include "sweep/objective.h"
#include "sweep/record_json.h"
#include "sweep/clock.h"
#include "sweep/run_outcome.h"
#include "sweep/run_scope.h"
#include "sweep/standalone_record.h"

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

std::string JoinLabels(const std::vector<std::string>& labels) {
  std::string out;
  for (const auto& label : labels) out += (out.empty() ? "" : ",") + label;
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

// `sweep runs` only: which runs, in which order, shown how.
struct RunsView {
  RunQuery query;
  std::vector<std::string> columns;   // RunField names; empty: the default table
  std::vector<std::string> group_by;  // parameter names; empty: no grouping
};

struct InspectFlags {
  std::string target;
  bool json = false;
  RunsView runs;
  std::string project;  // `runs --project P`: the project's runs instead of a sweep's
};

std::vector<std::string> SplitCommas(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    std::stringstream ss(item);
    std::string part;
    while (std::getline(ss, part, ','))
      if (!part.empty()) out.push_back(part);
  }
  return out;
}

std::string ScalarText(const std::optional<review::Scalar>& s) {
  if (!s) return "-";
  if (const double* d = std::get_if<double>(&*s)) return FormatMetric(*d);
  if (const bool* b = std::get_if<bool>(&*s)) return *b ? "True" : "False";
  return std::get<std::string>(*s);
}

std::string MeanStd(const review::MetricSummary& m) {
  if (m.n < 2 || std::isnan(m.std)) return FormatMetric(m.mean);
  return FormatMetric(m.mean) + " \u00b1 " + FormatMetric(m.std);
}

// --group-by: one row per distinct combination, n and mean ± std per metric.
int PrintGroups(const std::vector<review::RunRow>& rows, const std::vector<std::string>& group_by, bool json) {
  const auto groups = review::GroupRuns(rows, group_by);
  std::vector<std::string> metric_names;
  for (const auto& g : groups)
    for (const auto& [name, _] : g.metrics)
      if (std::find(metric_names.begin(), metric_names.end(), name) == metric_names.end()) metric_names.push_back(name);
  std::sort(metric_names.begin(), metric_names.end());
  if (json) {
    ValueList docs;
    for (const auto& g : groups) {
      ValueMap metrics;
      for (const auto& [name, m] : g.metrics)
        metrics.emplace_back(name, ValueMap{{"mean", m.mean}, {"std", std::isnan(m.std) ? Value(nullptr) : Value(m.std)}, {"n", m.n}});
      docs.push_back(ValueMap{{"key", ValueMap(g.key.begin(), g.key.end())},
                              {"runs", ValueList(g.run_ids.begin(), g.run_ids.end())},
                              {"metrics", std::move(metrics)}});
    }
    PrintJsonLine(Value(std::move(docs)));
    return kExitOk;
  }
  std::vector<std::string> header;
  for (const auto& name : group_by) header.push_back(name);
  header.push_back("N");
  for (const auto& name : metric_names) header.push_back(name);
  Table table(header);
  for (const auto& g : groups) {
    std::vector<std::string> row;
    for (const auto& [_, v] : g.key) row.push_back(v.is_null() ? "-" : FormatPythonArg(v));
    row.push_back(std::to_string(g.run_ids.size()));
    for (const auto& name : metric_names) {
      auto it = g.metrics.find(name);
      row.push_back(it == g.metrics.end() ? "-" : MeanStd(it->second));
    }
    table.AddRow(std::move(row));
  }
  table.Print(stdout);
  return kExitOk;
}

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
  if (flags.target.empty() == flags.project.empty())
    return ReportError(Error::InvalidInput("name a sweep or a project (--project P), not both"));
  auto scope = LoadRunScope(**store, flags.project.empty() ? flags.target : flags.project, !flags.project.empty());
  if (!scope.ok()) return ReportError(scope.error());
  const std::vector<RunRecord>* runs = &scope->runs;
  const MetricSpec metric = MetricOf(scope->record);
  // Validate every flag before printing anything, so bad input is exit 2
  // with no partial output.
  const auto columns = SplitCommas(flags.runs.columns);
  std::vector<review::RunField> fields;
  for (const auto& name : columns) {
    auto field = review::RunField::Parse(name);
    if (!field)
      return ReportError(Error::InvalidInput("--columns: unknown column '" + name +
                                             "' (expected param.NAME, metric.NAME, state, id, number, exit_code, "
                                             "duration, created_at, started_at, ended_at, name or tag)"));
    fields.push_back(*field);
  }
  auto rows = ApplyRunQuery(ToRunRows(*runs), flags.runs.query);
  if (!rows.ok()) return ReportError(rows.error());
  const auto group_by = SplitCommas(flags.runs.group_by);
  if (!group_by.empty()) return PrintGroups(*rows, group_by, flags.json);

  std::map<std::string, const RunRecord*> by_id;
  for (const auto& run : *runs) by_id[run.id] = &run;
  if (flags.json) {
    ValueList docs;
    for (const auto& row : *rows) docs.push_back(RunToValue(*by_id.at(row.id), metric));
    PrintJsonLine(Value(std::move(docs)));
    return kExitOk;
  }
  if (!fields.empty()) {
    Table table(columns);
    for (const auto& row : *rows) {
      std::vector<std::string> cells;
      for (const auto& field : fields) {
        if (field.kind == review::RunField::Kind::kDuration) {
          cells.push_back(RunDuration(*by_id.at(row.id)));
          continue;
        }
        cells.push_back(ScalarText(review::Resolve(field, row)));
      }
      table.AddRow(std::move(cells));
    }
    table.Print(stdout);
    return kExitOk;
  }
  // Names and tags get columns only when some run has them, so plain sweeps keep their table.
  const bool named = std::any_of(runs->begin(), runs->end(), [](const RunRecord& r) { return !r.name.empty(); });
  const bool tagged = std::any_of(runs->begin(), runs->end(), [](const RunRecord& r) { return !r.labels.empty(); });
  std::vector<std::string> header{"ID", "#", "STATE", metric.name.empty() ? "METRIC" : metric.name, "PARAMS",
                                  "DURATION", "EXIT", "REASON"};
  if (named) header.insert(header.begin() + 1, "NAME");
  if (tagged) header.push_back("TAGS");
  Table table(header);
  for (const auto& row : *rows) {
    const RunRecord& run = *by_id.at(row.id);
    const auto objective = ObjectiveOf(run, metric);
    const std::string reason = run.failure_reason.substr(0, run.failure_reason.find('\n'));
    std::vector<std::string> cells{run.id, std::to_string(run.number), std::string(TrialStateName(run.state)),
                                   objective ? FormatMetric(*objective) : "-", FormatParams(run.params),
                                   RunDuration(run), ExitText(run), reason.empty() ? "" : reason};
    if (named) cells.insert(cells.begin() + 1, run.name.empty() ? "-" : run.name);
    if (tagged) cells.push_back(JoinLabels(run.labels));
    table.AddRow(std::move(cells));
  }
  table.Print(stdout);
  return kExitOk;
}

void PrintRunDetails(const RunRecord& run, const SweepRecord& sweep) {
  const MetricSpec metric = MetricOf(sweep);
  const auto objective = ObjectiveOf(run, metric);
  if (sweep.method == kManualMethod)
    std::printf("run        %s (standalone, project %s)\n", run.id.c_str(), sweep.project.c_str());
  else
    std::printf("run        %s (#%lld of sweep %s, project %s)\n", run.id.c_str(), static_cast<long long>(run.number),
                run.sweep_id.c_str(), sweep.project.c_str());
  if (!run.name.empty()) std::printf("name       %s\n", run.name.c_str());
  std::printf("state      %s\n", std::string(TrialStateName(run.state)).c_str());
  if (!run.labels.empty()) std::printf("tags       %s\n", JoinLabels(run.labels).c_str());
  if (run.stop_requested && !IsTerminal(run.state)) std::printf("stop       requested (sweep stop)\n");
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
  // Tags by what they are: the captured environment, artifacts, values the
  // trial put in its summary, the retry link, and everything else.
  std::map<std::string, std::string> environment, artifacts, summary, other;
  for (const auto& [k, v] : run.tags) {
    if (HasPrefix(k, kEnvTagPrefix) || HasPrefix(k, kGpuTagPrefix) || HasPrefix(k, kSweepTagPrefix)) environment[k] = v;
    else if (HasPrefix(k, kArtifactTagPrefix)) artifacts[k.substr(std::string(kArtifactTagPrefix).size())] = v;
    else if (HasPrefix(k, kSummaryTagPrefix)) summary[k.substr(std::string(kSummaryTagPrefix).size())] = v;
    else if (k != kTagRetryOf && k != kTagAttempt) other[k] = v;
  }
  auto section = [](const char* title, const std::map<std::string, std::string>& entries) {
    if (entries.empty()) return;
    std::printf("\n%s\n", title);
    for (const auto& [k, v] : entries) std::printf("  %-24s %s\n", k.c_str(), v.c_str());
  };
  section("summary", summary);
  section("environment", environment);
  section("artifacts (sha256 size path)", artifacts);
  if (auto retry = run.tags.find(kTagRetryOf); retry != run.tags.end()) {
    auto attempt = run.tags.find(kTagAttempt);
    std::printf("\nretry      attempt %s, retry of run %s\n", attempt == run.tags.end() ? "?" : attempt->second.c_str(),
                retry->second.c_str());
  }
  section("tags", other);
  if (!run.notes.empty()) std::printf("\nnotes\n%s\n", run.notes.c_str());
}

int ShowRun(const InspectFlags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto run = FindRun(**store, flags.target);
  if (!run.ok()) return ReportError(run.error());
  auto sweep = (*store)->GetSweep(run->sweep_id);
  if (!sweep.ok()) return ReportError(sweep.error());
  const MetricSpec metric = MetricOf(*sweep);
  if (flags.json) PrintJsonLine(RunToValue(*run, metric));
  else PrintRunDetails(*run, *sweep);
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
  PrintRunDetails(*best, *sweep);
  std::printf("\nreproduce  %s\n", CommandLine(best->argv).c_str());
  return kExitOk;
}

CLI::App* AddInspect(CLI::App& app, GlobalOptions& global, const char* name, const char* help, const char* target_help,
                     int (*handler)(const InspectFlags&, const GlobalOptions&),
                     std::shared_ptr<InspectFlags> flags = std::make_shared<InspectFlags>()) {
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
  auto runs_flags = std::make_shared<InspectFlags>();
  CLI::App* runs = AddInspect(app, global, "runs", "One row per run of a sweep or project: state, metric, params, duration, exit",
                              "Sweep id, id prefix or name, or a project", ListRuns, runs_flags);
  runs->get_option("target")->required(false);
  runs->add_option("--project", runs_flags->project, "List the project's runs: all its sweeps and standalone runs");
  AddRunQueryOptions(*runs, runs_flags->runs.query);
  runs->add_option("--columns", runs_flags->runs.columns, "Show only these columns: id,state,param.lr,metric.loss,duration,...")
      ->delimiter(',');
  runs->add_option("--group-by", runs_flags->runs.group_by, "Group by these parameters: mean ± std of each metric, with n")
      ->delimiter(',');
  AddInspect(app, global, "show", "Everything recorded for one run", "Run: id, id prefix, PROJECT/NAME or a unique name",
             ShowRun);
  AddInspect(app, global, "best", "The best run of a sweep and the command line to reproduce it",
             "Sweep id, id prefix or name", ShowBest);
}

}  // namespace sweep::cli
