// Importance over a conditional space (core/conditional_space.h), used by
// ComputeImportance when some parameter has a condition. Private to review/.
//
// Parameters without conditions are rated as usual over every usable run.
// Each conditional parameter is rated apart, over the runs where it was
// active, in a forest of the unconditional parameters plus itself: outside
// those runs it has no value, and imputing one would credit it with its
// parent's effect. Its ParameterImportance says so (active_runs,
// condition). Conditional parameters active in fewer than
// kMinRunsForImportance usable runs are listed in
// ImportanceReport::unrated_conditional instead.
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "core/search_space.h"
#include "review/importance.h"
#include "review/run_row.h"

namespace sweep::review {

Result<ImportanceReport> ComputeConditionalImportance(const SearchSpace& space, const std::vector<RunRow>& rows,
                                                      const std::string& metric, Goal goal,
                                                      const ImportanceOptions& options);

// "optimizer = sgd and layers in [2, 3]": a parameter's conditions for display.
std::string DescribeConditions(const ParameterSpec& p);

}  // namespace sweep::review
