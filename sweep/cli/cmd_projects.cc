// `sweep projects [--json]`: every project in the store, with its sweeps and
// runs (sweep/run_scope.h). A project's runs: `sweep runs --project P`.
#include <cstdio>

#include "sweep/cli/cli.h"
#include "sweep/cli/console.h"
#include "sweep/run_scope.h"

namespace sweep::cli {
namespace {

int ListProjectsCommand(bool json, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto projects = ListProjects(**store);
  if (!projects.ok()) return ReportError(projects.error());
  if (json) {
    ValueList docs;
    for (const auto& p : *projects) {
      docs.push_back(ValueMap{{"name", p.name},
                              {"sweeps", static_cast<std::int64_t>(p.sweeps)},
                              {"runs", static_cast<std::int64_t>(p.runs)},
                              {"standalone_runs", static_cast<std::int64_t>(p.standalone_runs)},
                              {"updated_at", p.last_activity}});
    }
    PrintJsonLine(Value(std::move(docs)));
    return kExitOk;
  }
  if (projects->empty()) {
    std::printf("no projects in %s\n", ResolveStorePath(global).c_str());
    return kExitOk;
  }
  Table table({"PROJECT", "SWEEPS", "RUNS", "STANDALONE", "UPDATED"});
  for (const auto& p : *projects) {
    table.AddRow({p.name, std::to_string(p.sweeps), std::to_string(p.runs), std::to_string(p.standalone_runs),
                  FormatTimestamp(p.last_activity)});
  }
  table.Print(stdout);
  return kExitOk;
}

}  // namespace

void RegisterProjectsCommand(CLI::App& app, GlobalOptions& global) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("projects", "List projects: their sweeps and runs (standalone ones included)");
  cmd->add_flag("--json", *json, "Print JSON (stable field names, see README)");
  AddStoreOption(*cmd, global);
  cmd->callback([json, &global] {
    const int rc = ListProjectsCommand(*json, global);
    if (rc != kExitOk) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sweep::cli
