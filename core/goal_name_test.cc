#include "core/goal_name.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

TEST(GoalNameTest, RoundTripsAndRefusesOtherWords) {
  for (Goal goal : {Goal::kMinimize, Goal::kMaximize}) EXPECT_EQ(ParseGoal(GoalName(goal)), goal);
  EXPECT_EQ(GoalName(Goal::kMaximize), "maximize");
  EXPECT_EQ(ParseGoal("Maximize"), std::nullopt);  // W&B compares case-sensitively
  EXPECT_EQ(ParseGoal(""), std::nullopt);
}

}  // namespace
}  // namespace sweep
