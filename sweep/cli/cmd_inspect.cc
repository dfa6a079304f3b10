// Read-only commands over the store: sweeps, runs, show, best.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <cstdio>
#include <sstream>

#include "core/shell_quote.h"
#include "sweep/cli/cli.h"
#include "review/group_runs.h"
#include "review/run_field.h"
#include "sweep/cli/console.h"
#include "sweep/cli/did_you_mean.h"
#include "sweep/cli/run_query_options.h"
#include "sweep/cli/stored_sweep.h"
#include "sweep/cli/terminal_text.h"
#include "sweep/failure_policy.h"
#include "sweep/input_diff.h"
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

// --group-by takes param.NAME, like --columns, --sort and --filter (a bare
// parameter name is accepted too); a parameter no run has is an error.
Result<std::vector<std::string>> GroupByParams(const std::vector<std::string>& fields,
                                               const std::vector<review::RunRow>& rows) {
  std::vector<std::string> params;
  std::set<std::string> known;
  for (const auto& row : rows)
    for (const auto& [name, value] : row.params) known.insert("param." + name);
  for (const auto& field : fields) {
    auto parsed = review::RunField::Parse(field);
    std::string name = field;
    if (parsed && parsed->kind == review::RunField::Kind::kParam) name = parsed->name;
    else if (parsed) return Error::InvalidInput("--group-by: '" + field + "' is not a parameter (expected param.NAME)");
    const bool present = rows.empty() || std::any_of(rows.begin(), rows.end(), [&](const review::RunRow& row) {
                           return review::FindParam(row, name) != nullptr;
                         });
    if (!present) {
      return Error::InvalidInput("--group-by: no run has the parameter '" + name + "'" +
                                 DidYouMean(field, std::vector<std::string>(known.begin(), known.end())));
    }
    params.push_back(name);
  }
  return params;
}

