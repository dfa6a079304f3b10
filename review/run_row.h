// RunRow: the plain, store-independent view of one run that every review
// function (importance, filter, sort, group, compare, export) reads. The CLI
// adapts tracking records into it, so review/ never links the store.
//
// Thread-safety: a plain value type; concurrent const access is safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/search_space.h"
#include "core/trial.h"
#include "core/value.h"

namespace sweep::review {

struct RunRow {
  std::string id;
  std::int64_t number = 0;
  TrialState state = TrialState::kQueued;
  Config params;                          // names are ParameterSpec::name()
  std::map<std::string, double> metrics;  // summary values (may be NaN)
  // Seconds since the Unix epoch; nullopt while unknown (e.g. not started).
  std::optional<double> created_at, started_at, ended_at;
  std::optional<int> exit_code;
  std::string name;                 // the run's name (may be empty, need not be unique)
  std::vector<std::string> labels;  // the user's tags, sorted
  // Why it did not finish, in one line (FailureHeadline); empty when it did.
  std::string reason;
};

// The value of parameter `name`: an exact Config name first, else the longest
// Config name that is a dotted prefix of `name`, descending into its map value
// ("opt.betas.b1" finds ("opt", {"betas": {"b1": ...}})). nullptr when absent.
const Value* FindParam(const RunRow& row, std::string_view name);

// The summary value of metric `name`, or nullopt when the run has none.
std::optional<double> FindMetric(const RunRow& row, std::string_view name);

// ended_at - started_at when both are known.
std::optional<double> Duration(const RunRow& row);

}  // namespace sweep::review
