// A search space read off the parameters runs actually had, for review
// commands over runs that no spec produced: a project's runs (several
// sweeps, standalone runs), a manual sweep. Per parameter name, in order of
// first appearance: all values integers -> int_uniform over their range;
// all numbers -> uniform over their range; one distinct value -> constant;
// anything else -> categorical over the distinct values. Bools are
// categorical, as W&B's `values: [true, false]`.
#pragma once

#include <vector>

#include "core/search_space.h"
#include "tracking/store.h"

namespace sweep {

SearchSpace InferSearchSpace(const std::vector<RunRecord>& runs);

}  // namespace sweep
