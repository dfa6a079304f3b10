#include "review/run_filter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace sweep::review {
namespace {

RunRow Sample() {
  RunRow r;
  r.id = "abc123";
  r.number = 7;
  r.state = TrialState::kFinished;
  r.params = {{"lr", 0.01},
              {"layers", 3},
              {"optimizer", "adam"},
              {"nesterov", true},
              {"sched", ValueMap{{"kind", "cosine"}, {"warmup", 100}}}};
  r.metrics = {{"loss", 0.25}, {"acc", 0.9}, {"train/loss", 0.2}, {"bad", std::nan("")}};
  r.started_at = 1000;
  r.ended_at = 1060;
  r.exit_code = 0;
  return r;
}

bool Match(const std::string& expr, const RunRow& row = Sample()) {
  auto f = RunFilter::Parse(expr);
  EXPECT_TRUE(f.ok()) << expr << ": " << f.error().message;
  return f.ok() && f->Matches(row);
}

std::string ErrorOf(const std::string& expr) {
  auto f = RunFilter::Parse(expr);
  EXPECT_FALSE(f.ok()) << expr;
  return f.ok() ? "" : f.error().message;
}

TEST(RunFilter, TagIsASetAndNameAString) {
  RunRow row = Sample();
  row.name = "resnet-a";
  row.labels = {"baseline", "v2"};
  EXPECT_TRUE(Match("tag = baseline", row));
  EXPECT_TRUE(Match("tag = 'v2' and name = 'resnet-a'", row));
  EXPECT_TRUE(Match("'v2' = tag", row));
  EXPECT_FALSE(Match("tag = old", row));
  EXPECT_TRUE(Match("tag != old", row));
  EXPECT_FALSE(Match("tag != baseline", row));
  EXPECT_TRUE(Match("tag in (old, v2)", row));
  EXPECT_FALSE(Match("tag not in (old, v2)", row));
  EXPECT_TRUE(Match("tag != baseline", Sample()));  // no tags at all
  EXPECT_FALSE(Match("tag = baseline", Sample()));
}

TEST(RunFilter, Comparisons) {
  EXPECT_TRUE(Match("metric.loss < 0.5"));
  EXPECT_FALSE(Match("metric.loss > 0.5"));
  EXPECT_TRUE(Match("metric.loss <= 0.25 && metric.loss >= 0.25"));
  EXPECT_TRUE(Match("metric.loss = 0.25"));
  EXPECT_TRUE(Match("metric.loss == 0.25"));
  EXPECT_TRUE(Match("metric.loss != 1e-3"));
  EXPECT_TRUE(Match("param.lr < 1e-1"));
  EXPECT_TRUE(Match("param.layers = 3"));  // integers widen to double
  EXPECT_TRUE(Match("metric.acc > metric.loss"));
  EXPECT_TRUE(Match("metric.train/loss < 0.3"));
  EXPECT_TRUE(Match("param.lr > -1"));
}

TEST(RunFilter, FieldsStringsAndStates) {
  EXPECT_TRUE(Match("state = finished"));
  EXPECT_TRUE(Match("state = 'finished'"));
  EXPECT_FALSE(Match("state = failed"));
  EXPECT_TRUE(Match("id = \"abc123\""));
  EXPECT_TRUE(Match("id >= 'abc' and id < 'abd'"));
  EXPECT_TRUE(Match("number = 7"));
  EXPECT_TRUE(Match("exit_code = 0"));
  EXPECT_TRUE(Match("duration = 60"));
  EXPECT_TRUE(Match("param.optimizer = 'adam'"));
  EXPECT_TRUE(Match("param.nesterov = true"));
  EXPECT_TRUE(Match("param.sched.kind = 'cosine' and param.sched.warmup > 50"));
  EXPECT_TRUE(Match("id = 'it\\'s'", [] { RunRow r = Sample(); r.id = "it's"; return r; }()));
}

TEST(RunFilter, BooleanStructure) {
  EXPECT_TRUE(Match("metric.loss > 1 or metric.acc > 0.5"));
  EXPECT_TRUE(Match("metric.loss > 1 || metric.acc > 0.5"));
  EXPECT_FALSE(Match("metric.loss > 1 AND metric.acc > 0.5"));
  EXPECT_TRUE(Match("not metric.loss > 1"));
  EXPECT_TRUE(Match("!(metric.loss > 1)"));
  EXPECT_TRUE(Match("!!(metric.loss < 1)"));
  // and binds tighter than or: false and false or true.
  EXPECT_TRUE(Match("metric.loss > 1 and metric.acc > 1 or state = finished"));
  EXPECT_FALSE(Match("metric.loss > 1 and (metric.acc > 1 or state = finished)"));
}

TEST(RunFilter, InLists) {
  EXPECT_TRUE(Match("state in (finished, stopped)"));
  EXPECT_FALSE(Match("state not in (finished, stopped)"));
  EXPECT_TRUE(Match("param.optimizer in ('sgd', \"adam\")"));
  EXPECT_TRUE(Match("param.layers in (1, 2, 3)"));
  EXPECT_TRUE(Match("param.layers NOT IN (1, 2)"));
}

TEST(RunFilter, TypeRules) {
  EXPECT_FALSE(Match("param.layers = '3'"));   // a number is never a string
  EXPECT_TRUE(Match("param.layers != '3'"));
  EXPECT_FALSE(Match("param.optimizer < 3"));  // mixed types do not order
  EXPECT_FALSE(Match("param.nesterov > false"));
  EXPECT_FALSE(Match("metric.bad < 1"));  // NaN: IEEE
  EXPECT_FALSE(Match("metric.bad = metric.bad"));
}

TEST(RunFilter, MissingValuesMakeComparisonsFalse) {
  EXPECT_FALSE(Match("metric.nope < 1"));
  EXPECT_FALSE(Match("metric.nope != 1"));
  EXPECT_FALSE(Match("param.nope = 1"));
  EXPECT_FALSE(Match("param.sched.nope = 1"));
  EXPECT_FALSE(Match("param.nope not in (1)"));
  EXPECT_TRUE(Match("not metric.nope < 1"));
  RunRow running = Sample();
  running.ended_at.reset();
  running.exit_code.reset();
  EXPECT_FALSE(Match("duration > 0", running));
  EXPECT_FALSE(Match("exit_code != 0", running));
}

TEST(RunFilter, ErrorsPointAtTheColumn) {
  EXPECT_EQ(ErrorOf("metric.loss <"), "column 14: expected a value after '<', found end of input");
  EXPECT_EQ(ErrorOf("metric.loss < and"), "column 15: expected a value after '<', found 'and'");
  EXPECT_EQ(ErrorOf("metric.loss 3"),
            "column 13: expected a comparison operator (< <= > >= = == != in) after 'metric.loss', found '3'");
  EXPECT_EQ(ErrorOf("(metric.loss < 1"), "column 17: expected ')' to close the '(' at column 1, found end of input");
  EXPECT_EQ(ErrorOf("metric.loss < 1)"), "column 16: expected 'and', 'or' or the end of the filter, found ')'");
  EXPECT_EQ(ErrorOf("id = 'abc"), "column 6: unterminated string: no closing '");
  EXPECT_EQ(ErrorOf("metric.loss < 1 ; drop table runs"), "column 17: unexpected character ';'");
  EXPECT_EQ(ErrorOf("metric.loss < 1.2.3"), "column 15: malformed number '1.2.3'");
  EXPECT_EQ(ErrorOf("state in finished"), "column 10: expected '(' after 'in', found 'finished'");
  EXPECT_EQ(ErrorOf("state in ()"), "column 11: expected a value in the 'in' list, found ')'");
  EXPECT_EQ(ErrorOf("state in (a b)").substr(0, 28), "column 11: unknown name 'a':");
  EXPECT_EQ(ErrorOf("state in (finished failed)"),
            "column 20: expected ',' or ')' in the 'in' list, found 'failed'");
  EXPECT_EQ(ErrorOf("loss < 1").substr(0, 30), "column 1: unknown name 'loss':");
  EXPECT_EQ(ErrorOf("metric. < 1").substr(0, 33), "column 1: unknown name 'metric.':");
}

TEST(RunFilter, EmptyAndGarbageAreRejected) {
  EXPECT_EQ(ErrorOf(""), "column 1: expected a filter expression, found end of input");
  EXPECT_EQ(ErrorOf("   "), "column 4: expected a filter expression, found end of input");
  EXPECT_EQ(ErrorOf("()"), "column 2: expected a comparison such as metric.loss < 0.5, found ')'");
  EXPECT_EQ(ErrorOf("and"), "column 1: expected a comparison such as metric.loss < 0.5, found 'and'");
  EXPECT_EQ(ErrorOf("<<<>>>"), "column 1: expected a comparison such as metric.loss < 0.5, found '<'");
  EXPECT_EQ(ErrorOf("\x01\xff"), "column 1: unexpected character '\x01'");
  EXPECT_FALSE(RunFilter::Parse("metric.loss < 1 or").ok());
  EXPECT_FALSE(RunFilter::Parse("not").ok());
}

TEST(RunFilter, NestingIsBounded) {
  const std::string ok_depth = std::string(kMaxFilterNesting, '(') + "metric.loss < 1" +
                               std::string(kMaxFilterNesting, ')');
  EXPECT_TRUE(Match(ok_depth));
  const std::string too_deep = "(" + ok_depth + ")";
  EXPECT_EQ(ErrorOf(too_deep), "column 65: nesting deeper than 64 levels");
  std::string nots;
  for (int i = 0; i < 100000; ++i) nots += "not ";
  EXPECT_NE(ErrorOf(nots + "metric.loss < 1").find("nesting deeper than"), std::string::npos);
  EXPECT_NE(ErrorOf(std::string(1000000, '(')).find("nesting deeper than"), std::string::npos);
}

TEST(RunFilter, LongFlatChainsAreFine) {
  std::string expr = "metric.loss > 1";
  for (int i = 0; i < 10000; ++i) expr += " or metric.loss > 1";
  expr += " or state = finished";
  EXPECT_TRUE(Match(expr));
}

}  // namespace
}  // namespace sweep::review
