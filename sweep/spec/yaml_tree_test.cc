#include "sweep/spec/yaml_tree.h"

#include <gtest/gtest.h>

#include <limits>

#include "sweep/spec/nearest_key.h"
#include "sweep/spec/yaml_value.h"

namespace sweep::spec {
namespace {

YamlNodePtr Tree(std::string_view text) {
  auto t = ParseYamlTree(text);
  EXPECT_TRUE(std::holds_alternative<YamlNodePtr>(t)) << std::get<YamlError>(t).message;
  return std::holds_alternative<YamlNodePtr>(t) ? std::get<YamlNodePtr>(t) : std::make_shared<const YamlNode>();
}

TEST(YamlTree, PositionsAreOneBased) {
  auto root = Tree("a: 1\nbb:\n  - x\n  - 'y'\n");
  ASSERT_TRUE(root->is_map());
  ASSERT_EQ(root->entries.size(), 2u);
  EXPECT_EQ(root->entries[1].first->line, 2);
  EXPECT_EQ(root->entries[1].first->column, 1);
  const auto& list = *root->entries[1].second;
  ASSERT_TRUE(list.is_sequence());
  EXPECT_EQ(list.items[1]->line, 4);
  EXPECT_EQ(list.items[1]->column, 5);
  EXPECT_TRUE(list.items[1]->quoted);
  EXPECT_FALSE(list.items[0]->quoted);
}

TEST(YamlTree, AliasesShareTheAnchoredNode) {
  auto root = Tree("a: &x [1, 2]\nb: *x\n");
  EXPECT_EQ(root->entries[0].second, root->entries[1].second);
}

TEST(YamlTree, UnknownAliasIsAnError) {
  auto t = ParseYamlTree("a: *nope\n");
  ASSERT_TRUE(std::holds_alternative<YamlError>(t));
}

TEST(YamlTree, DeepFlowNestingFailsCleanly) {
  constexpr int kDepth = 100000;
  auto t = ParseYamlTree(std::string(kDepth, '[') + std::string(kDepth, ']'));
  EXPECT_TRUE(std::holds_alternative<YamlError>(t));
}

TEST(Utf8, FindsTheFirstBadByte) {
  EXPECT_FALSE(FindInvalidUtf8("plain ascii\nand caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80").has_value());
  auto bad = FindInvalidUtf8("ab\ncd\xC3\xA9\xC0\xAF");  // overlong '/'
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->line, 2);
  EXPECT_EQ(bad->column, 4);
  EXPECT_TRUE(FindInvalidUtf8("\xED\xA0\x80").has_value());  // surrogate
  EXPECT_TRUE(FindInvalidUtf8("x\xE2\x82").has_value());     // truncated
  EXPECT_TRUE(FindInvalidUtf8("\xF4\x90\x80\x80").has_value());  // past U+10FFFF
}

TEST(YamlValue, PyYamlScalarRules) {
  auto value = [](std::string_view text) { return ScalarValue(*Tree(std::string("v: ") + std::string(text))->entries[0].second); };
  EXPECT_EQ(*value("yes"), Value(true));
  EXPECT_EQ(*value("Off"), Value(false));
  EXPECT_EQ(*value("~"), Value());
  EXPECT_EQ(*value("12_000"), Value(std::int64_t{12000}));
  EXPECT_EQ(*value("0x1F"), Value(std::int64_t{31}));
  EXPECT_EQ(*value("-3"), Value(std::int64_t{-3}));
  EXPECT_EQ(*value("1.5"), Value(1.5));
  EXPECT_EQ(*value("1e-3"), Value(1e-3));
  EXPECT_EQ(*value("-.inf"), Value(-std::numeric_limits<double>::infinity()));
  EXPECT_EQ(*value("'1.5'"), Value("1.5"));
  EXPECT_EQ(*value("!!str 7"), Value("7"));
  EXPECT_EQ(*value("1.2.3"), Value("1.2.3"));
  EXPECT_EQ(*value("e5"), Value("e5"));
  EXPECT_FALSE(value("1e400").ok());
  EXPECT_FALSE(value("-9223372036854775809").ok());
  EXPECT_EQ(*value("-9223372036854775808"), Value(std::numeric_limits<std::int64_t>::min()));
}

TEST(NearestKey, Suggestions) {
  constexpr std::string_view kKeys[] = {"parameters", "program", "method", "seed"};
  EXPECT_EQ(NearestKey("paramters", kKeys), "parameters");
  EXPECT_EQ(NearestKey("mehtod", kKeys), "method");
  EXPECT_EQ(NearestKey("x", kKeys), std::nullopt);
  EXPECT_EQ(NearestKey("completely_else", kKeys), std::nullopt);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("ab", "ba"), 1u);
}

}  // namespace
}  // namespace sweep::spec
