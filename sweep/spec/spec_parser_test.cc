#include "sweep/spec/spec_parser.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "sweep/spec/spec_test_util.h"

namespace sweep {
namespace {

using spec_test::ErrorCount;
using spec_test::HasDiagnostic;
using spec_test::Parse;

constexpr const char* kQuickstart = R"(name: quickstart
description: Random search
program: train.py
method: bayes
metric:
  name: val_loss
  goal: maximize
  target: 0.95
run_cap: 24
command:
  - ${env}
  - ${interpreter}
  - ${program}
  - --flag
  - ${args}
parameters:
  lr:
    distribution: log_uniform_values
    min: 0.0001
    max: 0.1
)";

TEST(SpecParser, ReadsTheWandbKeys) {
  auto r = Parse(kQuickstart);
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  const SweepSpec& s = *r.spec;
  EXPECT_EQ(s.name, "quickstart");
  EXPECT_EQ(s.description, "Random search");
  EXPECT_EQ(s.program, "train.py");
  EXPECT_EQ(s.method, SearchMethod::kBayes);
  EXPECT_EQ(s.metric.name, "val_loss");
  EXPECT_EQ(s.metric.goal, Goal::kMaximize);
  EXPECT_EQ(s.metric.target, 0.95);
  EXPECT_EQ(s.run_cap, 24);
  EXPECT_EQ(s.command, (std::vector<std::string>{"${env}", "${interpreter}", "${program}", "--flag", "${args}"}));
  EXPECT_EQ(s.source_text, kQuickstart);
  EXPECT_EQ(s.source_path, "spec.yaml");
  // bayes fits the best of each run's history and summary, as W&B's
  // bayes_search does (SweepRun.metric_extremum).
  EXPECT_EQ(s.metric.objective, MetricObjective::kBest);
  EXPECT_EQ(s.metric.impute, ImputeKind::kWorst);
  EXPECT_FALSE(s.early_terminate.has_value());
}

TEST(SpecParser, ObjectiveDefaultsPerMethodAndOverride) {
  const auto objective = [](const std::string& method, const std::string& extra) {
    auto r = Parse("method: " + method + "\nprogram: t.py\nmetric: {name: m" + extra +
                   "}\nparameters: {x: {values: [1, 2]}}\n");
    EXPECT_TRUE(r.ok()) << spec_test::Dump(r);
    return r.spec ? r.spec->metric.objective : MetricObjective::kSummary;
  };
  EXPECT_EQ(objective("grid", ""), MetricObjective::kSummary);
  EXPECT_EQ(objective("random", ""), MetricObjective::kSummary);
  EXPECT_EQ(objective("bayes", ""), MetricObjective::kBest);
  EXPECT_EQ(objective("bayes", ", objective: summary"), MetricObjective::kSummary);
  EXPECT_EQ(objective("grid", ", objective: best"), MetricObjective::kBest);
}

TEST(SpecParser, ReadsTheExtensions) {
  auto r = Parse(R"(method: random
program: train.py
metric: {name: acc, goal: maximize, objective: best, impute: -1.5, exclude_failed: true}
early_terminate: {type: hyperband, max_iter: 27, s: 2, eta: 4, strict: true}
seed: 7
timeout: 30m
retries: 2
max_failures: 5
max_consecutive_failures: 3
gpus_per_trial: 2
parameters: {x: {value: 1}}
)");
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  const SweepSpec& s = *r.spec;
  EXPECT_EQ(s.metric.objective, MetricObjective::kBest);
  EXPECT_EQ(s.metric.impute, ImputeKind::kValue);
  EXPECT_EQ(s.metric.impute_value, -1.5);
  EXPECT_TRUE(s.metric.exclude_failed);
  ASSERT_TRUE(s.early_terminate.has_value());
  EXPECT_FALSE(s.early_terminate->min_iter.has_value());
  EXPECT_EQ(s.early_terminate->max_iter, 27);
  EXPECT_EQ(s.early_terminate->s, 2);
  EXPECT_EQ(s.early_terminate->eta, 4);
  EXPECT_TRUE(s.early_terminate->strict);
  EXPECT_EQ(s.seed, 7);
  EXPECT_EQ(s.timeout_seconds, 1800.0);
  EXPECT_EQ(s.retries, 2);
  EXPECT_EQ(s.max_failures, 5);
  EXPECT_EQ(s.max_consecutive_failures, 3);
  EXPECT_EQ(s.gpus_per_trial, 2);
}

TEST(SpecParser, HyperbandDefaultsAndImputeWords) {
  auto r = Parse("method: bayes\nprogram: t.py\nmetric: {name: l, impute: best}\n"
                 "early_terminate: {type: hyperband, min_iter: 3}\ntimeout: 90\nparameters: {x: {value: 1}}\n");
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  EXPECT_EQ(r.spec->metric.impute, ImputeKind::kBest);
  EXPECT_EQ(r.spec->early_terminate->min_iter, 3);
  EXPECT_EQ(r.spec->early_terminate->eta, 3);
  EXPECT_FALSE(r.spec->early_terminate->strict);
  EXPECT_EQ(r.spec->timeout_seconds, 90.0);
}

TEST(SpecParser, ExtensionErrors) {
  auto r = Parse(R"(method: random
program: t.py
early_terminate: {type: envelope, max_iter: 9, eta: 1}
timeout: soon
retries: -1
max_failures: 0
gpus_per_trial: 0.5
seed: abc
metric: {name: l, objective: mean, impute: worse}
parameters: {x: {value: 1}}
)");
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:3:25: error: early_terminate.type: expected hyperband (W&B) or median, got 'envelope'"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:3:53: error: early_terminate.eta: must be at least 2, got 1"));
  EXPECT_TRUE(
      HasDiagnostic(r, "spec.yaml:3:18: error: early_terminate: hyperband needs 'min_iter', or 'max_iter' with 's'"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:4:10: error: timeout: invalid duration 'soon': not a number (write seconds, "
                               "or a number with s, m, h or d: 90s, 30m, 2h)"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:5:10: error: retries: must be at least 0, got -1"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:6:15: error: max_failures: must be at least 1, got 0"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:7:17: error: gpus_per_trial: expected an integer, got a number '0.5'"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:8:7: error: seed: expected an integer, got a string 'abc'"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:9:30: error: metric.objective: expected summary or best, got 'mean'"));
  EXPECT_TRUE(
      HasDiagnostic(r, "spec.yaml:9:44: error: metric.impute: expected worst, best or a number, got a string 'worse'"));
  EXPECT_EQ(ErrorCount(r), 10) << spec_test::Dump(r);
}

// `inputs:` (our extension): data files and folders whose digests each run records.
TEST(SpecParser, InputsAreAListOfPaths) {
  auto r = Parse("method: random\nprogram: t.py\ninputs: [data/train.csv, data/images]\nparameters: {x: {value: 1}}\n");
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  EXPECT_EQ(SpecInputs(r.spec->source_text), (std::vector<std::string>{"data/train.csv", "data/images"}));
  EXPECT_TRUE(SpecInputs("method: grid\nparameters: {x: {value: 1}}\n").empty());
  auto bad = Parse("method: random\nprogram: t.py\ninputs: train.csv\nparameters: {x: {value: 1}}\n");
  EXPECT_TRUE(HasDiagnostic(bad, "spec.yaml:3:9: error: inputs: expected a list of data files or folders, got a string "
                                 "'train.csv'"))
      << spec_test::Dump(bad);
  auto twice = Parse("method: random\nprogram: t.py\ninputs:\n  - a.csv\n  - {x: 1}\n  - a.csv\n"
                     "parameters: {x: {value: 1}}\n");
  EXPECT_TRUE(HasDiagnostic(twice, "spec.yaml:6:5: error: inputs: 'a.csv' is listed twice")) << spec_test::Dump(twice);
  EXPECT_EQ(ErrorCount(twice), 2) << spec_test::Dump(twice);
}

TEST(SpecParser, UnknownTopLevelKeySuggestsNearest) {
  auto r = Parse("method: random\nprogram: t.py\nparamters:\n  x: {value: 1}\n");
  EXPECT_TRUE(HasDiagnostic(
      r, "spec.yaml:3:1: warning: unknown top-level key 'paramters'; did you mean 'parameters'? (ignored)"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:1:1: error: missing 'parameters'"));
}

// W&B warns "malformed sweep config" about keys its schema does not know and
// creates the sweep anyway (RUN: 10, sweep_id: ... in real sweep files).
TEST(SpecParser, UnknownTopLevelKeysAreWarningsOnly) {
  auto r = Parse("method: random\nprogram: t.py\nzzzzzzzz: 1\nRUN: 10\nsweep_id: abc\nparameters: {x: {value: 1}}\n");
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:3:1: warning: unknown top-level key 'zzzzzzzz' (ignored)"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:4:1: warning: unknown top-level key 'RUN' (ignored)"));
}

TEST(SpecParser, UnknownEarlyTerminateKeysAreIgnoredAsWandbDoes) {
  auto r = Parse("method: grid\nprogram: t.py\nmetric: {name: m}\nearly_terminate: {type: hyperband, min_iter: 1, "
                 "etta: 2}\nparameters: {x: {values: [1, 2]}}\n");
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  EXPECT_TRUE(HasDiagnostic(
      r, "spec.yaml:4:49: warning: unknown early_terminate key 'etta'; did you mean 'eta'? (ignored)"));
}

TEST(SpecParser, WandbSchemaKeysAreAccepted) {
  auto r = Parse("job: entity/project/job:v1\nimage_uri: img:latest\nscheduler: {num_workers: 2}\n"
                 "method: grid\nparameters: {x: {values: [1, 2]}}\n");
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:1:1: note: 'job' is a W&B server setting; ignored here"));
}

TEST(SpecParser, WandbServerKeysGiveNotes) {
  auto r = Parse("project: p\nentity: e\ncontroller: {type: local}\nmethod: grid\nprogram: t.py\n"
                 "parameters: {x: {values: [1, 2]}}\n");
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  EXPECT_FALSE(HasDiagnostic(r, "spec.yaml:1:1: note: 'project' is a W&B server setting; ignored here"));
  EXPECT_EQ(r.spec->project, "p");  // the project the sweep's runs are filed under
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:2:1: note: 'entity' is a W&B server setting; ignored here"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:3:1: note: 'controller' is a W&B server setting; ignored here"));
}

