// Grouping runs that share parameter values (typically repeats of one
// configuration under different seeds) with per-metric mean ± std.
//
// Thread-safety: a pure function.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "review/run_row.h"

namespace sweep::review {

struct MetricSummary {
  double mean = 0;
  double std = 0;  // sample standard deviation (n - 1); NaN when n < 2
  int n = 0;       // runs with a finite value for the metric
};

struct RunGroup {
  // One (name, value) per group_by name, in that order; a null Value where
  // the runs lack the parameter.
  Config key;
  std::vector<std::string> run_ids;  // input order
  std::map<std::string, MetricSummary> metrics;  // metrics with n >= 1
};

// Groups `rows` by the values of the parameters `group_by` (dotted names reach
// nested values; 1 and 1.0 are different values, as everywhere in Value).
// Groups come in order of first appearance; an empty `group_by` makes one
// group of every row. NaN and infinite metric values are left out of the
// statistics.
std::vector<RunGroup> GroupRuns(const std::vector<RunRow>& rows, const std::vector<std::string>& group_by);

}  // namespace sweep::review
