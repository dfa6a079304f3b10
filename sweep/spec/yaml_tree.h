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

// Limits on a spec's document, as it would be once every alias were copied
// out (which is what reading it into Values does). Aliases share the anchored
// node in the tree, so a small file can name a huge document: anchors over
// long strings ("&s" 10 KB, then lists of lists of "*s") or the "billion
// laughs" node bomb. Both limits sit far above any real spec (a 10 MB spec
// of lists of numbers and names is about 2 million nodes and 8 MB of text)
// and keep the expanded Values within a few hundred MB.
inline constexpr std::size_t kMaxExpandedYamlNodes = 4'000'000;
inline constexpr std::size_t kMaxExpandedYamlBytes = 64 * 1024 * 1024;
// Deepest nesting of lists and mappings (aliases counted where they are
// used). Room for kMaxParameterDepth (64) nested parameter blocks, two
// levels each; values of a spec are stored as JSON and read back under
// core/json_limits.h's kMaxJsonDepth (256), which this stays below; and
// every reader of the tree recurses once per level.
inline constexpr int kMaxYamlDepth = 200;

// The document of `text` (an empty text gives a null node), or an error at
// its position: yaml-cpp's syntax errors ("invalid YAML: ..."), a second
// document (PyYAML's safe_load, which W&B reads specs with, refuses one too),
// nesting past kMaxYamlDepth, an expansion past the limits above, or a bad
// merge key. Merge keys ("<<: *base" or "<<: [*a, *b]") are resolved as
// PyYAML's SafeConstructor does: the merged mappings' entries come first,
// keys written in the mapping itself win over merged ones, and of several
// merged mappings the earlier one wins; a key keeps the place where it first
// appeared. Keys written twice in one mapping are kept twice, for the spec
// checks to report.
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