TEST(SpecParser, BayesNeedsAMetric) {
  auto r = Parse("method: bayes\nprogram: t.py\nparameters: {x: {min: 0.0, max: 1.0}}\n");
  EXPECT_TRUE(HasDiagnostic(
      r, "spec.yaml:1:9: error: method bayes needs a metric to model: add metric: {name: ..., goal: ...}"));
}

TEST(SpecParser, MetricChecks) {
  auto r = Parse("method: random\nprogram: t.py\nmetric: {goal: up, nmae: x}\nparameters: {x: {value: 1}}\n");
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:3:16: error: metric.goal: expected minimize or maximize, got 'up'"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:3:20: error: unknown metric key 'nmae'; did you mean 'name'?"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:3:9: error: metric: missing 'name'"));
}

TEST(SpecParser, MethodAndProgramRequirements) {
  auto r = Parse("method: hill_climb\nparameters: {x: {value: 1}}\n");
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:1:9: error: method: expected grid, random or bayes, got 'hill_climb'"));
  EXPECT_FALSE(HasDiagnostic(r, "spec.yaml:1:1: error: missing 'program' (the default command runs ${program})"));
  auto no_method = Parse("program: t.py\nparameters: {x: {value: 1}}\n");
  EXPECT_TRUE(HasDiagnostic(no_method, "spec.yaml:1:1: error: missing 'method' (grid, random or bayes)"));
}

