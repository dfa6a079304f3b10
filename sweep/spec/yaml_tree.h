// YamlNode: the YAML document of a spec as a plain tree that remembers where
// every node was written, so the spec checks can point at line:column without
// depending on yaml-cpp (which stays private to yaml_tree.cc).
//
// Immutable once built; safe to read from several threads.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace sweep::spec {

struct YamlNode;
using YamlNodePtr = std::shared_ptr<const YamlNode>;

struct YamlNode {
  enum class Kind { kNull, kScalar, kSequence, kMap };

  Kind kind = Kind::kNull;
  int line = 1;    // 1-based
  int column = 1;  // 1-based
  // kScalar: the text as written (escapes resolved). `quoted` is true for
  // quoted, block and explicitly !!str-tagged scalars: those are strings even
  // when they read like numbers.
  std::string text;
  bool quoted = false;
  std::vector<YamlNodePtr> items;                           // kSequence
  std::vector<std::pair<YamlNodePtr, YamlNodePtr>> entries;  // kMap, in written order

  bool is_map() const { return kind == Kind::kMap; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_null() const { return kind == Kind::kNull; }
};

struct YamlError {
  int line = 1;  // 1-based
  int column = 1;
  std::string message;
};

// The first document of `text` (an empty text gives a null node), or the
// parser's error at its position. Aliases share the anchored node; a document
// whose aliases would expand beyond kMaxExpandedYamlNodes nodes is rejected
// (the "billion laughs" shape), as is nesting deeper than yaml-cpp allows.
constexpr std::size_t kMaxExpandedYamlNodes = 50'000'000;
std::variant<YamlNodePtr, YamlError> ParseYamlTree(std::string_view text);

// Position of the first byte that is not part of valid UTF-8 (overlong forms,
// surrogates and code points past U+10FFFF included), or nullopt. Column
// counts characters, as an editor does.
struct TextPosition {
  int line = 1;
  int column = 1;
};
std::optional<TextPosition> FindInvalidUtf8(std::string_view text);

}  // namespace sweep::spec
