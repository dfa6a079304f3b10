#include "core/search_space.h"

#include <gtest/gtest.h>

#include "core/value_json.h"

namespace sweep {
namespace {

TEST(SearchSpace, DistributionNamesRoundTrip) {
  for (auto name : {"constant", "categorical", "int_uniform", "uniform", "q_uniform", "log_uniform",
                    "log_uniform_values", "inv_log_uniform", "inv_log_uniform_values", "q_log_uniform",
                    "q_log_uniform_values", "normal", "q_normal", "log_normal", "q_log_normal", "beta",
                    "q_beta"}) {
    auto d = ParseDistributionName(name);
    ASSERT_TRUE(d.has_value()) << name;
    EXPECT_EQ(DistributionName(*d), name);
  }
  EXPECT_FALSE(ParseDistributionName("loguniform").has_value());
}

TEST(SearchSpace, NestedConfigRebuildsTree) {
  SearchSpace space;
  for (auto path : {std::vector<std::string>{"optimizer", "lr"}, {"optimizer", "momentum"}, {"epochs"}}) {
    ParameterSpec p;
    p.path = path;
    space.parameters.push_back(p);
  }
  Config config = {{"optimizer.lr", Value(0.1)}, {"optimizer.momentum", Value(0.9)}, {"epochs", Value(3)}};
  EXPECT_EQ(ToJson(ToNestedConfig(space, config)), R"({"optimizer":{"lr":0.1,"momentum":0.9},"epochs":3})");
}

}  // namespace
}  // namespace sweep
