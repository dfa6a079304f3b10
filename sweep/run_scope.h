// What the review commands (runs, importance, report, export) act on: one
// sweep's runs, or a project's: the runs of all its sweeps plus its
// standalone runs. A project scope carries a stand-in SweepRecord (name =
// the project, method "project", no id; metric and goal of its first sweep
// that has one) and a spec whose search space is inferred from the runs'
// parameters (inferred_space.h); so does a manual sweep, which has no spec.
//
// Also: finding one run by what people call it (FindRun), and listing
// projects (ListProjects).
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "core/sweep_spec.h"
#include "tracking/store.h"

namespace sweep {

// SweepRecord::method of a project scope's stand-in record.
inline constexpr const char* kProjectScopeMethod = "project";

struct RunScope {
  SweepRecord record;
  SweepSpec spec;
  std::vector<RunRecord> runs;  // a sweep's in number order; a project's by creation time
  bool is_project = false;
};

// `target`: a sweep (id, unique id prefix, name) or a project name. A sweep
// wins, except a manual one (it is named after its project): then the
// project. With `project_only` the target must be a project. kNotFound
// names what was looked for.
Result<RunScope> LoadRunScope(Store& store, const std::string& target, bool project_only);

// A run by exact id, unique id prefix, `project/name`, or name alone when
// exactly one run has it. The newest run wins among several with the same
// project/name (names need not be unique, as in W&B and MLflow); a bare name
// several runs share is ambiguous (kInvalidInput listing their ids).
Result<RunRecord> FindRun(Store& store, const std::string& reference);

struct ProjectSummary {
  std::string name;
  std::size_t sweeps = 0;            // real sweeps; the manual one is not counted
  std::size_t runs = 0;              // all runs, standalone included
  std::size_t standalone_runs = 0;
  double last_activity = 0;          // newest sweep update (Unix seconds)
};
// Every project with at least one sweep, by name.
Result<std::vector<ProjectSummary>> ListProjects(Store& store);

}  // namespace sweep
