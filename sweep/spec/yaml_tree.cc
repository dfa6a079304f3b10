#include "sweep/spec/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <unordered_map>

#include "core/json_limits.h"
#include "sweep/spec/yaml_merge.h"

namespace sweep::spec {
namespace {

// yaml-cpp gives quoted and block scalars the non-specific tag "!", plain ones "?".
constexpr std::string_view kQuotedTag = "!";
constexpr std::string_view kStrTag = "tag:yaml.org,2002:str";

static_assert(kMaxYamlDepth < kMaxJsonDepth, "spec values must read back from their JSON");

// Thrown out of the event handler to stop yaml-cpp; becomes the YamlError.
struct TreeError {
  YamlError error;
};

TreeError ErrorAt(const YAML::Mark& mark, std::string message) {
  return TreeError{YamlError{mark.line + 1, mark.column + 1, std::move(message)}};
}

// What a finished node would cost copied out: nodes, bytes of scalar text,
// and height (levels of lists and mappings, itself included; 0 for scalars).
struct Expansion {
  std::size_t nodes = 0;
  std::size_t bytes = 0;
  int height = 0;
};

// Builds YamlNodes from yaml-cpp's parse events (cheaper than YAML::Load and
// keeps each node's mark), enforcing the limits of yaml_tree.h as it goes:
// nothing is ever expanded, so a bomb costs only the events read before it
// crosses a limit.
class TreeBuilder : public YAML::EventHandler {
 public:
  YamlNodePtr root() const { return root_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Finish(Make(YamlNode::Kind::kNull, mark), anchor, Add(mark, Expansion{1, 0, 0}));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) throw YAML::ParserException(mark, "unknown alias");
    const auto& [node, size] = it->second;
    if (static_cast<int>(stack_.size()) + size.height > kMaxYamlDepth) throw TooDeep(mark);
    Add(mark, size);
    Attach(node, size.height);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    const Expansion start = Add(mark, Expansion{1, value.size(), 0});
    auto node = Make(YamlNode::Kind::kScalar, mark);
    node->text = value;
    node->quoted = tag == kQuotedTag || tag == kStrTag;
    Finish(std::move(node), anchor, start);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(YamlNode::Kind::kSequence, mark, anchor);
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(YamlNode::Kind::kMap, mark, anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    std::shared_ptr<YamlNode> node;
    YAML::anchor_t anchor;
    Expansion start;          // the totals before this node
    int child_height = 0;     // the tallest child so far
    YamlNodePtr pending_key;  // maps: the key waiting for its value
  };

  static std::shared_ptr<YamlNode> Make(YamlNode::Kind kind, const YAML::Mark& mark) {
    auto node = std::make_shared<YamlNode>();
    node->kind = kind;
    node->line = mark.line + 1;
    node->column = mark.column + 1;
    return node;
  }

  static TreeError TooDeep(const YAML::Mark& mark) {
    return ErrorAt(mark, "lists and mappings nested deeper than " + std::to_string(kMaxYamlDepth) +
                             " levels (aliases count where they are used)");
  }

  // Adds `size` to the expanded totals; returns the totals before it.
  Expansion Add(const YAML::Mark& mark, const Expansion& size) {
    const Expansion before = total_;
    total_.nodes += size.nodes;
    total_.bytes += size.bytes;
    if (total_.nodes > kMaxExpandedYamlNodes)
      throw ErrorAt(mark, "the spec holds more than " + std::to_string(kMaxExpandedYamlNodes) +
                              " values, counting each alias as a copy of what it names (an alias bomb?)");
    if (total_.bytes > kMaxExpandedYamlBytes)
      throw ErrorAt(mark, "the spec holds more than " + std::to_string(kMaxExpandedYamlBytes / (1024 * 1024)) +
                              " MiB of text, counting each alias as a copy of what it names (an alias bomb?)");
    return before;
  }

  void Open(YamlNode::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (static_cast<int>(stack_.size()) >= kMaxYamlDepth) throw TooDeep(mark);
    const Expansion start = Add(mark, Expansion{1, 0, 0});
    stack_.push_back(Frame{Make(kind, mark), anchor, start, 0, nullptr});
  }

  void Close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (frame.node->is_map()) {
      if (auto error = ResolveMergeKeys(*frame.node)) throw TreeError{*error};
    }
    Finish(std::move(frame.node), frame.anchor, frame.start, frame.child_height + 1);
  }

  void Finish(std::shared_ptr<YamlNode> node, YAML::anchor_t anchor, const Expansion& start, int height = 0) {
    YamlNodePtr done = std::move(node);
    if (anchor != YAML::NullAnchor)
      anchors_[anchor] = {done, Expansion{total_.nodes - start.nodes, total_.bytes - start.bytes, height}};
    Attach(std::move(done), height);
  }

  void Attach(YamlNodePtr node, int height) {
    if (stack_.empty()) {
      if (!root_) root_ = std::move(node);
      return;
    }
    Frame& top = stack_.back();
    top.child_height = std::max(top.child_height, height);
    if (top.node->kind == YamlNode::Kind::kSequence) {
      top.node->items.push_back(std::move(node));
    } else if (!top.pending_key) {
      top.pending_key = std::move(node);
    } else {
      top.node->entries.emplace_back(std::move(top.pending_key), std::move(node));
      top.pending_key = nullptr;
    }
  }

  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, std::pair<YamlNodePtr, Expansion>> anchors_;
  Expansion total_;
  YamlNodePtr root_;
};

// Stops at the start of a document after the first one.
class SecondDocumentDetector : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    throw ErrorAt(mark, "a second YAML document starts here; a sweep spec is one document (remove the '---' "
                        "and what follows, or merge it into the first)");
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

std::variant<YamlNodePtr, YamlError> ParseYamlTree(std::string_view text) {
  std::istringstream in{std::string(text)};
  TreeBuilder builder;
  try {
    YAML::Parser parser(in);
    parser.HandleNextDocument(builder);
    SecondDocumentDetector second;
    parser.HandleNextDocument(second);
  } catch (const YAML::Exception& e) {
    return YamlError{e.mark.line + 1, e.mark.column + 1, "invalid YAML: " + e.msg};
  } catch (const TreeError& e) {
    return e.error;
  }
  if (!builder.root()) return std::make_shared<const YamlNode>();
  return builder.root();
}

std::optional<TextPosition> FindInvalidUtf8(std::string_view text) {
  TextPosition pos;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t code = 0;
    std::uint32_t min_code = 0;  // below it the form is overlong
    if (c < 0x80) {
      length = 1;
      code = c;
    } else if ((c & 0xE0) == 0xC0) {
      length = 2, code = c & 0x1F, min_code = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3, code = c & 0x0F, min_code = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4, code = c & 0x07, min_code = 0x10000;
    } else {
      return pos;
    }
    if (i + length > text.size()) return pos;
    for (std::size_t k = 1; k < length; ++k) {
      const auto cont = static_cast<unsigned char>(text[i + k]);
      if ((cont & 0xC0) != 0x80) return pos;
      code = (code << 6) | (cont & 0x3F);
    }
    constexpr std::uint32_t kMaxCodePoint = 0x10FFFF;
    constexpr std::uint32_t kSurrogateFirst = 0xD800, kSurrogateLast = 0xDFFF;
    if (code < min_code || code > kMaxCodePoint || (code >= kSurrogateFirst && code <= kSurrogateLast)) return pos;
    if (c == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
    i += length;
  }
  return std::nullopt;
}

}  // namespace sweep::spec