TEST(SpecParser, GridNamesEveryContinuousParameterAtItsKey) {
  auto r = Parse("method: grid\nprogram: t.py\nparameters:\n  lr: {min: 0.001, max: 0.1}\n  bs: {values: [1, 2]}\n"
                 "  wd: {distribution: log_uniform_values, min: 0.0001, max: 0.1}\n"
                 "  opt: {values: [a, b], probabilities: [0.5, 0.5]}\n  layers: {min: 1, max: 4}\n");
  EXPECT_EQ(ErrorCount(r), 3) << spec_test::Dump(r);
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:4:3: error: parameter 'lr': a uniform distribution is continuous; grid "
                               "search needs values, a constant, int_uniform or q_uniform"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:6:3: error: parameter 'wd': a log_uniform_values distribution is "
                               "continuous; grid search needs values, a constant, int_uniform or q_uniform"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:7:3: error: parameter 'opt': grid search does not accept categorical "
                               "probabilities (W&B refuses them too)"));
  EXPECT_TRUE(Parse("method: random\nprogram: t.py\nparameters: {lr: {min: 0.1, max: 1.0}}\n").ok());
}

TEST(SpecParser, ProgramNotNeededWhenTheCommandDoesNotUseIt) {
  auto r = Parse("method: grid\ncommand: [bash, run.sh, '${args}']\nparameters: {x: {values: [1]}}\n");
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  auto uses = Parse("method: grid\ncommand:\n  - ${program}\nparameters: {x: {values: [1]}}\n");
  auto empty = Parse("method: grid\nprogram: ''\nparameters: {x: {values: [1]}}\n");
  EXPECT_TRUE(HasDiagnostic(empty, "spec.yaml:2:10: error: program: is empty, but the command runs ${program}"));
  ASSERT_TRUE(uses.ok()) << spec_test::Dump(uses);  // wandb.agent(function=) can still run it
  EXPECT_TRUE(HasDiagnostic(uses, "spec.yaml:3:3: note: the command uses ${program} but the spec has no 'program': "
                                  "run this sweep with wandb.agent(sweep_id, function=...) or `sweep ask`; `sweep "
                                  "run` needs a program"));
}

