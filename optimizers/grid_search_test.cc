#include "optimizers/grid_search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>

namespace sweep {
namespace {

ParameterSpec Values(std::vector<std::string> path, ValueList values) {
  ParameterSpec p;
  p.path = std::move(path);
  p.distribution = Distribution::kCategorical;
  p.values = std::move(values);
  return p;
}

ParameterSpec Range(std::vector<std::string> path, Distribution d, double min, double max, double q = 1) {
  ParameterSpec p;
  p.path = std::move(path);
  p.distribution = d;
  p.min = min;
  p.max = max;
  p.q = q;
  p.integer_bounds = std::floor(min) == min && std::floor(max) == max;
  return p;
}

ParameterSpec Constant(std::vector<std::string> path, Value v) {
  ParameterSpec p;
  p.path = std::move(path);
  p.distribution = Distribution::kConstant;
  p.value = std::move(v);
  return p;
}

std::unique_ptr<GridSearch> MustCreate(const SearchSpace& space) {
  auto grid = GridSearch::Create(space);
  EXPECT_TRUE(grid.ok()) << (grid.ok() ? "" : grid.error().message);
  return grid.ok() ? std::move(grid).value() : nullptr;
}

TrialObservation Claimed(std::int64_t index, TrialState state = TrialState::kFinished) {
  TrialObservation t;
  t.grid_index = index;
  t.state = state;
  return t;
}

TEST(GridSearch, IteratesLikeWandbSortedByNameLastFastest) {
  // Spec order b, a; W&B sorts by name, so a is the outer loop.
  SearchSpace space{{Values({"b"}, {Value(1), Value(2)}), Constant({"c"}, Value("k")),
                     Values({"a"}, {Value("x"), Value("y"), Value("z")})}};
  auto grid = MustCreate(space);
  ASSERT_EQ(grid->size(), 6);
  const std::vector<std::pair<Value, Value>> expected = {
      {Value("x"), Value(1)}, {Value("x"), Value(2)}, {Value("y"), Value(1)},
      {Value("y"), Value(2)}, {Value("z"), Value(1)}, {Value("z"), Value(2)}};
  for (std::int64_t i = 0; i < 6; ++i) {
    const Config c = grid->ConfigAt(i);
    ASSERT_EQ(c.size(), 3u);
    EXPECT_EQ(c[0], (std::pair<std::string, Value>{"b", expected[i].second})) << i;
    EXPECT_EQ(c[1], (std::pair<std::string, Value>{"c", Value("k")})) << i;
    EXPECT_EQ(c[2], (std::pair<std::string, Value>{"a", expected[i].first})) << i;
  }
}

TEST(GridSearch, SortsNestedParametersLevelByLevel) {
  // W&B sorts keys at each nesting level: "opt" < "opt_b"; "opt.lr" sorts as
  // ("opt", "lr"), before ("opt_b").
  SearchSpace space{{Values({"opt_b"}, {Value(1), Value(2)}), Values({"opt", "lr"}, {Value(10), Value(20)})}};
  auto grid = MustCreate(space);
  EXPECT_EQ(grid->ConfigAt(1)[0].second, Value(2));   // opt_b varies fastest
  EXPECT_EQ(grid->ConfigAt(1)[1].second, Value(10));
  EXPECT_EQ(grid->ConfigAt(2)[1].second, Value(20));
  EXPECT_EQ(grid->ConfigAt(2)[1].first, "opt.lr");
}

TEST(GridSearch, ExpandsIntUniformAndQUniformLikeWandb) {
  SearchSpace ints{{Range({"n"}, Distribution::kIntUniform, -1, 2)}};
  auto grid = MustCreate(ints);
  ASSERT_EQ(grid->size(), 4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(grid->ConfigAt(i)[0].second, Value(i - 1));

  // numpy.arange(0, 1, 0.25): max is excluded, values are doubles.
  SearchSpace floats{{Range({"f"}, Distribution::kQUniform, 0, 1, 0.25)}};
  grid = MustCreate(floats);
  ASSERT_EQ(grid->size(), 4);
  EXPECT_EQ(grid->ConfigAt(3)[0].second, Value(0.75));

  // Integer bounds and q: ints, as numpy.arange(16, 64, 16).tolist() = [16, 32, 48].
  SearchSpace whole{{Range({"w"}, Distribution::kQUniform, 16, 64, 16)}};
  grid = MustCreate(whole);
  ASSERT_EQ(grid->size(), 3);
  EXPECT_EQ(grid->ConfigAt(2)[0].second, Value(48));

  // numpy's rounding: arange(1, 1.3, 0.1) has 4 elements (1.3 - 1 > 0.3 * 1 in doubles).
  SearchSpace quirky{{Range({"r"}, Distribution::kQUniform, 1, 1.3, 0.1)}};
  EXPECT_EQ(MustCreate(quirky)->size(), 4);
}

TEST(GridSearch, ProposesEveryPointOnceDespiteForeignAndShuffledClaims) {
  SearchSpace space{{Values({"a"}, {Value(1), Value(2), Value(3)}), Range({"b"}, Distribution::kIntUniform, 0, 4),
                     Values({"c"}, {Value(true), Value(false)})}};
  auto grid = MustCreate(space);
  ASSERT_EQ(grid->size(), 30);
  // Other agents already claimed some points, out of order, one of them
  // twice; a failed trial keeps its point; junk indices are ignored.
  std::vector<TrialObservation> history = {Claimed(17), Claimed(3, TrialState::kFailed), Claimed(29), Claimed(0),
                                           Claimed(3), Claimed(-4), Claimed(30), Claimed(1000)};
  TrialObservation unindexed;  // e.g. a trial added by hand
  history.push_back(unindexed);
  std::set<std::int64_t> seen = {0, 3, 17, 29};
  std::vector<Config> configs;  // Value has no ordering: compare pairwise
  std::mt19937_64 shuffler(3);
  for (std::int64_t i : seen) configs.push_back(grid->ConfigAt(i));
  std::int64_t previous = -1;
  while (auto s = grid->Ask(history)) {
    ASSERT_TRUE(s->grid_index.has_value());
    const std::int64_t index = *s->grid_index;
    EXPECT_GT(index, previous) << "lowest unclaimed index first";
    previous = index;
    EXPECT_TRUE(seen.insert(index).second) << "index proposed twice: " << index;
    EXPECT_EQ(s->config, grid->ConfigAt(index));
    EXPECT_EQ(std::count(configs.begin(), configs.end(), s->config), 0) << "config proposed twice";
    configs.push_back(s->config);
    history.push_back(Claimed(index, index % 4 == 0 ? TrialState::kFailed : TrialState::kRunning));
    std::shuffle(history.begin(), history.end(), shuffler);
  }
  EXPECT_EQ(seen.size(), 30u);
  EXPECT_EQ(configs.size(), 30u);
  EXPECT_FALSE(grid->Ask(history).has_value()) << "exhausted grids stay exhausted";
}

TEST(GridSearch, FillsGapsLeftByOtherAgents) {
  SearchSpace space{{Range({"n"}, Distribution::kIntUniform, 0, 9)}};
  auto grid = MustCreate(space);
  EXPECT_EQ(grid->Ask({Claimed(0), Claimed(1), Claimed(3)})->grid_index, 2);
  EXPECT_EQ(grid->Ask({Claimed(1), Claimed(2)})->grid_index, 0);
  EXPECT_EQ(grid->Ask({})->config[0].second, Value(0));
}

TEST(GridSearch, HandlesHugeGridsWithoutMaterializingThem) {
  SearchSpace space;
  for (int i = 0; i < 6; ++i) {
    space.parameters.push_back(Range({"p" + std::to_string(i)}, Distribution::kIntUniform, 0, 99));
  }
  auto grid = MustCreate(space);
  ASSERT_EQ(grid->size(), 1'000'000'000'000);
  const Config last = grid->ConfigAt(grid->size() - 1);
  for (const auto& [name, value] : last) EXPECT_EQ(value, Value(99)) << name;
  EXPECT_EQ(grid->ConfigAt(123'456'789'012)[0].second, Value(12));
  EXPECT_EQ(grid->ConfigAt(123'456'789'012)[5].second, Value(12));
  EXPECT_EQ(grid->Ask({Claimed(0), Claimed(1)})->grid_index, 2);
}

TEST(GridSearch, AllConstantSpaceHasOnePoint) {
  auto grid = MustCreate(SearchSpace{{Constant({"epochs"}, Value(3))}});
  ASSERT_EQ(grid->size(), 1);
  auto first = grid->Ask({});
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->config[0].second, Value(3));
  EXPECT_FALSE(grid->Ask({Claimed(0)}).has_value());
}

void ExpectRefused(const SearchSpace& space, const std::string& needle) {
  auto grid = GridSearch::Create(space);
  ASSERT_FALSE(grid.ok()) << needle;
  EXPECT_EQ(grid.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(grid.error().message.find(needle), std::string::npos) << grid.error().message;
}

TEST(GridSearch, RefusesParametersThatAreNotGridAxes) {
  const ParameterSpec ok = Values({"a"}, {Value(1)});
  ExpectRefused(SearchSpace{{ok, Range({"lr"}, Distribution::kUniform, 0, 1)}}, "'lr'");
  ExpectRefused(SearchSpace{{ok, Range({"lr"}, Distribution::kLogUniformValues, 1e-4, 1)}}, "continuous");
  ParameterSpec normal = Range({"opt", "m"}, Distribution::kNormal, 0, 0);
  ExpectRefused(SearchSpace{{normal}}, "'opt.m'");
  ExpectRefused(SearchSpace{{Range({"q"}, Distribution::kQNormal, 0, 0)}}, "q_normal");
  ParameterSpec weighted = Values({"w"}, {Value(1), Value(2)});
  weighted.probabilities = {0.5, 0.5};
  ExpectRefused(SearchSpace{{weighted}}, "probabilities");
  ExpectRefused(SearchSpace{{Values({"e"}, {})}}, "no values");
  ExpectRefused(SearchSpace{{Range({"r"}, Distribution::kIntUniform, 5, 4)}}, "below min");
  ExpectRefused(SearchSpace{{Range({"z"}, Distribution::kQUniform, 0, 1, 0)}}, "q > 0");
  ExpectRefused(SearchSpace{{Range({"z"}, Distribution::kQUniform, 1, 1, 0.5)}}, "empty");
}

TEST(GridSearch, RefusesGridsBeyondInt64) {
  SearchSpace space;
  for (int i = 0; i < 10; ++i) {
    space.parameters.push_back(Range({"p" + std::to_string(i)}, Distribution::kIntUniform, 0, 99'999));
  }
  ExpectRefused(space, "points");
}

}  // namespace
}  // namespace sweep

namespace sweep {
namespace {

TEST(GridSearchCrashTest, CrashedPointsAreProposedAgainButFailedOnesAreNot) {
  SearchSpace space;
  ParameterSpec p;
  p.path = {"x"};
  p.distribution = Distribution::kCategorical;
  p.values = {Value(std::int64_t{1}), Value(std::int64_t{2}), Value(std::int64_t{3})};
  space.parameters.push_back(p);
  OptimizerOptions options;
  options.method = SearchMethod::kGrid;
  options.space = space;
  auto grid = MakeOptimizer(options);
  ASSERT_TRUE(grid.ok());
  std::vector<TrialObservation> history(2);
  history[0].grid_index = 0;
  history[0].state = TrialState::kFailed;
  history[1].grid_index = 1;
  history[1].state = TrialState::kCrashed;
  auto next = (*grid)->Ask(history);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->grid_index, 1);
}

}  // namespace
}  // namespace sweep
