// Which Python packages differ between runs, from the requirements.txt each
// run's folder holds (agents/host/python_packages.h): what `sweep compare`
// and `sweep diff` print beside the environment tags, whose
// env.python.packages_sha256 only says *that* the lists differ.
#pragma once

#include <vector>

#include "review/compare_runs.h"
#include "tracking/store.h"

namespace sweep {

// One entry per package (PEP 503 name, sorted) whose version is not the same
// in every run: the version per run, nullopt where the run lacks it. Runs
// without a requirements.txt (not Python, or recorded before Sweep kept one)
// are left out of the comparison: their entries are nullopt, and a package
// differs only if the runs that have lists disagree.
std::vector<review::ComparedValues> DifferingPackages(const std::vector<RunRecord>& runs);

}  // namespace sweep