// W&B accepts a spec without program (14 of 64 real configs): it is run by
// wandb.agent(id, function=...). Only `sweep run` needs one.
TEST(SpecParser, ProgramLessSpecIsAccepted) {
  auto r = Parse("method: random\nmetric: {name: loss, goal: minimize}\nparameters: {x: {min: 0.0, max: 1.0}}\n");
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  EXPECT_TRUE(r.spec->program.empty());
}

TEST(SpecParser, UnknownWholeItemMacroIsAWarning) {
  auto r = Parse("method: grid\nprogram: t.py\ncommand: [x, '${argz}', '${args}']\nparameters: {x: {value: 1}}\n");
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:3:14: warning: command: unknown macro 'argz'; did you mean 'args'?; the "
                               "item is dropped, as W&B's agent drops it"));
}

TEST(SpecParser, CommandMacrosAreCheckedAtParseTime) {
  auto r = Parse("method: grid\nprogram: t.py\ncommand: [x, 'a${argz}', '--a=${args}']\nparameters: {x: {value: 1}}\n");
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:3:14: error: command: command item 'a${argz}': unknown macro ${argz}"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:3:26: error: command: command item '--a=${args}': ${args} expands to "
                               "several arguments and must be a command item by itself"));
}

TEST(SpecParser, MissingProgramFileGivesANoteOnly) {
  // Trials run `program` relative to the working directory (W&B's agent
  // does), so validate looks there, not next to the spec.
  const auto dir = std::filesystem::temp_directory_path() / "sweep_spec_test_program";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "present.py") << "print()\n";
  const std::string spec_path = (dir / "s.yaml").string();
  auto absolute = ParseSweepSpec("method: grid\nprogram: " + (dir / "present.py").string() +
                                     "\nparameters: {x: {value: 1}}\n",
                                 spec_path);
  ASSERT_TRUE(absolute.ok()) << spec_test::Dump(absolute);
  EXPECT_TRUE(absolute.diagnostics.empty()) << spec_test::Dump(absolute);
  auto beside_spec = ParseSweepSpec("method: grid\nprogram: present.py\nparameters: {x: {value: 1}}\n", spec_path);
  ASSERT_TRUE(beside_spec.ok());
  ASSERT_EQ(beside_spec.diagnostics.size(), 1u);
  EXPECT_EQ(beside_spec.diagnostics[0].ToString(),
            spec_path + ":2:10: note: program 'present.py' is next to the spec but not in the current folder, where "
                        "trials run it (as W&B's agent does): run from " + dir.string() + ", or give its path");
  auto absent = ParseSweepSpec("method: grid\nprogram: absent.py\nparameters: {x: {value: 1}}\n", spec_path);
  ASSERT_TRUE(absent.ok());
  ASSERT_EQ(absent.diagnostics.size(), 1u);
  EXPECT_EQ(absent.diagnostics[0].ToString(),
            spec_path + ":2:10: note: program 'absent.py' does not exist in the current folder, where trials run it (yet)");
  std::filesystem::remove_all(dir);
}

