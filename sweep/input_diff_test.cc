#include "sweep/input_diff.h"

#include <gtest/gtest.h>

namespace sweep {
namespace {

RunRecord WithInputs(const std::map<std::string, std::string>& digests) {
  RunRecord run;
  for (const auto& [name, digest] : digests)
    run.tags[kInputTagPrefix + name] = InputTagValue(DataInput{name, digest, 1, 1, std::nullopt, "/d/" + name, ""});
  run.tags["env.host"] = "h";
  return run;
}

TEST(InputDiff, OnlyInputsThatDifferAreListed) {
  const std::string a(64, 'a'), b(64, 'b');
  const auto differing = DifferingInputs({WithInputs({{"train.csv", a}, {"images", b}}),
                                          WithInputs({{"train.csv", b}, {"images", b}})});
  ASSERT_EQ(differing.size(), 1u);
  EXPECT_EQ(differing[0].name, "train.csv");
  EXPECT_EQ(DataChangeLine(differing[0]), "data changed: train.csv sha256 aaaaaaaaaaaa… → bbbbbbbbbbbb…");
}

TEST(InputDiff, AnInputOneRunLacksDiffersUnlessThatRunRecordedNone) {
  const std::string a(64, 'a');
  const auto one_sided = DifferingInputs({WithInputs({{"x", a}}), WithInputs({{"y", a}})});
  ASSERT_EQ(one_sided.size(), 2u);
  EXPECT_EQ(DataChangeLine(one_sided[0]), "data only in the first run: x sha256 aaaaaaaaaaaa…");
  EXPECT_TRUE(DifferingInputs({WithInputs({{"x", a}}), WithInputs({})}).empty());
  EXPECT_EQ(ShortDigest("3f2a9c1d"), "digest 3f2a9c1d");  // another tool's digest (MLflow's) as is
}

}  // namespace
}  // namespace sweep
