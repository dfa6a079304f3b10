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

YamlError Error(std::string_view text) {
  auto t = ParseYamlTree(text);
  EXPECT_TRUE(std::holds_alternative<YamlError>(t)) << text.substr(0, 200);
  return std::holds_alternative<YamlError>(t) ? std::get<YamlError>(t) : YamlError{0, 0, "no error"};
}

std::string Nested(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']');
}

TEST(YamlTree, DeepFlowNestingFailsCleanly) {
  constexpr int kDepth = 100000;
  const YamlError e = Error(Nested(kDepth));
  EXPECT_EQ(e.message, "lists and mappings nested deeper than " + std::to_string(kMaxYamlDepth) +
                           " levels (aliases count where they are used)");
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.column, kMaxYamlDepth + 1);  // the first bracket past the limit
}

TEST(YamlTree, FiveHundredBlockLevelsSayWhatAndWhere) {
  std::string text;
  for (int i = 0; i < 500; ++i) text += std::string(static_cast<std::size_t>(i) * 2, ' ') + "k:\n";
  const YamlError e = Error(text);
  EXPECT_NE(e.message.find("nested deeper than"), std::string::npos) << e.message;
  EXPECT_EQ(e.line, kMaxYamlDepth + 1);
}

TEST(YamlTree, NestingUpToTheLimitIsFine) {
  auto root = Tree(Nested(kMaxYamlDepth));
  EXPECT_TRUE(root->is_sequence());
}

TEST(YamlTree, AliasesCountTheirDepthWhereTheyAreUsed) {
  const int half = kMaxYamlDepth / 2 + 1;
  const YamlError e = Error("a: &a " + Nested(half) + "\nb: " + std::string(half, '[') + "*a" + std::string(half, ']'));
  EXPECT_NE(e.message.find("nested deeper than"), std::string::npos) << e.message;
  EXPECT_EQ(e.line, 2);
}

// Issue 12: anchors over a 10,000-character string, then five levels of
// ten-element lists of aliases: 10 KB of text naming 1 GB.
std::string ScalarBomb(int levels) {
  std::string text = "a0: &a0 \"" + std::string(10000, 'x') + "\"\n";
  for (int level = 1; level <= levels; ++level) {
    const std::string prev = "*a" + std::to_string(level - 1);
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", " : "") + prev;
    text += "]\n";
  }
  return text;
}

// Issue 12: the 400-byte "billion laughs": nine levels of nine aliases.
std::string NodeBomb() {
  std::string text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  std::string prev = "a";
  for (char c = 'b'; c <= 'i'; ++c) {
    const std::string name(1, c);
    text += name + ": &" + name + " [";
    for (int i = 0; i < 9; ++i) text += (i ? "," : "") + ("*" + prev);
    text += "]\n";
    prev = name;
  }
  return text;
}

TEST(YamlTree, AliasBombsAreRefusedWithoutExpandingThem) {
  const YamlError bytes = Error(ScalarBomb(5));
  EXPECT_NE(bytes.message.find("MiB of text, counting each alias"), std::string::npos) << bytes.message;
  EXPECT_GT(bytes.line, 1);
  const YamlError nodes = Error(NodeBomb());
  EXPECT_NE(nodes.message.find("values, counting each alias"), std::string::npos) << nodes.message;
  EXPECT_GT(nodes.line, 1);
  // Below the limits aliases are fine.
  auto root = Tree(ScalarBomb(2));
  EXPECT_EQ(root->entries.size(), 3u);
}

TEST(YamlTree, ASecondDocumentIsAnErrorWhereItStarts) {
  const YamlError e = Error("a: 1\n---\nb: 2\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 1);
  EXPECT_NE(e.message.find("second YAML document"), std::string::npos) << e.message;
  EXPECT_TRUE(Tree("---\na: 1\n...\n")->is_map());  // markers around one document are fine
}

// The keys of a mapping node and their scalar values, "k=v" in order.
std::vector<std::string> Pairs(const YamlNode& map) {
  std::vector<std::string> out;
  for (const auto& [k, v] : map.entries) out.push_back(k->text + "=" + v->text);
  return out;
}

const YamlNode& Entry(const YamlNodePtr& root, std::string_view key) {
  for (const auto& [k, v] : root->entries)
    if (k->text == key) return *v;
  ADD_FAILURE() << "no key " << key;
  return *root;
}

// Expected results re-derived from PyYAML's SafeConstructor.flatten_mapping
// (merged entries first, a list's mappings last to first, then the mapping's
// own; a Python dict keeps the first place of a key and the last value).
TEST(YamlMerge, OwnKeysWinOverMergedOnes) {
  auto root = Tree("lr: &lr {min: 0.1, max: 1}\nlr2: {<<: *lr, max: 0.5}\nlr3: {max: 0.2, <<: *lr}\n");
  EXPECT_EQ(Pairs(Entry(root, "lr2")), (std::vector<std::string>{"min=0.1", "max=0.5"}));
  EXPECT_EQ(Pairs(Entry(root, "lr3")), (std::vector<std::string>{"min=0.1", "max=0.2"}));
  EXPECT_EQ(Pairs(Entry(root, "lr")), (std::vector<std::string>{"min=0.1", "max=1"})) << "the anchor is unchanged";
}

TEST(YamlMerge, EarlierMappingsOfAListWin) {
  auto root = Tree("a: &a {x: 1}\nb: &b {x: 2, y: 3}\nc: {<<: [*a, *b], z: 4}\n");
  // PyYAML: merge = b + a = [x:2, y:3, x:1], then z -> {x: 1, y: 3, z: 4}.
  EXPECT_EQ(Pairs(Entry(root, "c")), (std::vector<std::string>{"x=1", "y=3", "z=4"}));
}

TEST(YamlMerge, MergesNestAndBlockStyleWorks) {
  auto root = Tree("base: &base\n  x: 1\nmid: &mid\n  <<: *base\n  y: 2\ntop:\n  <<: *mid\n  z: 3\n");
  EXPECT_EQ(Pairs(Entry(root, "top")), (std::vector<std::string>{"x=1", "y=2", "z=3"}));
}

TEST(YamlMerge, AQuotedKeyIsNotAMerge) {
  auto root = Tree("a: &a {x: 1}\nb: {'<<': *a}\n");
  ASSERT_EQ(Entry(root, "b").entries.size(), 1u);
  EXPECT_EQ(Entry(root, "b").entries[0].first->text, "<<");
}

TEST(YamlMerge, KeysWrittenTwiceStayTwiceForTheChecks) {
  auto root = Tree("a: &a {x: 1}\nb: {<<: *a, x: 2, x: 3}\n");
  EXPECT_EQ(Pairs(Entry(root, "b")), (std::vector<std::string>{"x=2", "x=3"}));
}

TEST(YamlMerge, AMergeOfSomethingElseIsAnErrorAtIt) {
  const YamlError scalar = Error("a: 1\nb: {<<: 5}\n");
  EXPECT_EQ(scalar.message, "merge key '<<': expected a mapping or a list of mappings, got an integer '5'");
  EXPECT_EQ(scalar.line, 2);
  EXPECT_EQ(scalar.column, 9);
  const YamlError item = Error("a: &a {x: 1}\nb: {<<: [*a, [1]]}\n");
  EXPECT_EQ(item.message, "merge key '<<': expected a mapping, got a list");
  EXPECT_EQ(item.line, 2);
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
