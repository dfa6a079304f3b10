// End-to-end: a real grid sweep of tests/programs/linear_loss.py (loss =
// 4*x1 + 2*x2, x3 useless, one failing corner), then the review commands
// (importance, runs --filter/--sort/--limit/--columns/--group-by, compare,
// diff, export, history, report, show) over the store it left.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/value_json.h"
#include "tests/cli_harness.h"

namespace sweep {
namespace {

using testing::ReadFile;
using testing::CliResult;
using testing::RunCli;
using testing::SourceDir;
using testing::TempDir;

// 3 x 3 x 3 grid; the (2, 2, 2) corner fails.
constexpr int kGridRuns = 27;
constexpr int kFailedRuns = 1;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) out.push_back(line);
  return out;
}

std::string Shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

class ReviewEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    dir_->Write("spec.yaml", "name: linear\nprogram: " + (SourceDir() / "tests/programs/linear_loss.py").string() +
                                 "\nmethod: grid\nmetric:\n  name: loss\n  goal: minimize\nparameters:\n"
                                 "  x1:\n    values: [0, 1, 2]\n  x2:\n    values: [0, 1, 2]\n  x3:\n    values: [0, 1, 2]\n");
    const CliResult run = RunCli(dir_->path(), {"run", "spec.yaml", "--agents", "4"});
    // One trial fails on purpose; the sweep still completes.
    ASSERT_NE(run.exit_code, -1) << run.err;
    if (std::getenv("REVIEW_E2E_VERBOSE")) std::fprintf(stderr, "%s\n%s\n", run.out.c_str(), run.err.c_str());
    const CliResult runs = RunCli(dir_->path(), {"runs", "linear", "--json"});
    ASSERT_EQ(runs.exit_code, 0) << runs.err;
    auto doc = ParseJson(runs.out);
    ASSERT_TRUE(doc.ok());
    for (const auto& r : doc->as_list())
      for (const auto& [k, v] : r.as_map())
        if (k == "id") run_ids_->push_back(v.as_string());
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  CliResult Cli(const std::vector<std::string>& args) { return RunCli(dir_->path(), args); }
  static std::vector<std::string>& ids() { return *run_ids_; }

  static TempDir* dir_;
  static std::vector<std::string>* run_ids_;
};
TempDir* ReviewEndToEnd::dir_ = nullptr;
std::vector<std::string>* ReviewEndToEnd::run_ids_ = new std::vector<std::string>();

const Value* Field(const Value& map, const std::string& key) {
  for (const auto& [k, v] : map.as_map())
    if (k == key) return &v;
  return nullptr;
}

TEST_F(ReviewEndToEnd, SweepRanAllConfigurations) { ASSERT_EQ(ids().size(), static_cast<std::size_t>(kGridRuns)); }