TEST(SpecParser, LoadSweepSpecReadsFilesAndReportsMissingOnes) {
  auto missing = LoadSweepSpec("/nonexistent/sweep.yaml");
  ASSERT_FALSE(missing.ok());
  ASSERT_EQ(missing.diagnostics.size(), 1u);
  EXPECT_EQ(missing.diagnostics[0].ToString(),
            "/nonexistent/sweep.yaml: error: cannot read the spec file (missing or unreadable)");
  const char* source = std::getenv("SWEEP_SOURCE_DIR");
  const std::string root = source ? source : ".";
  for (const char* name : {"/configs/quickstart.yaml", "/configs/grid.yaml"}) {
    auto r = LoadSweepSpec(root + name);
    ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
    EXPECT_EQ(r.spec->source_path, root + name);
    EXPECT_FALSE(r.spec->source_text.empty());
  }
}

TEST(SpecParser, MalformedYamlGivesOneErrorAtTheParserPosition) {
  auto r = Parse("method: grid\nparameters:\n  x: [1, 2\n");
  ASSERT_EQ(r.diagnostics.size(), 1u) << spec_test::Dump(r);
  EXPECT_EQ(r.diagnostics[0].line, 4);
  EXPECT_NE(r.diagnostics[0].message.find("invalid YAML"), std::string::npos);
  auto r2 = Parse("a: b: c\n");
  ASSERT_EQ(r2.diagnostics.size(), 1u) << spec_test::Dump(r2);
  EXPECT_EQ(r2.diagnostics[0].line, 1);
  EXPECT_EQ(r2.diagnostics[0].column, 5);
}

TEST(SpecParser, TabsInIndentationAreReported) {
  auto r = Parse("method: grid\nparameters:\n\tx:\n\t\tvalue: 1\n");
  EXPECT_FALSE(r.ok());
  EXPECT_GE(ErrorCount(r), 1);
}

TEST(SpecParser, NonUtf8ReportsTheFirstBadByte) {
  auto r = Parse("method: grid\nname: caf\xC3\xA9 \xFF\nparameters: {}\n");
  ASSERT_EQ(r.diagnostics.size(), 1u) << spec_test::Dump(r);
  EXPECT_EQ(r.diagnostics[0].ToString(), "spec.yaml:2:12: error: the file is not valid UTF-8");
}

