#include "review/export.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

namespace sweep::review {
namespace {

std::vector<RunRow> Rows() {
  RunRow a;
  a.id = "r1";
  a.number = 1;
  a.state = TrialState::kFinished;
  a.params = {{"lr", 0.1}, {"name", "say \"hi\", ok"}, {"flag", true}, {"sched", ValueMap{{"k", 1}}}};
  a.metrics = {{"loss", std::nan("")}, {"acc", std::numeric_limits<double>::infinity()}};
  a.created_at = 100.5;
  a.started_at = 101;
  a.ended_at = 161;
  a.exit_code = 0;
  RunRow b;
  b.id = "r2";
  b.number = 2;
  b.state = TrialState::kRunning;
  b.params = {{"lr", 1}, {"extra", "multi\nline"}};
  b.metrics = {{"loss", 0.25}};
  return {a, b};
}

TEST(Export, ColumnsInDocumentedOrder) {
  EXPECT_EQ(ExportColumns(Rows()),
            (std::vector<std::string>{"id", "number", "state", "param.lr", "param.name", "param.flag", "param.sched",
                                      "param.extra", "metric.acc", "metric.loss", "created_at", "started_at",
                                      "ended_at", "exit_code"}));
}

TEST(Export, CsvQuotesAndMarksMissingAndNaN) {
  std::ostringstream out;
  WriteCsv(Rows(), out);
  EXPECT_EQ(out.str(),
            "id,number,state,param.lr,param.name,param.flag,param.sched,param.extra,metric.acc,metric.loss,"
            "created_at,started_at,ended_at,exit_code\n"
            "r1,1,finished,0.1,\"say \"\"hi\"\", ok\",True,\"{\"\"k\"\":1}\",,inf,NaN,100.5,101.0,161.0,0\n"
            "r2,2,running,1,,,,\"multi\nline\",,0.25,,,,\n");
}

TEST(Export, JsonArrayAndLinesHoldTheSameObjects) {
  std::ostringstream json, jsonl;
  WriteJson(Rows(), json);
  WriteJsonl(Rows(), jsonl);
  const std::string first =
      "{\"id\":\"r1\",\"number\":1,\"state\":\"finished\",\"param.lr\":0.1,\"param.name\":\"say \\\"hi\\\", ok\","
      "\"param.flag\":true,\"param.sched\":{\"k\":1},\"param.extra\":null,\"metric.acc\":Infinity,"
      "\"metric.loss\":NaN,\"created_at\":100.5,\"started_at\":101.0,\"ended_at\":161.0,\"exit_code\":0}";
  const std::string second =
      "{\"id\":\"r2\",\"number\":2,\"state\":\"running\",\"param.lr\":1,\"param.name\":null,\"param.flag\":null,"
      "\"param.sched\":null,\"param.extra\":\"multi\\nline\",\"metric.acc\":null,\"metric.loss\":0.25,"
      "\"created_at\":null,\"started_at\":null,\"ended_at\":null,\"exit_code\":null}";
  EXPECT_EQ(jsonl.str(), first + "\n" + second + "\n");
  EXPECT_EQ(json.str(), "[\n" + first + ",\n" + second + "\n]\n");
}

TEST(Export, EmptyInputWritesHeaderOnly) {
  std::ostringstream csv, json, jsonl;
  WriteCsv({}, csv);
  WriteJson({}, json);
  WriteJsonl({}, jsonl);
  EXPECT_EQ(csv.str(), "id,number,state,created_at,started_at,ended_at,exit_code\n");
  EXPECT_EQ(json.str(), "[\n]\n");
  EXPECT_EQ(jsonl.str(), "");
}

}  // namespace
}  // namespace sweep::review
