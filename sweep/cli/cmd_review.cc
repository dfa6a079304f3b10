// Reviewing a sweep: importance, compare/diff, export, history. Conversion
// from store records lives in sweep/review_rows (one adapter for every command).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <sstream>

#include "core/goal_name.h"
#include "core/value_json.h"
#include "review/compare_runs.h"
#include "review/export.h"
#include "sweep/cli/cli.h"
#include "sweep/cli/terminal_text.h"
#include "sweep/cli/console.h"
#include "sweep/cli/run_query_options.h"
#include "sweep/review_rows.h"
#include "sweep/input_diff.h"
#include "sweep/package_diff.h"
#include "sweep/run_scope.h"

namespace sweep::cli {
namespace {

// Width of the importance bar at importance 1.0 (shares sum to 1).
constexpr int kImportanceBarWidth = 20;
// compare needs two runs to have anything to compare; diff is exactly two.
constexpr std::size_t kMinCompareRuns = 2;
constexpr std::size_t kDiffRuns = 2;

// Runs a command body and turns a non-zero exit into CLI11's exit path.
template <typename Fn>
void ExitWith(Fn&& body) {
  const int rc = body();
  if (rc != kExitOk) throw CLI::RuntimeError(rc);
}

std::string Bar(double share) {
  const int n = static_cast<int>(std::lround(std::clamp(share, 0.0, 1.0) * kImportanceBarWidth));
  std::string bar;
  for (int i = 0; i < n; ++i) bar += "\u2588";
  return bar;
}

// "–" (not computed: a categorical of strings has no order), as the
// dashboard and the report show it.
constexpr const char* kNotComputed = "\u2013";

std::string SignedCorrelation(const std::optional<double>& rho) {
  if (!rho) return kNotComputed;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.3f", *rho);
  return buf;
}

// ---- importance ----

struct ImportanceFlags {
  std::string sweep, metric;
  bool project = false;
  bool json = false;
  int trees = review::ImportanceOptions{}.trees;
  std::uint64_t seed = 0;
};

int Importance(const ImportanceFlags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto sweep = LoadCliRunScope(**store, flags.sweep, flags.project);
  if (!sweep.ok()) return ReportError(sweep.error());
  const std::vector<RunRecord>* runs = &sweep->runs;
  review::ImportanceOptions options;
  options.trees = flags.trees;
  options.seed = flags.seed;
  auto report = SweepImportance(sweep->spec, *runs, flags.metric, options);
  if (!report.ok()) return ReportError(report.error());
  // GP relevance only for bayes sweeps in builds with the Bayesian optimizer.
  const auto relevance = flags.metric.empty() || flags.metric == sweep->spec.metric.name
                             ? GpRelevance(sweep->spec, *runs)
                             : std::map<std::string, double>{};
  auto relevance_of = [&](const std::string& name) -> std::optional<double> {
    auto it = relevance.find(name);
    return it == relevance.end() ? std::nullopt : std::optional<double>(it->second);
  };
  if (flags.json) {
    ValueList params;
    for (const auto& p : report->parameters) {
      ValueMap param{{"name", p.name},
                     {"importance", p.importance},
                     {"importance_std", p.importance_std},
                     {"spearman", p.spearman ? Value(*p.spearman) : Value(nullptr)}};
      if (!relevance.empty()) param.emplace_back("gp_relevance", relevance_of(p.name) ? Value(*relevance_of(p.name)) : Value(nullptr));
      if (p.active_runs) {
        param.emplace_back("active_runs", *p.active_runs);
        param.emplace_back("condition", p.condition);
      }
      params.push_back(std::move(param));
    }
    PrintJsonLine(ValueMap{{"sweep_id", sweep->is_project ? Value(nullptr) : Value(sweep->record.id)},
                           {"project", sweep->is_project ? Value(sweep->record.project) : Value(nullptr)},
                           {"metric", report->metric},
                           {"goal", std::string(GoalName(report->goal))},
                           {"runs_used", report->runs_used},
                           {"runs_not_finished", report->runs_not_finished},
                           {"runs_without_metric", report->runs_without_metric},
                           {"runs_with_unusable_params", report->runs_with_unusable_params},
                           {"parameters", std::move(params)},
                           {"unrated_conditional", ValueList(report->unrated_conditional.begin(),
                                                              report->unrated_conditional.end())}});
    return kExitOk;
  }
  std::printf("importance of %s (%s) over %d finished runs", TerminalSafe(report->metric).c_str(),
              std::string(GoalName(report->goal)).c_str(), report->runs_used);
  std::printf("; left out: %d not finished, %d without the metric, %d with unusable params\n",
              report->runs_not_finished, report->runs_without_metric, report->runs_with_unusable_params);
  // The library returns the most important first; the table keeps that order.
  std::vector<std::string> header{"PARAMETER", "IMPORTANCE", "", "SPEARMAN"};
  if (!relevance.empty()) header.push_back("GP RELEVANCE");
  Table table(header);
  for (const auto& p : report->parameters) {
    char share[48];
    std::snprintf(share, sizeof share, "%.3f \u00b1 %.3f", p.importance, p.importance_std);
    // A conditional parameter's share is over the runs where it was active.
    std::vector<std::string> row{p.active_runs ? p.name + " *" : p.name, share, Bar(p.importance),
                                 SignedCorrelation(p.spearman)};
    if (!relevance.empty()) row.push_back(relevance_of(p.name) ? FormatMetric(*relevance_of(p.name)) : "-");
    table.AddRow(std::move(row));
  }
  table.Print(stdout);
  for (const auto& p : report->parameters) {
    if (!p.active_runs) continue;
    std::printf("* %s: rated over the %d runs where it was active (%s)\n", TerminalSafe(p.name).c_str(),
                *p.active_runs, TerminalSafe(p.condition).c_str());
  }
  for (const auto& name : report->unrated_conditional) {
    std::printf("%s: active in too few finished runs to be rated\n", TerminalSafe(name).c_str());
  }
  return kExitOk;
}

// ---- compare / diff ----

struct CompareFlags {
  std::vector<std::string> runs;
  std::string project;  // --project: also every run of this project that passes `query`
  RunQuery query;
  bool json = false;
  bool all_environment = false;  // --all: also the fields that differ between any two runs
};

// The runs named, after the runs of --project that pass --filter/--sort/--limit.
Result<std::vector<RunRecord>> ComparedRuns(Store& store, const CompareFlags& flags) {
  std::vector<RunRecord> records;
  if (flags.project.empty()) {
    if (!flags.query.filter.empty() || !flags.query.sort.empty() || flags.query.limit)
      return Error::InvalidInput("--filter, --sort and --limit choose among a project's runs: give --project");
  } else {
    auto scope = LoadRunScope(store, flags.project, /*project_only=*/true);
    if (!scope.ok()) return scope.error();
    auto rows = ApplyRunQuery(ToRunRows(scope->runs), flags.query);
    if (!rows.ok()) return rows.error();
    std::map<std::string, const RunRecord*> by_id;
    for (const auto& run : scope->runs) by_id[run.id] = &run;
    for (const auto& row : *rows) records.push_back(*by_id.at(row.id));
  }
  for (const auto& id : flags.runs) {
    auto run = FindRun(store, id);
    if (!run.ok()) return run.error();
    records.push_back(std::move(run).value());
  }
  return records;
}

// Environment fields that differ between any two runs of a sweep by
// construction (the command line carries the run's own params), so listing
// them says nothing; --all shows them.
constexpr std::string_view kAlwaysDifferingEnvironment[] = {"env.command"};

std::string CellText(const std::optional<Value>& v) { return v ? FormatPythonArg(*v) : "-"; }

Value ComparedToValue(const std::vector<review::ComparedValues>& list) {
  ValueMap out;
  for (const auto& item : list) {
    ValueList values;
    for (const auto& v : item.values) values.push_back(v ? *v : Value(nullptr));
    out.emplace_back(item.name, std::move(values));
  }
  return out;
}

// The data inputs that differ (DifferingInputs): for two runs a sentence
// each ("data changed: train.csv sha256 ab12… → cd34…"), else one digest per run.
void PrintDataSection(const std::vector<review::ComparedValues>& inputs, std::size_t runs) {
  std::printf("\ndata that differs\n");
  if (inputs.empty()) std::printf("  (none: same data, or no data inputs recorded)\n");
  for (const auto& input : inputs) {
    if (runs == kDiffRuns) {
      std::printf("  %s\n", TerminalSafe(DataChangeLine(input)).c_str());
      continue;
    }
    std::printf("  %s:", TerminalSafe(input.name).c_str());
    for (const auto& v : input.values) std::printf("  %s", v ? TerminalSafe(ShortDigest(v->as_string())).c_str() : "-");
    std::printf("\n");
  }
}

int Compare(const CompareFlags& flags, const GlobalOptions& global, std::size_t min_runs, std::size_t max_runs) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto records = ComparedRuns(**store, flags);
  if (!records.ok()) return ReportError(records.error());
  if (records->size() < min_runs || records->size() > max_runs) {
    const std::string expected = min_runs == max_runs ? "exactly " + std::to_string(min_runs)
                                                      : "at least " + std::to_string(min_runs);
    return ReportError(Error::InvalidInput("expected " + expected + " runs, got " + std::to_string(records->size())));
  }
  std::vector<review::RunRow> rows;
  std::vector<review::Environment> envs;
  for (const auto& run : *records) {
    rows.push_back(ToRunRow(run));
    envs.push_back(EnvironmentOf(run));
    if (!flags.all_environment) {
      for (std::string_view key : kAlwaysDifferingEnvironment) envs.back().erase(std::string(key));
    }
  }
  const auto packages = DifferingPackages(*records);
  const auto inputs = DifferingInputs(*records);
  auto cmp = review::CompareRuns(rows, envs);
  if (!cmp.ok()) return ReportError(cmp.error());
  if (flags.json) {
    ValueList ids(cmp->run_ids.begin(), cmp->run_ids.end());
    ValueMap metrics;
    for (const auto& m : cmp->metrics) {
      ValueList values;
      for (const auto& v : m.values) values.push_back(v ? Value(*v) : Value(nullptr));
      metrics.emplace_back(m.name, std::move(values));
    }
    PrintJsonLine(ValueMap{{"runs", std::move(ids)},
                           {"params", ComparedToValue(cmp->differing_params)},
                           {"common_params", ValueMap(cmp->common_params.begin(), cmp->common_params.end())},
                           {"environment", ComparedToValue(cmp->differing_environment)},
                           {"packages", ComparedToValue(packages)},
                           {"inputs", ComparedToValue(inputs)},
                           {"metrics", std::move(metrics)}});
    return kExitOk;
  }
  std::vector<std::string> header{""};
  for (const auto& id : cmp->run_ids) header.push_back(id);
  auto section = [&](const char* title, const std::vector<review::ComparedValues>& list, const char* none) {
    std::printf("%s\n", title);
    if (list.empty()) {
      std::printf("  %s\n", none);
      return;
    }
    auto h = header;
    h[0] = "  NAME";
    Table table(h);
    for (const auto& item : list) {
      std::vector<std::string> row{"  " + item.name};
      for (const auto& v : item.values) row.push_back(CellText(v));
      table.AddRow(std::move(row));
    }
    table.Print(stdout);
  };
  section("parameters that differ", cmp->differing_params, "(none: same parameters)");
  std::printf("\n");
  section("environment that differs", cmp->differing_environment, "(none)");
  std::printf("\n");
  section("python packages that differ", packages, "(none, or no package lists)");
  PrintDataSection(inputs, records->size());
  std::printf("\nmetrics (summary values)\n");
  auto h = header;
  h[0] = "  KEY";
  Table table(h);
  for (const auto& m : cmp->metrics) {
    std::vector<std::string> row{"  " + m.name};
    for (const auto& v : m.values) row.push_back(v ? FormatMetric(*v) : "-");
    table.AddRow(std::move(row));
  }
  table.Print(stdout);
  return kExitOk;
}

// ---- export ----

struct ExportFlags {
  std::string sweep, format = "csv", output;
  bool project = false;
  RunQuery query;
};

int Export(const ExportFlags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto scope = LoadCliRunScope(**store, flags.sweep, flags.project);
  if (!scope.ok()) return ReportError(scope.error());
  auto rows = ApplyRunQuery(ToRunRows(scope->runs), flags.query);
  if (!rows.ok()) return ReportError(rows.error());
  std::ofstream file;
  if (!flags.output.empty()) {
    file.open(flags.output, std::ios::binary);
    if (!file) return ReportError(Error::Io("cannot write " + flags.output));
  }
  std::ostream& out = flags.output.empty() ? std::cout : file;
  if (flags.format == "csv") review::WriteCsv(*rows, out);
  else if (flags.format == "json") review::WriteJson(*rows, out);
  else review::WriteJsonl(*rows, out);
  out.flush();
  if (!out) return ReportError(Error::Io("writing the export failed"));
  if (!flags.output.empty()) std::fprintf(stderr, "wrote %zu runs to %s\n", rows->size(), flags.output.c_str());
  return kExitOk;
}

// ---- history ----

struct HistoryFlags {
  std::string run, metric, format = "csv";
};

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

int History(const HistoryFlags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto run = FindRun(**store, flags.run);
  if (!run.ok()) return ReportError(run.error());
  auto points = (*store)->GetMetrics(run->id, flags.metric);  // empty key: every key
  if (!points.ok()) return ReportError(points.error());
  if (flags.format == "jsonl") {
    for (const auto& p : *points)
      std::printf("%s\n", ToJson(ValueMap{{"key", p.key}, {"step", p.step}, {"value", p.value}, {"time", p.time}}).c_str());
    return kExitOk;
  }
  std::printf("key,step,value,time\n");
  for (const auto& p : *points)
    std::printf("%s,%lld,%s,%s\n", CsvField(p.key).c_str(), static_cast<long long>(p.step), ToJson(Value(p.value)).c_str(),
                ToJson(Value(p.time)).c_str());
  return kExitOk;
}

}  // namespace