TEST(SpecParser, EmptyAndNonMappingDocuments) {
  EXPECT_TRUE(HasDiagnostic(Parse(""), "spec.yaml:1:1: error: a sweep spec is a mapping with at least 'method' and "
                                       "'parameters', got nothing"));
  EXPECT_FALSE(Parse("- a\n- b\n").ok());
  EXPECT_FALSE(Parse("method: grid\nprogram: t.py\nparameters: []\n").ok());
}

TEST(SpecParser, DuplicateKeysAreErrors) {
  auto r = Parse("method: grid\nmethod: random\nprogram: t.py\nparameters: {x: {value: 1}}\n");
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:2:1: error: duplicate key 'method'"));
}

TEST(SpecParser, BillionLaughsIsRejected) {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 12; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev + ", " + prev + ", " + prev + ", " +
            prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + "]\n";
  }
  auto r = Parse(text);
  ASSERT_EQ(r.diagnostics.size(), 1u) << spec_test::Dump(r);
  EXPECT_NE(r.diagnostics[0].message.find("counting each alias as a copy"), std::string::npos)
      << r.diagnostics[0].message;
}

TEST(SpecParser, DurationsAndCountsAreRangeCheckedWithPositions) {
  auto r = Parse(R"(method: random
program: t.py
timeout: 10000000000
max_runtime: 400d
run_cap: 9223372036854775807
retries: 1000
gpus_per_trial: 100000
early_terminate: {type: hyperband, max_iter: 2, s: 3, eta: 3}
parameters:
  x: {min: -9223372036854775808, max: 9007199254740993}
  y: {min: 0, max: 9007199254740992}
)");
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:3:10: error: timeout: invalid duration '10000000000s': longer than a year, "
                               "the most allowed (leave the key out for no limit) (write seconds, or a number with s, "
                               "m, h or d: 90s, 30m, 2h)"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:4:14: error: max_runtime: invalid duration '400d': longer than a year, the "
                               "most allowed (leave the key out for no limit) (write seconds, or a number with s, m, h "
                               "or d: 90s, 30m, 2h)"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:5:10: error: run_cap: must be at most 1000000000, got 9223372036854775807"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:6:10: error: retries: must be at most 100, got 1000"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:7:17: error: gpus_per_trial: must be at most 1024, got 100000"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:8:46: error: early_terminate.max_iter: must be at least eta (3) for one "
                               "bracket, got 2"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:10:12: error: parameter 'x': integer bounds must lie within "
                               "+-9007199254740992 (bounds are kept as doubles, exact only that far), got "
                               "-9223372036854775808"));
  EXPECT_TRUE(HasDiagnostic(r, "spec.yaml:10:39: error: parameter 'x': integer bounds must lie within "
                               "+-9007199254740992 (bounds are kept as doubles, exact only that far), got "
                               "9007199254740993"));
  EXPECT_EQ(ErrorCount(r), 8) << spec_test::Dump(r);
}

TEST(SpecParser, MergeKeysWorkAsInPyYaml) {
  auto r = Parse(R"(method: random
program: t.py
parameters:
  lr: &lr {min: 0.1, max: 1.0}
  lr2: {<<: *lr, max: 0.5}
)");
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  const ParameterSpec* lr2 = r.spec->space.find("lr2");
  ASSERT_NE(lr2, nullptr);
  EXPECT_EQ(lr2->min, 0.1);
  EXPECT_EQ(lr2->max, 0.5);
  EXPECT_TRUE(HasDiagnostic(Parse("method: grid\nprogram: t.py\nparameters: {x: {<<: 1}}\n"),
                            "spec.yaml:3:22: error: merge key '<<': expected a mapping or a list of mappings, got an "
                            "integer '1'"));
}

TEST(SpecParser, ASecondDocumentIsAnError) {
  auto r = Parse("method: grid\nprogram: t.py\nparameters: {x: {value: 1}}\n---\nmethod: random\n");
  ASSERT_EQ(r.diagnostics.size(), 1u) << spec_test::Dump(r);
  EXPECT_EQ(r.diagnostics[0].line, 4);
  EXPECT_EQ(r.diagnostics[0].column, 1);
  EXPECT_NE(r.diagnostics[0].message.find("second YAML document"), std::string::npos) << r.diagnostics[0].message;
}

