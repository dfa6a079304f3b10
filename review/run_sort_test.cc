#include "review/run_sort.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sweep::review {
namespace {

RunRow Row(const std::string& id, std::optional<double> loss, Value lr) {
  RunRow r;
  r.id = id;
  if (loss) r.metrics["loss"] = *loss;
  if (!lr.is_null()) r.params.emplace_back("lr", std::move(lr));
  return r;
}

std::vector<std::string> Ids(const std::vector<RunRow>& rows) {
  std::vector<std::string> ids;
  for (const auto& r : rows) ids.push_back(r.id);
  return ids;
}

std::vector<RunRow> Rows() {
  return {Row("a", 0.5, 0.1), Row("b", std::nullopt, 0.2), Row("c", 0.1, 0.3), Row("d", std::nan(""), 0.1),
          Row("e", 0.5, 0.05)};
}

TEST(RunSort, AscendingAndDescendingWithMissingLast) {
  auto rows = Rows();
  auto s = RunSort::Parse("metric.loss");
  ASSERT_TRUE(s.ok());
  s->Sort(rows);
  EXPECT_EQ(Ids(rows), (std::vector<std::string>{"c", "a", "e", "b", "d"}));  // stable: a before e
  rows = Rows();
  RunSort::Parse("-metric.loss")->Sort(rows);
  EXPECT_EQ(Ids(rows), (std::vector<std::string>{"a", "e", "c", "b", "d"}));
}

TEST(RunSort, SecondaryKeysBreakTies) {
  auto rows = Rows();
  auto s = RunSort::Parse("-metric.loss, +param.lr");
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->keys().size(), 2u);
  EXPECT_TRUE(s->keys()[0].descending);
  EXPECT_FALSE(s->keys()[1].descending);
  s->Sort(rows);
  // b and d both lack a loss: lr orders them.
  EXPECT_EQ(Ids(rows), (std::vector<std::string>{"e", "a", "c", "d", "b"}));
}

TEST(RunSort, MixedTypesOrderNumbersThenStringsThenBooleans) {
  std::vector<RunRow> rows = {Row("t", 0, true), Row("s", 0, "x"), Row("n", 0, 2), Row("m", 0, Value())};
  RunSort::Parse("param.lr")->Sort(rows);
  EXPECT_EQ(Ids(rows), (std::vector<std::string>{"n", "s", "t", "m"}));
}

TEST(RunSort, ErrorsNameTheColumn) {
  EXPECT_EQ(RunSort::Parse("").error().message, "column 1: expected a sort key such as -metric.loss");
  EXPECT_EQ(RunSort::Parse("id,,number").error().message, "column 4: expected a sort key such as -metric.loss");
  EXPECT_EQ(RunSort::Parse("id,-").error().message, "column 4: expected a sort key such as -metric.loss");
  auto e = RunSort::Parse("id, -loss");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(e.error().message.substr(0, 34), "column 5: unknown sort key 'loss' ");
}

}  // namespace
}  // namespace sweep::review