// --group-by: one row per distinct combination, n and mean ± std per metric.
int PrintGroups(const std::vector<review::RunRow>& rows, const std::vector<std::string>& group_by, bool json) {
  auto groups = review::GroupRuns(rows, group_by);
  // In order of their parameter values, so the table reads like a grid.
  std::stable_sort(groups.begin(), groups.end(), [](const review::RunGroup& a, const review::RunGroup& b) {
    for (std::size_t i = 0; i < a.key.size() && i < b.key.size(); ++i) {
      const Value& x = a.key[i].second;
      const Value& y = b.key[i].second;
      if (x.is_number() && y.is_number()) {
        if (x.as_number() != y.as_number()) return x.as_number() < y.as_number();
        continue;
      }
      const std::string xs = FormatPythonArg(x), ys = FormatPythonArg(y);
      if (xs != ys) return xs < ys;
    }
    return false;
  });
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
  Table table({"ID", "NAME", "METHOD", "STATE", "RUNS", "FINISHED", "FAILED", "CRASHED", "KILLED", "STOPPED", "METRIC",
               "BEST", "CREATED"});
  for (const auto& sweep : *sweeps) {
    auto runs = (*store)->ListRuns(sweep.id);
    if (!runs.ok()) return ReportError(runs.error());
    if (flags.json) {
      docs.push_back(SweepToValue(sweep, &*runs));
      continue;
    }
    std::map<TrialState, std::int64_t> by_state;
    for (const auto& r : *runs) ++by_state[r.state];
    // A sweep left "running" with no run in progress (its --count or
    // run_cap used up, its agents gone) waits for an agent: say so.
    const bool active = by_state[TrialState::kRunning] + by_state[TrialState::kQueued] > 0;
    const std::string state = sweep.state == SweepState::kRunning && !active
                                  ? "idle"
                                  : std::string(SweepStateName(sweep.state));
    const MetricSpec metric = MetricOf(sweep);
    const RunRecord* best = BestRun(*runs, metric);
    std::string metric_text = metric.name.empty() ? "-" : (metric.goal == Goal::kMinimize ? "min " : "max ") + metric.name;
    table.AddRow({sweep.id, sweep.name.empty() ? "-" : sweep.name, sweep.method,
                  state, std::to_string(runs->size()), std::to_string(by_state[TrialState::kFinished]),
                  std::to_string(by_state[TrialState::kFailed]), std::to_string(by_state[TrialState::kCrashed]),
                  std::to_string(by_state[TrialState::kKilled]), std::to_string(by_state[TrialState::kStopped]), metric_text, best ? FormatMetric(*ObjectiveOf(*best, metric)) : "-",
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

// The default `sweep runs` table: one column per parameter, the sweep metric,
// then the other metrics while the table fits the terminal (a pipe gets up to
// kMaxOtherMetricColumns of them), and the failure reason last.
constexpr std::size_t kMaxOtherMetricColumns = 8;
// Room kept for the REASON column when deciding which metrics fit.
constexpr std::size_t kReasonMinWidth = 24;

void PrintRunsTable(const std::vector<review::RunRow>& rows, const std::map<std::string, const RunRecord*>& by_id,
                    const MetricSpec& metric) {
  std::vector<std::string> params, others;
  std::set<std::string> other_set;
  for (const auto& row : rows) {
    for (const auto& [name, value] : row.params)
      if (std::find(params.begin(), params.end(), name) == params.end()) params.push_back(name);
    for (const auto& [name, value] : row.metrics)
      if (name != metric.name && !HasPrefix(name, "system/")) other_set.insert(name);
  }
  others.assign(other_set.begin(), other_set.end());
  auto cell = [](const Value* v) {
    if (v == nullptr || v->is_null()) return std::string("-");
    return v->is_double() ? FormatMetric(v->as_double()) : FormatPythonArg(*v);
  };
  auto metric_cell = [](const review::RunRow& row, const std::string& name) {
    auto value = review::FindMetric(row, name);
    return value ? FormatMetric(*value) : std::string("-");
  };
  // Names and tags get columns only when some run has them, so plain sweeps keep their table.
  const bool named = std::any_of(rows.begin(), rows.end(), [&](const auto& r) { return !by_id.at(r.id)->name.empty(); });
  const bool tagged =
      std::any_of(rows.begin(), rows.end(), [&](const auto& r) { return !by_id.at(r.id)->labels.empty(); });
  // The columns every run has, in both passes below.
  auto fixed_cells = [&](const review::RunRow& row) {
    const RunRecord& run = *by_id.at(row.id);
    const auto objective = ObjectiveOf(run, metric);
    std::vector<std::string> cells{run.id};
    if (named) cells.push_back(run.name.empty() ? "-" : run.name);
    cells.insert(cells.end(), {std::to_string(run.number), std::string(TrialStateName(run.state)),
                               objective ? FormatMetric(*objective) : "-"});
    for (const auto& name : params) cells.push_back(cell(review::FindParam(row, name)));
    cells.push_back(RunDuration(run));
    cells.push_back(ExitText(run));
    if (tagged) cells.push_back(run.labels.empty() ? "-" : JoinLabels(run.labels));
    return cells;
  };
  // Widths decide how many of the other metrics fit.
  std::vector<std::string> header{"ID"};
  if (named) header.push_back("NAME");
  header.insert(header.end(), {"#", "STATE", metric.name.empty() ? "METRIC" : metric.name});
  header.insert(header.end(), params.begin(), params.end());
  header.insert(header.end(), {"DURATION", "EXIT"});
  if (tagged) header.push_back("TAGS");
  header.insert(header.end(), others.begin(), others.end());
  Table all(header);
  for (const auto& row : rows) {
    std::vector<std::string> cells = fixed_cells(row);
    for (const auto& name : others) cells.push_back(metric_cell(row, name));
    all.AddRow(std::move(cells));
  }
  const std::size_t fixed = header.size() - others.size();
  std::size_t width = 0;
  for (std::size_t i = 0; i < fixed; ++i) width += all.ColumnWidth(i) + 2;
  const auto columns = TerminalColumns(stdout);
  std::size_t shown_others = 0;
  while (shown_others < others.size() && shown_others < kMaxOtherMetricColumns) {
    const std::size_t next = all.ColumnWidth(fixed + shown_others) + 2;
    if (columns && width + next + kReasonMinWidth > *columns) break;
    width += next;
    ++shown_others;
  }
  header.resize(fixed + shown_others);
  header.push_back("REASON");
  Table table(header);
  for (const auto& row : rows) {
    std::vector<std::string> cells = fixed_cells(row);
    for (std::size_t i = 0; i < shown_others; ++i) cells.push_back(metric_cell(row, others[i]));
    cells.push_back(FailureHeadline(by_id.at(row.id)->failure_reason));
    table.AddRow(std::move(cells));
  }
  table.Print(stdout);
}

int ListRuns(const InspectFlags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  if (flags.target.empty() == flags.project.empty())
    return ReportError(Error::InvalidInput("name a sweep or a project (--project P), not both"));
  auto scope = LoadCliRunScope(**store, flags.project.empty() ? flags.target : flags.project, !flags.project.empty());
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
      return ReportError(Error::InvalidInput(
          "--columns: unknown column '" + name +
          "' (expected param.NAME, metric.NAME, state, id, number, exit_code, duration, created_at, started_at, "
          "ended_at, reason, name or tag)" +
          DidYouMean(name, {"state", "id", "number", "exit_code", "duration", "created_at", "started_at", "ended_at",
                            "reason", "name", "tag"})));
    fields.push_back(*field);
  }
  auto rows = ApplyRunQuery(ToRunRows(*runs), flags.runs.query);
  if (!rows.ok()) return ReportError(rows.error());
  auto group_by = GroupByParams(SplitCommas(flags.runs.group_by), *rows);
  if (!group_by.ok()) return ReportError(group_by.error());
  if (!group_by->empty()) return PrintGroups(*rows, *group_by, flags.json);

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
        const auto value = review::Resolve(field, row);
        const bool is_time = field.kind == review::RunField::Kind::kCreatedAt ||
                             field.kind == review::RunField::Kind::kStartedAt ||
                             field.kind == review::RunField::Kind::kEndedAt;
        const double* seconds = value ? std::get_if<double>(&*value) : nullptr;
        cells.push_back(is_time && seconds ? FormatTimestamp(*seconds) : ScalarText(value));
      }
      table.AddRow(std::move(cells));
    }
    table.Print(stdout);
    return kExitOk;
  }
  PrintRunsTable(*rows, by_id, metric);
  return kExitOk;
}