TEST(SpecParser, FiveHundredLevelsSayWhatAndWhere) {
  std::string text = "method: grid\nprogram: t.py\nparameters:\n  x:\n    value: ";
  text += std::string(500, '[') + std::string(500, ']') + "\n";
  auto r = Parse(text);
  ASSERT_EQ(r.diagnostics.size(), 1u) << spec_test::Dump(r);
  EXPECT_EQ(r.diagnostics[0].line, 5);
  EXPECT_NE(r.diagnostics[0].message.find("nested deeper than 200 levels"), std::string::npos)
      << r.diagnostics[0].message;
  EXPECT_EQ(r.diagnostics[0].message.find("bad file"), std::string::npos);
}

TEST(SpecParser, TenMegabyteSpecParsesQuickly) {
  std::string text = "method: random\nprogram: t.py\nparameters:\n";
  constexpr std::size_t kTargetBytes = 10 * 1024 * 1024;
  for (int i = 0; text.size() < kTargetBytes; ++i)
    text += "  p" + std::to_string(i) + ":\n    values: [0.001, 0.01, 0.1, adam, sgd, 128, 256]\n";
  const auto start = std::chrono::steady_clock::now();
  auto r = Parse(text);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r).substr(0, 1000);
  EXPECT_GT(r.spec->space.parameters.size(), 100000u);
  // A sanity bound for a shared, loaded machine, not a benchmark: quadratic
  // behaviour would take minutes.
  constexpr auto kGenerousBound = std::chrono::seconds(30);
  EXPECT_LT(elapsed, kGenerousBound);
}

}  // namespace
}  // namespace sweep

namespace sweep {
namespace {

TEST(SpecParserMedianStop, MedianRuleParsesWithItsOptions) {
  auto r = ParseSweepSpec(
      "method: random\nmetric: {name: loss}\nearly_terminate: {type: median, n_startup_trials: 3, warmup_steps: 2}\n"
      "parameters: {x: {min: 0.0, max: 1.0}}\ncommand: [/bin/true]\n",
      "s.yaml");
  ASSERT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : r.diagnostics[0].ToString());
  ASSERT_TRUE(r.spec->early_terminate);
  EXPECT_EQ(r.spec->early_terminate->type, EarlyTerminateSpec::Type::kMedian);
  EXPECT_EQ(r.spec->early_terminate->n_startup_trials, 3);
  EXPECT_EQ(r.spec->early_terminate->warmup_steps, 2);
}

TEST(SpecParserMedianStop, UnknownTypeNamesBothChoices) {
  auto r = ParseSweepSpec(
      "method: random\nearly_terminate: {type: asha}\nparameters: {x: {min: 0.0, max: 1.0}}\ncommand: [/bin/true]\n",
      "s.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.diagnostics[0].ToString().find("hyperband (W&B) or median"), std::string::npos)
      << r.diagnostics[0].ToString();
}

}  // namespace
}  // namespace sweep

namespace sweep {
namespace {

TEST(SpecParserMaxRuntime, SweepWideRuntimeIsADuration) {
  auto r = ParseSweepSpec("method: random\nmax_runtime: 2h\nparameters: {x: {min: 0.0, max: 1.0}}\ncommand: [/bin/true]\n",
                          "s.yaml");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.spec->max_runtime_seconds, 7200.0);
  auto bad = ParseSweepSpec("method: random\nmax_runtime: soon\nparameters: {x: {min: 0.0, max: 1.0}}\n"
                            "command: [/bin/true]\n",
                            "s.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.diagnostics[0].ToString().find("s.yaml:2:14: error: max_runtime:"), std::string::npos)
      << bad.diagnostics[0].ToString();
}

}  // namespace
}  // namespace sweep
