#include "review/group_runs.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sweep::review {
namespace {

RunRow Row(const std::string& id, double lr, int seed, std::map<std::string, double> metrics) {
  RunRow r;
  r.id = id;
  r.params = {{"lr", lr}, {"seed", seed}};
  r.metrics = std::move(metrics);
  return r;
}

TEST(GroupRuns, RepeatsOfAConfigurationGetMeanAndSampleStd) {
  std::vector<RunRow> rows = {Row("a", 0.1, 1, {{"loss", 1}}), Row("b", 0.2, 1, {{"loss", 5}}),
                              Row("c", 0.1, 2, {{"loss", 3}, {"acc", 0.5}}), Row("d", 0.1, 3, {{"loss", std::nan("")}})};
  auto groups = GroupRuns(rows, {"lr"});
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].key, (Config{{"lr", 0.1}}));
  EXPECT_EQ(groups[0].run_ids, (std::vector<std::string>{"a", "c", "d"}));
  const MetricSummary& loss = groups[0].metrics.at("loss");
  EXPECT_EQ(loss.n, 2);  // NaN left out
  EXPECT_DOUBLE_EQ(loss.mean, 2.0);
  EXPECT_DOUBLE_EQ(loss.std, std::sqrt(2.0));  // sample std of {1, 3}
  EXPECT_EQ(groups[0].metrics.at("acc").n, 1);
  EXPECT_TRUE(std::isnan(groups[0].metrics.at("acc").std));
  EXPECT_EQ(groups[1].run_ids, (std::vector<std::string>{"b"}));
}

TEST(GroupRuns, MissingParameterIsItsOwnValueAndIntDiffersFromFloat) {
  RunRow no_lr;
  no_lr.id = "x";
  RunRow int_lr;
  int_lr.id = "y";
  int_lr.params = {{"lr", 1}};
  RunRow float_lr;
  float_lr.id = "z";
  float_lr.params = {{"lr", 1.0}};
  auto groups = GroupRuns({no_lr, int_lr, float_lr}, {"lr"});
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_TRUE(groups[0].key[0].second.is_null());
}

TEST(GroupRuns, NoGroupByMakesOneGroup) {
  auto groups = GroupRuns({Row("a", 0.1, 1, {}), Row("b", 0.2, 2, {})}, {});
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].run_ids.size(), 2u);
  EXPECT_TRUE(groups[0].metrics.empty());
}

}  // namespace
}  // namespace sweep::review