void PrintRunDetails(const RunRecord& run, const SweepRecord& sweep) {
  const MetricSpec metric = MetricOf(sweep);
  const auto objective = ObjectiveOf(run, metric);
  // Names, values, reasons and tags come from the trial or the spec: every one
  // is printed through TerminalSafe.
  const auto safe = [](const std::string& text) { return TerminalSafe(text); };
  if (sweep.method == kManualMethod)
    std::printf("run        %s (standalone, project %s)\n", run.id.c_str(), safe(sweep.project).c_str());
  else
    std::printf("run        %s (#%lld of sweep %s, project %s)\n", run.id.c_str(), static_cast<long long>(run.number),
                run.sweep_id.c_str(), safe(sweep.project).c_str());
  if (!run.name.empty()) std::printf("name       %s\n", safe(run.name).c_str());
  std::printf("state      %s\n", std::string(TrialStateName(run.state)).c_str());
  if (!run.labels.empty()) std::printf("tags       %s\n", safe(JoinLabels(run.labels)).c_str());
  if (run.stop_requested && !IsTerminal(run.state)) std::printf("stop       requested (sweep stop)\n");
  if (!metric.name.empty())
    std::printf("%-10s %s\n", safe(metric.name).c_str(), objective ? FormatMetric(*objective).c_str() : "-");
  if (!run.failure_reason.empty()) std::printf("reason     %s\n", TerminalSafe(run.failure_reason, LineBreaks::kKeep).c_str());
  std::printf("exit       %s\n", ExitText(run).c_str());
  std::printf("started    %s\n", FormatTimestamp(run.started_at).c_str());
  std::printf("ended      %s\n", FormatTimestamp(run.ended_at).c_str());
  std::printf("duration   %s\n", RunDuration(run).c_str());
  std::printf("host       %s   agent %s   pid %d\n", safe(run.host).c_str(), safe(run.agent_id).c_str(),
              run.pid);
  std::printf("command    %s\n", run.argv.empty() ? "-" : safe(ShellQuoteCommand(run.argv)).c_str());
  std::printf("run dir    %s\n", run.run_dir.empty() ? "-" : safe(run.run_dir).c_str());
  std::printf("\nparameters\n");
  for (const auto& [name, value] : run.params) std::printf("  %-24s %s\n", safe(name).c_str(), safe(FormatPythonArg(value)).c_str());
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
    else if (HasPrefix(k, kInputTagPrefix)) continue;  // the data section below
    else if (k != kTagRetryOf && k != kTagAttempt) other[k] = v;
  }
  auto section = [&safe](const char* title, const std::map<std::string, std::string>& entries) {
    if (entries.empty()) return;
    std::printf("\n%s\n", title);
    for (const auto& [k, v] : entries) std::printf("  %-24s %s\n", safe(k).c_str(), safe(v).c_str());
  };
  section("summary", summary);
  section("environment", environment);
  section("artifacts (sha256 size path)", artifacts);
  if (const auto inputs = InputsOf(run); !inputs.empty()) {
    std::printf("\ndata (digest, size, files, rows, path)\n");
    for (const auto& input : inputs) {
      std::string line = input.name + "  " + input.digest + "  " + std::to_string(input.size) + " B  " +
                         std::to_string(input.files) + (input.files == 1 ? " file" : " files");
      if (input.rows) line += "  " + std::to_string(*input.rows) + (*input.rows == 1 ? " row" : " rows");
      if (!input.context.empty()) line += "  (" + input.context + ")";
      std::printf("  %s\n    %s\n", safe(line).c_str(), safe(input.path).c_str());
    }
  }
  if (auto retry = run.tags.find(kTagRetryOf); retry != run.tags.end()) {
    auto attempt = run.tags.find(kTagAttempt);
    std::printf("\nretry      attempt %s, retry of run %s\n", attempt == run.tags.end() ? "?" : safe(attempt->second).c_str(),
                safe(retry->second).c_str());
  }
  section("tags", other);
  if (!run.notes.empty()) std::printf("\nnotes\n%s\n", TerminalSafe(run.notes, LineBreaks::kKeep).c_str());
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
  auto sweep = FindSweep(**store, flags.target);
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
    map.emplace_back("command_line", Value(ShellQuoteCommand(best->argv)));
    PrintJsonLine(Value(std::move(map)));
    return kExitOk;
  }
  PrintRunDetails(*best, *sweep);
  std::printf("\nreproduce  %s\n", TerminalSafe(ShellQuoteCommand(best->argv)).c_str());
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
  runs->add_option("--group-by", runs_flags->runs.group_by, "Group by these parameters (param.NAME): mean ± std of each metric, with n; groups sorted by value")
      ->delimiter(',');
  AddInspect(app, global, "show", "Everything recorded for one run", "Run: id, id prefix, PROJECT/NAME or a unique name",
             ShowRun);
  AddInspect(app, global, "best", "The best run of a sweep and the command line to reproduce it",
             "Sweep id, id prefix or name", ShowBest);
}

}  // namespace sweep::cli