TEST_F(ReviewEndToEnd, ImportanceRanksX1AboveX2AboveX3) {
  const CliResult table = Cli({"importance", "linear"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  const auto x1 = table.out.find("\nx1"), x2 = table.out.find("\nx2"), x3 = table.out.find("\nx3");
  ASSERT_NE(x1, std::string::npos) << table.out;
  EXPECT_LT(x1, x2) << table.out;
  EXPECT_LT(x2, x3) << table.out;
  EXPECT_NE(table.out.find("1 not finished"), std::string::npos) << table.out;

  // Grid `values` of numbers are ordered: they get a rank correlation too
  // (x1 drives the loss up), as in W&B's panel.
  EXPECT_NE(table.out.find("SPEARMAN"), std::string::npos);
  EXPECT_NE(table.out.find("+0."), std::string::npos) << table.out;

  // Numeric distributions (a random sweep of its own) get a signed Spearman.
  // kRandomRuns draws are plenty for a 4:1:0 effect split.
  constexpr int kRandomRuns = 30;
  dir_->Write("random.yaml", "name: linear_random\nprogram: " +
                                 (SourceDir() / "tests/programs/linear_loss.py").string() +
                                 "\nmethod: random\nmetric:\n  name: loss\n  goal: minimize\nparameters:\n"
                                 "  x1:\n    min: 0.0\n    max: 1.0\n  x2:\n    min: 0.0\n    max: 1.0\n"
                                 "  x3:\n    min: 0.0\n    max: 1.0\n");
  const CliResult run = Cli({"run", "random.yaml", "--agents", "4", "--count", std::to_string(kRandomRuns), "--seed", "7"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const CliResult json = Cli({"importance", "linear_random", "--json", "--trees", "32", "--seed", "3"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto doc = ParseJson(json.out);
  ASSERT_TRUE(doc.ok()) << json.out;
  EXPECT_EQ(Field(*doc, "metric")->as_string(), "loss");
  EXPECT_EQ(Field(*doc, "goal")->as_string(), "minimize");
  EXPECT_EQ(Field(*doc, "runs_used")->as_int(), kRandomRuns);
  EXPECT_EQ(Field(*doc, "runs_not_finished")->as_int(), 0);
  const auto& params = Field(*doc, "parameters")->as_list();
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(Field(params[0], "name")->as_string(), "x1") << json.out;
  EXPECT_EQ(Field(params[1], "name")->as_string(), "x2") << json.out;
  EXPECT_EQ(Field(params[2], "name")->as_string(), "x3") << json.out;
  EXPECT_GT(Field(params[0], "importance")->as_number(), Field(params[1], "importance")->as_number());
  EXPECT_GT(Field(params[1], "importance")->as_number(), Field(params[2], "importance")->as_number());
  EXPECT_TRUE(Field(params[0], "importance_std")->is_number());
  ASSERT_TRUE(Field(params[0], "spearman")->is_number()) << json.out;
  EXPECT_GT(Field(params[0], "spearman")->as_number(), 0.5) << json.out;  // loss grows with x1
  const CliResult random_table = Cli({"importance", "linear_random"});
  ASSERT_EQ(random_table.exit_code, 0) << random_table.err;
  EXPECT_NE(random_table.out.find("+0."), std::string::npos) << random_table.out;  // signed correlation

  const CliResult unknown = Cli({"importance", "linear", "--metric", "nope"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.out;
  EXPECT_NE(unknown.err.find("sweep: error:"), std::string::npos);
}

TEST_F(ReviewEndToEnd, RunsFilterSortLimitColumns) {
  const CliResult out = Cli({"runs", "linear", "--filter", "state = finished and param.x1 = 0", "--sort",
                             "-metric.loss", "--limit", "2", "--columns", "param.x1,param.x2,metric.loss,state"});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  const auto lines = Lines(out.out);
  ASSERT_EQ(lines.size(), 3u) << out.out;  // header + 2
  EXPECT_NE(lines[0].find("param.x2"), std::string::npos);
  EXPECT_EQ(lines[0].find("PARAMS"), std::string::npos);  // only the chosen columns
  EXPECT_NE(lines[1].find(" 4 "), std::string::npos) << out.out;  // x2 = 2 first: loss 4

  const CliResult json = Cli({"runs", "linear", "--json", "--filter", "param.x1 = 1", "--sort", "metric.loss"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto doc = ParseJson(json.out);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->as_list().size(), 9u);
}

TEST_F(ReviewEndToEnd, BadFilterPointsAtTheColumnAndInjectionMatchesNothing) {
  const CliResult bad = Cli({"runs", "linear", "--filter", "metric.loss <"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("column"), std::string::npos) << bad.err;
  EXPECT_TRUE(bad.out.empty()) << bad.out;

  const CliResult bad_sort = Cli({"runs", "linear", "--sort", "loss"});
  EXPECT_EQ(bad_sort.exit_code, 2);
  EXPECT_NE(bad_sort.err.find("column"), std::string::npos) << bad_sort.err;

  const CliResult inject = Cli({"runs", "linear", "--json", "--filter", "param.x1 = \"x'; DROP TABLE runs; --\""});
  ASSERT_EQ(inject.exit_code, 0) << inject.err;
  EXPECT_EQ(ParseJson(inject.out)->as_list().size(), 0u);
  const CliResult after = Cli({"runs", "linear", "--json"});
  ASSERT_EQ(after.exit_code, 0);
  EXPECT_EQ(ParseJson(after.out)->as_list().size(), static_cast<std::size_t>(kGridRuns));
}

TEST_F(ReviewEndToEnd, GroupByShowsMeanStdAndN) {
  const CliResult out = Cli({"runs", "linear", "--group-by", "x1", "--filter", "state = finished"});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  const auto lines = Lines(out.out);
  ASSERT_EQ(lines.size(), 4u) << out.out;  // header + 3 groups
  EXPECT_NE(lines[0].find("N"), std::string::npos);
  EXPECT_NE(out.out.find("\u00b1"), std::string::npos) << out.out;

  const CliResult json = Cli({"runs", "linear", "--group-by", "x1,x2", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto doc = ParseJson(json.out);
  ASSERT_TRUE(doc.ok());
  ASSERT_EQ(doc->as_list().size(), 9u);
  // x1 = 0, x2 = 0: loss 0 for all three x3 values, std 0.
  const Value& first = doc->as_list()[0];
  const Value* loss = Field(*Field(first, "metrics"), "loss");
  ASSERT_NE(loss, nullptr);
  EXPECT_EQ(Field(*loss, "n")->as_int(), 3);
  EXPECT_DOUBLE_EQ(Field(*loss, "mean")->as_number(), 0.0);
}

TEST_F(ReviewEndToEnd, CompareAndDiffShowOnlyDifferingParams) {
  // Runs 1 and 2 of the grid differ in exactly one parameter.
  const CliResult json = Cli({"compare", ids()[0], ids()[1], "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto doc = ParseJson(json.out);
  ASSERT_TRUE(doc.ok()) << json.out;
  EXPECT_EQ(Field(*doc, "params")->as_map().size(), 1u) << json.out;
  EXPECT_EQ(Field(*doc, "common_params")->as_map().size(), 2u) << json.out;
  EXPECT_NE(Field(*Field(*doc, "metrics"), "loss"), nullptr);

  const CliResult diff = Cli({"diff", ids()[0], ids()[1]});
  ASSERT_EQ(diff.exit_code, 0) << diff.err;
  EXPECT_NE(diff.out.find("parameters that differ"), std::string::npos);
  EXPECT_NE(diff.out.find("metrics"), std::string::npos);
  int param_lines = 0;
  for (const auto& name : {"  x1 ", "  x2 ", "  x3 "}) param_lines += diff.out.find(name) != std::string::npos;
  EXPECT_EQ(param_lines, 1) << diff.out;

  EXPECT_EQ(Cli({"diff", ids()[0]}).exit_code, 2);
  EXPECT_EQ(Cli({"diff", ids()[0], ids()[1], ids()[2]}).exit_code, 2);
  EXPECT_EQ(Cli({"compare", ids()[0], ids()[1], ids()[2]}).exit_code, 0);
}

TEST_F(ReviewEndToEnd, ExportCsvReadsBackWithPythonCsv) {
  const auto csv = dir_->path() / "runs.csv";
  const CliResult out = Cli({"export", "linear", "--format", "csv", "-o", csv.string()});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  const std::string parsed = Shell("python3 -c \"import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); "
                                   "print(len(r)); print(','.join(r[0].keys()))\" " + csv.string());
  const auto lines = Lines(parsed);
  ASSERT_EQ(lines.size(), 2u) << parsed;
  EXPECT_EQ(lines[0], std::to_string(kGridRuns));
  for (const char* col : {"id", "state", "param.x1", "param.x2", "param.x3", "metric.loss", "exit_code"})
    EXPECT_NE(lines[1].find(col), std::string::npos) << col << " in " << lines[1];

  const CliResult jsonl = Cli({"export", "linear", "--format", "jsonl", "--filter", "state != finished"});
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.err;
  EXPECT_EQ(Lines(jsonl.out).size(), static_cast<std::size_t>(kFailedRuns));
  const CliResult json = Cli({"export", "linear", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0);
  EXPECT_EQ(ParseJson(json.out)->as_list().size(), static_cast<std::size_t>(kGridRuns));
  EXPECT_EQ(Cli({"export", "linear", "--format", "xml"}).exit_code, 2);
}

TEST_F(ReviewEndToEnd, HistoryPrintsTheSeries) {
  const CliResult csv = Cli({"history", ids()[0], "--metric", "loss"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const auto lines = Lines(csv.out);
  ASSERT_EQ(lines.size(), 4u) << csv.out;
  EXPECT_EQ(lines[0], "key,step,value,time");
  EXPECT_EQ(lines[1].rfind("loss,0,", 0), 0u) << lines[1];

  const CliResult jsonl = Cli({"history", ids()[0], "--format", "jsonl"});
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.err;
  auto first = ParseJson(Lines(jsonl.out).at(0));
  ASSERT_TRUE(first.ok());
  for (const char* key : {"key", "step", "value", "time"}) EXPECT_NE(Field(*first, key), nullptr) << key;
}

// The report is the dashboard's front-end with the sweep's data embedded
// (the charts themselves are checked in the browser by
// cli_report_chromium_test): one file, no network, the data inside.
TEST_F(ReviewEndToEnd, ReportIsOneFileWithTheDataEmbedded) {
  const auto html = dir_->path() / "report.html";
  const CliResult out = Cli({"report", "linear", "-o", html.string()});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  EXPECT_NE(out.out.find("report.html"), std::string::npos);
  EXPECT_NE(out.out.find("bytes"), std::string::npos);
  const std::string text = ReadFile(html);
  for (const char* id : {"app", "sweep-snapshot"})
    EXPECT_NE(text.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  EXPECT_NE(text.find("default-src 'none'"), std::string::npos);  // nothing may be fetched
  EXPECT_EQ(text.find("src=\"http"), std::string::npos);
  EXPECT_NE(text.find("exited with code 3"), std::string::npos);  // the failure reason is in the data
  const CliResult missing = Cli({"report", "nosuchsweep", "-o", (dir_->path() / "none.html").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir_->path() / "none.html"));
}

TEST_F(ReviewEndToEnd, ShowPrintsEnvironmentSection) {
  const CliResult out = Cli({"show", ids()[0]});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  EXPECT_NE(out.out.find("\nenvironment\n"), std::string::npos) << out.out;
  EXPECT_NE(out.out.find("env."), std::string::npos) << out.out;
}

}  // namespace
}  // namespace sweep
