// The words for a metric goal, as W&B specs, the stores, JSON output and the
// dashboard write them: "minimize" and "maximize". One table for all.
#pragma once

#include <optional>
#include <string_view>

#include "core/trial.h"

namespace sweep {

std::string_view GoalName(Goal goal);
// The inverse of GoalName; nullopt for any other word (case-sensitive, as W&B).
std::optional<Goal> ParseGoal(std::string_view name);

}  // namespace sweep
