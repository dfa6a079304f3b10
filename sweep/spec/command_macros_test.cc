#include "sweep/spec/command_macros.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <map>

#include "core/value_json.h"
#include "sweep/spec/spec_test_util.h"

namespace sweep {
namespace {

using Argv = std::vector<std::string>;

SweepSpec SpecWith(Argv command) {
  auto r = spec_test::Parse(
      "method: random\nprogram: train.py\nparameters:\n  lr: {min: 0.0, max: 1.0}\n  fast: {values: [true, false]}\n"
      "  opt:\n    parameters:\n      name: {values: [adam]}\n");
  EXPECT_TRUE(r.ok()) << spec_test::Dump(r);
  SweepSpec spec = r.spec.value_or(SweepSpec{});
  spec.command = std::move(command);
  return spec;
}

CommandContext Context(std::map<std::string, std::string> env = {}) {
  CommandContext c;
  c.interpreter = "python3.11";
  c.args_json_file = "/runs/r1/params.json";
  c.getenv = [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return c;
}

const Config kConfig = {{"lr", Value(0.1)}, {"fast", Value(true)}, {"opt.name", Value("adam")}};

TEST(ExpandCommand, DefaultCommand) {
  auto argv = ExpandCommand(SpecWith({}), kConfig, Context());
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_EQ(*argv, (Argv{"/usr/bin/env", "python3.11", "train.py", "--lr=0.1", "--fast=True", "--opt={'name': 'adam'}"}));
}

TEST(ExpandCommand, ArgumentStyles) {
  auto argv = ExpandCommand(SpecWith({"${args_no_hyphens}", "--", "${args_no_boolean_flags}"}), kConfig, Context());
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_EQ(*argv,
            (Argv{"lr=0.1", "fast=True", "opt={'name': 'adam'}", "--", "--lr=0.1", "--fast", "--opt={'name': 'adam'}"}));
  const Config off = {{"fast", Value(false)}};
  auto no_flag = ExpandCommand(SpecWith({"${args_no_boolean_flags}"}), off, Context());
  ASSERT_TRUE(no_flag.ok());
  EXPECT_TRUE(no_flag->empty());
}

TEST(ExpandCommand, JsonMacros) {
  SweepSpec spec = SpecWith({"${args_json}", "--params=${args_json_file}"});
  auto argv = ExpandCommand(spec, kConfig, Context());
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  ASSERT_EQ(argv->size(), 2u);
  EXPECT_EQ((*argv)[0], ToJson(ToNestedConfig(spec.space, kConfig)));
  EXPECT_NE((*argv)[0].find("\"opt\":{\"name\":\"adam\"}"), std::string::npos) << (*argv)[0];
  EXPECT_EQ((*argv)[1], "--params=/runs/r1/params.json");
}

TEST(ExpandCommand, EnvVarsSubstituteInsideText) {
  auto argv = ExpandCommand(SpecWith({"${envvar:HOME_DIR}/x", "a${envvar:A}b${envvar:B}", "$HOME", "${program}.bak"}),
                            kConfig, Context({{"HOME_DIR", "/h"}, {"A", "1"}, {"B", ""}}));
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_EQ(*argv, (Argv{"/h/x", "a1b", "$HOME", "train.py.bak"}));
}

TEST(ExpandCommand, UnsetEnvVarIsAnError) {
  auto argv = ExpandCommand(SpecWith({"${envvar:NOPE}"}), kConfig, Context());
  ASSERT_FALSE(argv.ok());
  EXPECT_EQ(argv.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(argv.error().message.find("NOPE is not set"), std::string::npos) << argv.error().message;
}

TEST(ExpandCommand, ArgsNoEqualsGivesTwoItemsPerParameter) {
  auto argv = ExpandCommand(SpecWith({"${args_no_equals}"}), kConfig, Context());
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_EQ(*argv, (Argv{"--lr", "0.1", "--fast", "True", "--opt", "{'name': 'adam'}"}));
}

// W&B's agent: for c in command: if c is "${name}": command_list +=
// sweep_vars.get(name) or [] -- an unknown whole-item macro vanishes.
TEST(ExpandCommand, UnknownWholeItemMacroIsDropped) {
  auto argv = ExpandCommand(SpecWith({"x", "${argz}", "${program}"}), kConfig, Context());
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_EQ(*argv, (Argv{"x", "train.py"}));
  EXPECT_TRUE(IsDroppedMacroItem("${argz}"));
  EXPECT_TRUE(CheckCommandItem("${argz}").ok());
  for (const char* kept : {"${args}", "${args_no_equals}", "${envvar:X}", "${}", "${envvar:}", "a${argz}", "${a}b"})
    EXPECT_FALSE(IsDroppedMacroItem(kept)) << kept;
}

// W&B's nested-params example (wandb/sweeps examples/nested-params): one
// flag per top-level key, the nested dict as Python's str() prints it.
TEST(ExpandCommand, NestedParametersAsWandbAgentPassesThem) {
  auto r = spec_test::Parse(
      "method: grid\nprogram: train-nested-cli.py\nparameters:\n  batch_size: {values: [32, 64]}\n"
      "  optimizer:\n    parameters:\n      lr: {values: [0.001, 0.0001]}\n"
      "      nadam:\n        parameters:\n          beta: {values: [0.9, 0.95]}\n");
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  const Config config = {{"batch_size", Value(std::int64_t{32})},
                         {"optimizer.lr", Value(0.001)},
                         {"optimizer.nadam.beta", Value(0.9)}};
  auto argv = ExpandCommand(*r.spec, config, Context());
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_EQ(*argv, (Argv{"/usr/bin/env", "python3.11", "train-nested-cli.py", "--batch_size=32",
                         "--optimizer={'lr': 0.001, 'nadam': {'beta': 0.9}}"}));
}

// W&B's HyperParameterSet.to_config re-nests the flattened names in sorted
// order: flat parameters keep the spec's order and come first, nested blocks
// follow, their keys sorted. Re-derived here with Python's sorted() over the
// flattened names W&B builds.
TEST(ExpandCommand, NestedOrderFollowsWandbsRenesting) {
  auto r = spec_test::Parse(
      "method: grid\nprogram: t.py\nparameters:\n  zeta:\n    parameters:\n      b: {value: 1}\n"
      "      a: {value: 2}\n  epochs: {value: 3}\n  alpha:\n    parameters:\n      y: {value: 4}\n");
  ASSERT_TRUE(r.ok()) << spec_test::Dump(r);
  const Config config = {{"zeta.b", Value(1)}, {"zeta.a", Value(2)}, {"epochs", Value(3)}, {"alpha.y", Value(4)}};
  // sorted(["zeta<D>b", "zeta<D>a", "alpha<D>y"]) = alpha<D>y, zeta<D>a, zeta<D>b.
  auto argv = ExpandCommand(*r.spec, config, Context());
  ASSERT_TRUE(argv.ok()) << argv.error().message;
  EXPECT_EQ(*argv, (Argv{"/usr/bin/env", "python3.11", "t.py", "--epochs=3", "--alpha={'y': 4}",
                         "--zeta={'a': 2, 'b': 1}"}));
  SweepSpec json_spec = *r.spec;
  json_spec.command = {"${args_json}"};
  auto json = ExpandCommand(json_spec, config, Context());
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, (Argv{R"({"epochs":3,"alpha":{"y":4},"zeta":{"a":2,"b":1}})"}));
}

TEST(ExpandCommand, BadMacrosAreErrors) {
  for (const char* item : {"${args", "--x=${args}", "--x=${argz}", "${envvar:}", "${}"}) {
    auto argv = ExpandCommand(SpecWith({item}), kConfig, Context());
    ASSERT_FALSE(argv.ok()) << item;
    EXPECT_EQ(argv.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(argv.error().message.find(item), std::string::npos) << argv.error().message;
    EXPECT_FALSE(CheckCommandItem(item).ok()) << item;
  }
  EXPECT_NE(
      ExpandCommand(SpecWith({"--x=${argz}"}), kConfig, Context()).error().message.find("unknown macro ${argz}"),
      std::string::npos);
}

TEST(ExpandCommand, FloatsRoundTripThroughArgs) {
  const double samples[] = {0.1, 1.0 / 3.0, 1e-7, 123456789.125, 2.5e300, -0.0, 5e-324, 0.30000000000000004};
  for (double d : samples) {
    auto argv = ExpandCommand(SpecWith({"${args_no_hyphens}"}), Config{{"x", Value(d)}}, Context());
    ASSERT_TRUE(argv.ok());
    const std::string text = (*argv)[0].substr(2);
    const double back = std::strtod(text.c_str(), nullptr);
    EXPECT_EQ(std::memcmp(&back, &d, sizeof d), 0) << text;
  }
}

TEST(ExpandCommand, PythonFormatting) {
  const Config config = {{"n", Value(std::int64_t{3})}, {"f", Value(2.0)}, {"none", Value()}, {"b", Value(false)}};
  auto argv = ExpandCommand(SpecWith({"${args}"}), config, Context());
  ASSERT_TRUE(argv.ok());
  EXPECT_EQ(*argv, (Argv{"--n=3", "--f=2.0", "--none=None", "--b=False"}));
}

TEST(CommandUsesProgram, DefaultAndExplicit) {
  EXPECT_TRUE(CommandUsesProgram({}));
  EXPECT_TRUE(CommandUsesProgram({"x", "${program}"}));
  EXPECT_FALSE(CommandUsesProgram({"bash", "${args}"}));
}

}  // namespace
}  // namespace sweep
