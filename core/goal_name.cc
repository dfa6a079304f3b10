#include "core/goal_name.h"

namespace sweep {
namespace {

constexpr std::string_view kMinimize = "minimize";
constexpr std::string_view kMaximize = "maximize";

}  // namespace

std::string_view GoalName(Goal goal) { return goal == Goal::kMaximize ? kMaximize : kMinimize; }

std::optional<Goal> ParseGoal(std::string_view name) {
  if (name == kMinimize) return Goal::kMinimize;
  if (name == kMaximize) return Goal::kMaximize;
  return std::nullopt;
}

}  // namespace sweep
