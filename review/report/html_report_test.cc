#include "review/report/html_report.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "review/report/report_json.h"
#include "review/report/synthetic_report_data.h"

namespace sweep::report {
namespace {

using nlohmann::json;

std::string Render(const ReportData& data) {
  std::ostringstream out;
  const Status s = WriteHtmlReport(data, out);
  EXPECT_TRUE(s.ok());
  return out.str();
}

// The embedded JSON, read back the way the page reads it (JSON.parse of the
// script element's text: the \u escapes decode back to the original).
json EmbeddedJson(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"report-data\">";
  const auto begin = html.find(open);
  EXPECT_NE(begin, std::string::npos);
  const auto start = begin + open.size();
  const auto end = html.find("</script>", start);
  EXPECT_NE(end, std::string::npos);
  return json::parse(html.substr(start, end - start));
}

ParameterSpec Param(std::string name, Distribution d) {
  ParameterSpec p;
  p.path = {std::move(name)};
  p.distribution = d;
  p.min = 1e-4;
  p.max = 1;
  return p;
}

ReportRun MakeRun(std::int64_t n, TrialState state, std::optional<double> objective) {
  ReportRun r;
  r.number = n;
  r.id = "r" + std::to_string(n);
  r.state = state;
  r.objective = objective;
  return r;
}

TEST(HtmlReport, HasEveryChartContainerAndIsSelfContained) {
  const std::string html = Render(MakeSyntheticReportData(50, 4));
  for (const char* id : {"header", "history", "parallel", "importance", "scatter", "curves", "runs",
                         "failures"}) {
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  }
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  // Nothing is fetched when the page opens.
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  const json doc = EmbeddedJson(html);
  EXPECT_EQ(doc["runs"].size(), 50u);
  EXPECT_EQ(doc["params"].size(), 4u);
}

TEST(HtmlReport, HostileStringsCannotInjectMarkup) {
  const std::string evil = "</script><script>alert(1)</script><!--";
  ReportData data;
  data.sweep_id = evil;
  data.sweep_name = evil;
  data.metric_name = evil;
  data.method = evil;
  data.importance_note = evil;
  data.space.parameters.push_back(Param(evil, Distribution::kCategorical));
  data.space.parameters.back().values = {Value(evil)};
  ReportRun r = MakeRun(1, TrialState::kFinished, 1.0);
  r.id = evil;
  r.params = {{evil, Value(evil)}};
  r.curve = {{0, 1.0}};
  data.runs.push_back(r);
  ReportRun f = MakeRun(2, TrialState::kFailed, std::nullopt);
  f.failure_reason = evil + "\xE2\x80\xA8" + "\xff";  // U+2028 and a broken UTF-8 byte
  data.runs.push_back(f);

  const std::string html = Render(data);
  EXPECT_EQ(html.find("alert(1)</script>"), std::string::npos);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<!--"), std::string::npos);
  EXPECT_EQ(html.find("\xE2\x80\xA8"), std::string::npos);
  EXPECT_NE(html.find("&lt;/script&gt;&lt;script&gt;alert(1)"), std::string::npos);
  // Exactly the page's own three script elements.
  std::size_t scripts = 0;
  for (auto p = html.find("<script"); p != std::string::npos; p = html.find("<script", p + 1)) ++scripts;
  EXPECT_EQ(scripts, 3u);
  // The data survives the escaping intact.
  const json doc = EmbeddedJson(html);
  EXPECT_EQ(doc["sweep"]["name"], evil);
  EXPECT_EQ(doc["runs"][0][1], evil);
  EXPECT_EQ(doc["params"][0]["cats"][0], evil);
  EXPECT_EQ(doc["runs"][1][7].get<std::string>().rfind(evil + "\xE2\x80\xA8", 0), 0u);
}

TEST(HtmlReport, NonFiniteObjectivesAreTokensAndNeverBest) {
  ReportData data;
  data.goal = Goal::kMaximize;
  data.metric_name = "acc";
  data.runs.push_back(MakeRun(1, TrialState::kFinished, std::numeric_limits<double>::quiet_NaN()));
  data.runs.push_back(MakeRun(2, TrialState::kFinished, std::numeric_limits<double>::infinity()));
  data.runs.push_back(MakeRun(3, TrialState::kFinished, -std::numeric_limits<double>::infinity()));
  data.runs.push_back(MakeRun(4, TrialState::kFinished, 0.75));
  data.runs.push_back(MakeRun(5, TrialState::kRunning, std::nullopt));
  const std::string html = Render(data);
  const json doc = EmbeddedJson(html);
  EXPECT_EQ(doc["runs"][0][3], "NaN");
  EXPECT_EQ(doc["runs"][1][3], "Infinity");
  EXPECT_EQ(doc["runs"][2][3], "-Infinity");
  EXPECT_EQ(doc["runs"][3][3], 0.75);
  EXPECT_TRUE(doc["runs"][4][3].is_null());
  EXPECT_NE(html.find("Best run: #4"), std::string::npos);
}

TEST(HtmlReport, EmptySweepRendersWithNotes) {
  ReportData data;
  data.sweep_id = "empty";
  data.importance_note = "too few finished runs";
  const std::string html = Render(data);
  EXPECT_NE(html.find("No run has reported a finite value"), std::string::npos);
  const json doc = EmbeddedJson(html);
  EXPECT_TRUE(doc["runs"].empty());
  EXPECT_TRUE(doc["curves"].empty());
  EXPECT_EQ(doc["importance_note"], "too few finished runs");
}

TEST(HtmlReport, AllFailedCountsStatesAndKeepsReasons) {
  ReportData data;
  for (int i = 1; i <= 3; ++i) {
    ReportRun r = MakeRun(i, i == 3 ? TrialState::kCrashed : TrialState::kFailed, std::nullopt);
    r.failure_reason = "oom " + std::to_string(i);
    data.runs.push_back(r);
  }
  const std::string html = Render(data);
  EXPECT_NE(html.find("<b>2</b> failed"), std::string::npos);
  EXPECT_NE(html.find("<b>1</b> crashed"), std::string::npos);
  EXPECT_EQ(html.find("finished</li>"), std::string::npos);
  const json doc = EmbeddedJson(html);
  EXPECT_EQ(doc["runs"][2][2], "crashed");
  EXPECT_EQ(doc["runs"][2][7], "oom 3");
}

TEST(ReportJson, LogScaleDistributions) {
  for (Distribution d : {Distribution::kLogUniform, Distribution::kLogUniformValues,
                         Distribution::kInvLogUniform, Distribution::kInvLogUniformValues,
                         Distribution::kQLogUniform, Distribution::kQLogUniformValues,
                         Distribution::kLogNormal, Distribution::kQLogNormal}) {
    EXPECT_TRUE(IsLogScale(d)) << DistributionName(d);
  }
  for (Distribution d : {Distribution::kUniform, Distribution::kIntUniform, Distribution::kNormal,
                         Distribution::kCategorical, Distribution::kQBeta}) {
    EXPECT_FALSE(IsLogScale(d)) << DistributionName(d);
  }
}

TEST(ReportJson, AxesLogCategoricalAndDegraded) {
  ReportData data;
  data.space.parameters = {Param("lr", Distribution::kLogUniformValues),
                           Param("wd", Distribution::kLogUniformValues),
                           Param("opt", Distribution::kCategorical),
                           Param("drop", Distribution::kUniform)};
  data.space.parameters[2].values = {Value("adam"), Value(32)};
  ReportRun a = MakeRun(1, TrialState::kFinished, 0.5);
  a.params = {{"lr", Value(1e-3)}, {"wd", Value(0.0)}, {"opt", Value(32)}, {"drop", Value("x")}};
  ReportRun b = MakeRun(2, TrialState::kFinished, 0.4);
  b.params = {{"lr", Value(1e-2)}, {"wd", Value(1e-4)}, {"opt", Value("sgd")}, {"drop", Value(0.1)}};
  data.runs = {a, b};
  const json doc = json::parse(BuildReportJson(data));
  const json& p = doc["params"];
  EXPECT_TRUE(p[0]["log"]);
  EXPECT_FALSE(p[0]["cat"]);
  EXPECT_FALSE(p[1]["log"]) << "a zero cannot sit on a log axis";
  EXPECT_TRUE(p[2]["cat"]);
  EXPECT_EQ(p[2]["cats"], json({"adam", "32", "sgd"}));
  EXPECT_TRUE(p[3]["cat"]) << "a string in a numeric parameter makes it categorical";
  EXPECT_EQ(doc["runs"][0][8][2], 1);  // index of "32"
  EXPECT_EQ(doc["runs"][1][8][2], 2);
  EXPECT_EQ(doc["runs"][0][8][0], 1e-3);
}

TEST(ReportJson, CurvesForTopAndStoppedRunsOnly) {
  ReportData data;
  data.goal = Goal::kMinimize;
  for (int i = 1; i <= 30; ++i) {
    ReportRun r = MakeRun(i, i > 25 ? TrialState::kStopped : TrialState::kFinished, 100.0 - i);
    for (int s = 0; s < 2000; ++s) r.curve.emplace_back(s, 1.0 / (s + 1));
    data.runs.push_back(r);
  }
  const json doc = json::parse(BuildReportJson(data));
  // The ten lowest (runs 21..30, five of them stopped) plus runs 26..30 are
  // the same stopped runs: ten curves in all, none duplicated.
  ASSERT_EQ(doc["curves"].size(), kTopCurveRuns);
  EXPECT_EQ(doc["curves"][0]["n"], 30);
  for (const json& c : doc["curves"]) {
    EXPECT_LE(c["s"].size(), kMaxCurvePoints + 1);
    EXPECT_EQ(c["s"].back(), 1999) << "the last step is kept";
  }
}

TEST(HtmlReport, TenThousandRunsIsFast) {
  const ReportData data = MakeSyntheticReportData(10000, 10);
  const auto start = std::chrono::steady_clock::now();
  const std::string html = Render(data);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // The target is 2 s on a loaded CI machine; the bound is generous against noise.
  constexpr double kSanityBoundSeconds = 6.0;
  EXPECT_LT(seconds, kSanityBoundSeconds);
  constexpr std::size_t kMaxBytes = 8u << 20;  // must stay quick to open
  EXPECT_LT(html.size(), kMaxBytes);
}

}  // namespace
}  // namespace sweep::report