void AddRunQueryOptions(CLI::App& cmd, RunQuery& query) {
  cmd.add_option("--filter", query.filter, "Keep runs matching EXPR, e.g. \"state = finished and metric.loss < 0.5\"");
  cmd.add_option("--sort", query.sort, "Order by comma-separated keys, '-' for descending: -metric.loss,param.lr");
  cmd.add_option("--limit", query.limit, "Keep at most N runs (after filter and sort)")->check(CLI::NonNegativeNumber);
}


void RegisterReviewCommands(CLI::App& app, GlobalOptions& global) {
  {
    auto flags = std::make_shared<ImportanceFlags>();
    CLI::App* cmd = app.add_subcommand("importance", "Parameter importance (fANOVA ± std) and Spearman correlation");
    cmd->add_option("sweep", flags->sweep, "Sweep id, id prefix or name, or a project")->required();
    cmd->add_flag("--project", flags->project, "The target is a project: all its runs (sweeps and standalone)");
    cmd->add_option("--metric", flags->metric, "Metric to explain (default: the sweep metric)");
    cmd->add_option("--trees", flags->trees, "Trees in the random forest")->check(CLI::PositiveNumber);
    cmd->add_option("--seed", flags->seed, "Random seed of the forest");
    cmd->add_flag("--json", flags->json, "Print JSON");
    AddStoreOption(*cmd, global);
    cmd->callback([flags, &global] { ExitWith([&] { return Importance(*flags, global); }); });
  }
  for (const bool diff : {false, true}) {
    auto flags = std::make_shared<CompareFlags>();
    CLI::App* cmd = diff ? app.add_subcommand("diff", "Compare exactly two runs (same as compare with two runs)")
                         : app.add_subcommand("compare",
                                              "Runs side by side: differing params, environment, packages, data, "
                                              "metrics");
    cmd->add_option("runs", flags->runs, "Runs: id, id prefix, PROJECT/NAME or a unique name");
    if (!diff) {
      cmd->add_option("--project", flags->project,
                      "Compare the runs of project P (its sweeps' and standalone ones), those --filter keeps, "
                      "before any runs named");
      AddRunQueryOptions(*cmd, flags->query);
    }
    cmd->add_flag("--json", flags->json, "Print JSON");
    cmd->add_flag("--all", flags->all_environment, "Also show environment fields that differ for every run (env.command)");
    AddStoreOption(*cmd, global);
    const std::size_t max_runs = diff ? kDiffRuns : std::numeric_limits<std::size_t>::max();
    const std::size_t min_runs = diff ? kDiffRuns : kMinCompareRuns;
    cmd->callback([flags, &global, min_runs, max_runs] {
      ExitWith([&] { return Compare(*flags, global, min_runs, max_runs); });
    });
  }
  {
    auto flags = std::make_shared<ExportFlags>();
    CLI::App* cmd = app.add_subcommand("export", "One row per run as CSV, JSON or JSON Lines (pandas-ready)");
    cmd->add_option("sweep", flags->sweep, "Sweep id, id prefix or name, or a project")->required();
    cmd->add_flag("--project", flags->project, "The target is a project: all its runs (sweeps and standalone)");
    cmd->add_option("--format", flags->format, "csv, json or jsonl")->check(CLI::IsMember({"csv", "json", "jsonl"}));
    cmd->add_option("-o,--output", flags->output, "Write to FILE instead of stdout");
    AddRunQueryOptions(*cmd, flags->query);
    AddStoreOption(*cmd, global);
    cmd->callback([flags, &global] { ExitWith([&] { return Export(*flags, global); }); });
  }
  {
    auto flags = std::make_shared<HistoryFlags>();
    CLI::App* cmd = app.add_subcommand("history", "A run's metric series: key, step, value, time");
    cmd->add_option("run", flags->run, "Run: id, id prefix, PROJECT/NAME or a unique name")->required();
    cmd->add_option("--metric", flags->metric, "Only this metric key (default: every key)");
    cmd->add_option("--format", flags->format, "csv or jsonl")->check(CLI::IsMember({"csv", "jsonl"}));
    AddStoreOption(*cmd, global);
    cmd->callback([flags, &global] { ExitWith([&] { return History(*flags, global); }); });
  }
}

}  // namespace sweep::cli
