#include "sweep/spec/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <cstdint>
#include <sstream>
#include <unordered_map>

namespace sweep::spec {
namespace {

// yaml-cpp gives quoted and block scalars the non-specific tag "!", plain ones "?".
constexpr std::string_view kQuotedTag = "!";
constexpr std::string_view kStrTag = "tag:yaml.org,2002:str";

struct ExpansionTooLarge {
  YAML::Mark mark;
};

// Builds YamlNodes from yaml-cpp's parse events (cheaper than YAML::Load and
// keeps each node's mark).
class TreeBuilder : public YAML::EventHandler {
 public:
  YamlNodePtr root() const { return root_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const std::size_t start = Count(mark, 1);
    Finish(Make(YamlNode::Kind::kNull, mark), anchor, start);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) throw YAML::ParserException(mark, "unknown alias");
    Count(mark, it->second.second);
    Attach(it->second.first);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    const std::size_t start = Count(mark, 1);
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
    std::size_t start_count;
    YamlNodePtr pending_key;  // maps: the key waiting for its value
  };

  static std::shared_ptr<YamlNode> Make(YamlNode::Kind kind, const YAML::Mark& mark) {
    auto node = std::make_shared<YamlNode>();
    node->kind = kind;
    node->line = mark.line + 1;
    node->column = mark.column + 1;
    return node;
  }

  // Adds `n` nodes to the expanded size; returns the count before them.
  std::size_t Count(const YAML::Mark& mark, std::size_t n) {
    const std::size_t before = expanded_;
    expanded_ += n;
    if (expanded_ > kMaxExpandedYamlNodes) throw ExpansionTooLarge{mark};
    return before;
  }

  void Open(YamlNode::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    const std::size_t start = Count(mark, 1);
    stack_.push_back(Frame{Make(kind, mark), anchor, start, nullptr});
  }

  void Close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    Finish(std::move(frame.node), frame.anchor, frame.start_count);
  }

  void Finish(std::shared_ptr<YamlNode> node, YAML::anchor_t anchor, std::size_t start_count) {
    YamlNodePtr done = std::move(node);
    if (anchor != YAML::NullAnchor) anchors_[anchor] = {done, expanded_ - start_count};
    Attach(std::move(done));
  }

  void Attach(YamlNodePtr node) {
    if (stack_.empty()) {
      if (!root_) root_ = std::move(node);
      return;
    }
    Frame& top = stack_.back();
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
  std::unordered_map<YAML::anchor_t, std::pair<YamlNodePtr, std::size_t>> anchors_;
  std::size_t expanded_ = 0;
  YamlNodePtr root_;
};

}  // namespace

std::variant<YamlNodePtr, YamlError> ParseYamlTree(std::string_view text) {
  std::istringstream in{std::string(text)};
  TreeBuilder builder;
  try {
    YAML::Parser parser(in);
    parser.HandleNextDocument(builder);
  } catch (const YAML::Exception& e) {
    return YamlError{e.mark.line + 1, e.mark.column + 1, e.msg};
  } catch (const ExpansionTooLarge& e) {
    return YamlError{e.mark.line + 1, e.mark.column + 1,
                     "aliases expand to more than " + std::to_string(kMaxExpandedYamlNodes) + " nodes"};
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
