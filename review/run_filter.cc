#include "review/run_filter.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "review/run_field.h"

namespace sweep::review {

namespace {

enum class Tok { kEnd, kWord, kNumber, kString, kLParen, kRParen, kComma, kOp, kAnd, kOr, kNot };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // as written (kString: the unescaped contents)
  double number = 0;
  int column = 0;    // 1-based
};

std::string Describe(const Token& t) {
  switch (t.kind) {
    case Tok::kEnd: return "end of input";
    case Tok::kString: return "string \"" + t.text + "\"";
    default: return "'" + t.text + "'";
  }
}

bool IsWordStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' || c == '/';
}
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

Error At(int column, const std::string& what) {
  return Error::InvalidInput("column " + std::to_string(column) + ": " + what);
}

Result<std::vector<Token>> Lex(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (true) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    Token t;
    t.column = static_cast<int>(i) + 1;
    if (i == s.size()) {
      out.push_back(t);
      return out;
    }
    const char c = s[i];
    const char next = i + 1 < s.size() ? s[i + 1] : '\0';
    if (IsWordStart(c)) {
      std::size_t j = i;
      while (j < s.size() && IsWordChar(s[j])) ++j;
      t.text = std::string(s.substr(i, j - i));
      t.kind = EqualsIgnoreCase(t.text, "and") ? Tok::kAnd
               : EqualsIgnoreCase(t.text, "or") ? Tok::kOr
               : EqualsIgnoreCase(t.text, "not") ? Tok::kNot
                                                 : Tok::kWord;
      i = j;
    } else if (IsDigit(c) || ((c == '-' || c == '+' || c == '.') && (IsDigit(next) || next == '.'))) {
      // strtod needs a terminated buffer; take the longest number-ish run.
      std::size_t j = i + 1;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '.' ||
                              ((s[j] == '-' || s[j] == '+') && (s[j - 1] == 'e' || s[j - 1] == 'E')))) {
        ++j;
      }
      t.text = std::string(s.substr(i, j - i));
      char* end = nullptr;
      t.number = std::strtod(t.text.c_str(), &end);
      if (end != t.text.c_str() + t.text.size()) return At(t.column, "malformed number '" + t.text + "'");
      t.kind = Tok::kNumber;
      i = j;
    } else if (c == '"' || c == '\'') {
      std::size_t j = i + 1;
      std::string value;
      while (j < s.size() && s[j] != c) {
        if (s[j] == '\\' && j + 1 < s.size()) ++j;
        value += s[j++];
      }
      if (j == s.size()) return At(t.column, std::string("unterminated string: no closing ") + c);
      t.kind = Tok::kString;
      t.text = std::move(value);
      i = j + 1;
    } else if (c == '(' || c == ')' || c == ',') {
      t.kind = c == '(' ? Tok::kLParen : c == ')' ? Tok::kRParen : Tok::kComma;
      t.text = std::string(1, c);
      ++i;
    } else if ((c == '&' && next == '&') || (c == '|' && next == '|')) {
      t.kind = c == '&' ? Tok::kAnd : Tok::kOr;
      t.text = std::string(s.substr(i, 2));
      i += 2;
    } else if (c == '<' || c == '>' || c == '=' || c == '!') {
      const bool two = next == '=';
      t.text = std::string(s.substr(i, two ? 2 : 1));
      t.kind = t.text == "!" ? Tok::kNot : Tok::kOp;
      i += two ? 2 : 1;
    } else {
      return At(t.column, std::string("unexpected character '") + c + "'");
    }
    out.push_back(std::move(t));
  }
}

enum class Op { kLt, kLe, kGt, kGe, kEq, kNe };

Op ParseOp(const std::string& s) {
  if (s == "<") return Op::kLt;
  if (s == "<=") return Op::kLe;
  if (s == ">") return Op::kGt;
  if (s == ">=") return Op::kGe;
  if (s == "!=") return Op::kNe;
  return Op::kEq;  // "=" and "=="
}

struct Operand {
  std::optional<RunField> field;  // set: read from the row; unset: `literal`
  Scalar literal;

  std::optional<Scalar> Eval(const RunRow& row) const {
    if (field) return Resolve(*field, row);
    return literal;
  }
  bool IsTagSet() const { return field && field->kind == RunField::Kind::kTag; }
};

template <typename T>
bool Order(Op op, const T& a, const T& b) {
  switch (op) {
    case Op::kLt: return a < b;
    case Op::kLe: return a <= b;
    case Op::kGt: return a > b;
    case Op::kGe: return a >= b;
    case Op::kEq: return a == b;
    case Op::kNe: return a != b;
  }
  return false;
}

// Both operands present (see the type rules in the header).
bool Compare(Op op, const Scalar& a, const Scalar& b) {
  if (a.index() != b.index()) return op == Op::kNe;
  if (const double* x = std::get_if<double>(&a)) return Order(op, *x, std::get<double>(b));
  if (const std::string* x = std::get_if<std::string>(&a)) return Order(op, *x, std::get<std::string>(b));
  const bool x = std::get<bool>(a), y = std::get<bool>(b);
  return op == Op::kEq ? x == y : op == Op::kNe ? x != y : false;
}

// A comparison with `tag`, the run's set of tags: `tag = x` holds when x is
// one of them, `tag != x` when none is; the ordering operators when one of
// them satisfies it. `tag_on_left`: the set is the left operand.
bool CompareTags(Op op, const RunRow& row, const Scalar& other, bool tag_on_left) {
  auto holds = [&](const std::string& label) {
    const Scalar tag(label);
    return tag_on_left ? Compare(op == Op::kNe ? Op::kEq : op, tag, other)
                       : Compare(op == Op::kNe ? Op::kEq : op, other, tag);
  };
  const bool any = std::any_of(row.labels.begin(), row.labels.end(), holds);
  return op == Op::kNe ? !any : any;
}

}  // namespace

struct RunFilter::Node {
  enum class Kind { kAnd, kOr, kNot, kCompare, kIn };
  Kind kind = Kind::kCompare;
  std::vector<std::shared_ptr<const Node>> children;  // kAnd, kOr, kNot
  Op op = Op::kEq;                                     // kCompare
  Operand lhs, rhs;                                    // kCompare; kIn uses lhs
  std::vector<Operand> list;                           // kIn
  bool negated = false;                                // kIn: `not in`

  bool Eval(const RunRow& row) const {
    switch (kind) {
      case Kind::kAnd:
        return std::all_of(children.begin(), children.end(), [&](const auto& c) { return c->Eval(row); });
      case Kind::kOr:
        return std::any_of(children.begin(), children.end(), [&](const auto& c) { return c->Eval(row); });
      case Kind::kNot:
        return !children[0]->Eval(row);
      case Kind::kCompare: {
        if (lhs.IsTagSet() != rhs.IsTagSet()) {
          auto other = (lhs.IsTagSet() ? rhs : lhs).Eval(row);
          return other && CompareTags(op, row, *other, lhs.IsTagSet());
        }
        auto a = lhs.Eval(row), b = rhs.Eval(row);
        return a && b && Compare(op, *a, *b);
      }
      case Kind::kIn: {
        if (lhs.IsTagSet()) {
          const bool found = std::any_of(list.begin(), list.end(), [&](const Operand& o) {
            auto b = o.Eval(row);
            return b && CompareTags(Op::kEq, row, *b, true);
          });
          return found != negated;
        }
        auto a = lhs.Eval(row);
        if (!a) return false;
        const bool found = std::any_of(list.begin(), list.end(), [&](const Operand& o) {
          auto b = o.Eval(row);
          return b && Compare(Op::kEq, *a, *b);
        });
        return found != negated;
      }
    }
    return false;
  }
};

namespace {

using Node = RunFilter::Node;
using NodePtr = std::shared_ptr<const Node>;

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<NodePtr> ParseAll() {
    if (Peek().kind == Tok::kEnd) return At(Peek().column, "expected a filter expression, found end of input");
    auto e = ParseOr();
    if (!e.ok()) return e;
    if (Peek().kind != Tok::kEnd) {
      return At(Peek().column, "expected 'and', 'or' or the end of the filter, found " + Describe(Peek()));
    }
    return e;
  }

 private:
  const Token& Peek(std::size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& Next() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }

  Result<NodePtr> ParseChain(Tok separator, Node::Kind kind, Result<NodePtr> (Parser::*operand)()) {
    auto first = (this->*operand)();
    if (!first.ok() || Peek().kind != separator) return first;
    auto node = std::make_shared<Node>();
    node->kind = kind;
    node->children.push_back(std::move(*first));
    while (Peek().kind == separator) {
      Next();
      auto more = (this->*operand)();
      if (!more.ok()) return more;
      node->children.push_back(std::move(*more));
    }
    return NodePtr(node);
  }

  Result<NodePtr> ParseOr() { return ParseChain(Tok::kOr, Node::Kind::kOr, &Parser::ParseAnd); }
  Result<NodePtr> ParseAnd() { return ParseChain(Tok::kAnd, Node::Kind::kAnd, &Parser::ParseUnary); }

  Result<NodePtr> ParseUnary() {
    const Token& t = Peek();
    if (t.kind == Tok::kNot || t.kind == Tok::kLParen) {
      if (depth_ == kMaxFilterNesting) {
        return At(t.column, "nesting deeper than " + std::to_string(kMaxFilterNesting) + " levels");
      }
      ++depth_;
      Next();
      Result<NodePtr> result = t.kind == Tok::kNot ? ParseNot() : ParseParenthesised(t.column);
      --depth_;
      return result;
    }
    return ParseComparison();
  }

  Result<NodePtr> ParseNot() {
    auto inner = ParseUnary();
    if (!inner.ok()) return inner;
    auto node = std::make_shared<Node>();
    node->kind = Node::Kind::kNot;
    node->children.push_back(std::move(*inner));
    return NodePtr(node);
  }

  Result<NodePtr> ParseParenthesised(int open_column) {
    auto inner = ParseOr();
    if (!inner.ok()) return inner;
    if (Peek().kind != Tok::kRParen) {
      return At(Peek().column, "expected ')' to close the '(' at column " + std::to_string(open_column) +
                                   ", found " + Describe(Peek()));
    }
    Next();
    return inner;
  }

  Result<NodePtr> ParseComparison() {
    auto lhs = ParseOperand("expected a comparison such as metric.loss < 0.5");
    if (!lhs.ok()) return lhs.error();
    const Token& t = Peek();
    auto node = std::make_shared<Node>();
    node->lhs = std::move(*lhs);
    const bool not_in = t.kind == Tok::kNot && Peek(1).kind == Tok::kWord && EqualsIgnoreCase(Peek(1).text, "in");
    if (not_in || (t.kind == Tok::kWord && EqualsIgnoreCase(t.text, "in"))) {
      if (not_in) Next();
      Next();
      node->kind = Node::Kind::kIn;
      node->negated = not_in;
      if (Peek().kind != Tok::kLParen) return At(Peek().column, "expected '(' after 'in', found " + Describe(Peek()));
      Next();
      while (true) {
        auto item = ParseOperand("expected a value in the 'in' list", TakesBareWords(node->lhs));
        if (!item.ok()) return item.error();
        node->list.push_back(std::move(*item));
        if (Peek().kind == Tok::kComma) {
          Next();
          continue;
        }
        if (Peek().kind == Tok::kRParen) break;
        return At(Peek().column, "expected ',' or ')' in the 'in' list, found " + Describe(Peek()));
      }
      Next();
      return NodePtr(node);
    }
    if (t.kind != Tok::kOp) {
      return At(t.column, "expected a comparison operator (< <= > >= = == != in) after '" + previous_text_ +
                              "', found " + Describe(t));
    }
    node->op = ParseOp(t.text);
    const std::string op_text = t.text;
    Next();
    auto rhs = ParseOperand("expected a value after '" + op_text + "'", TakesBareWords(node->lhs));
    if (!rhs.ok()) return rhs.error();
    node->rhs = std::move(*rhs);
    return NodePtr(node);
  }

  // Tags and names are words people type unquoted: `tag = baseline`.
  static bool TakesBareWords(const Operand& lhs) {
    return lhs.field && (lhs.field->kind == RunField::Kind::kTag || lhs.field->kind == RunField::Kind::kName);
  }

  // `bare_words_are_strings`: an unknown word is a string (after tag or name).
  Result<Operand> ParseOperand(const std::string& expectation, bool bare_words_are_strings = false) {
    const Token& t = Peek();
    Operand o;
    switch (t.kind) {
      case Tok::kNumber:
        o.literal = t.number;
        break;
      case Tok::kString:
        o.literal = t.text;
        break;
      case Tok::kWord:
        if (auto field = RunField::Parse(t.text)) {
          o.field = std::move(*field);
        } else if (ParseTrialState(t.text)) {
          o.literal = t.text;
        } else if (EqualsIgnoreCase(t.text, "true") || EqualsIgnoreCase(t.text, "false")) {
          o.literal = EqualsIgnoreCase(t.text, "true");
        } else if (bare_words_are_strings) {
          o.literal = t.text;
        } else {
          return At(t.column, "unknown name '" + t.text +
                                  "': expected metric.NAME, param.NAME, state, id, number, exit_code, duration, "
                                  "created_at, started_at, ended_at, name, tag, a number, a quoted string, true/false or a "
                                  "state name (finished, failed, ...)");
        }
        break;
      default:
        return At(t.column, expectation + ", found " + Describe(t));
    }
    previous_text_ = t.kind == Tok::kString ? "\"" + t.text + "\"" : t.text;
    Next();
    return o;
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::string previous_text_;  // the last operand, for error messages
};

}  // namespace

Result<RunFilter> RunFilter::Parse(std::string_view text) {
  auto tokens = Lex(text);
  if (!tokens.ok()) return tokens.error();
  auto root = Parser(std::move(*tokens)).ParseAll();
  if (!root.ok()) return root.error();
  return RunFilter(std::move(*root));
}

bool RunFilter::Matches(const RunRow& row) const { return root_->Eval(row); }

namespace {

void CollectFields(const RunFilter::Node& node, std::vector<RunField>& out) {
  for (const auto& child : node.children) CollectFields(*child, out);
  for (const Operand* operand : {&node.lhs, &node.rhs}) {
    if (operand->field) out.push_back(*operand->field);
  }
  for (const auto& operand : node.list) {
    if (operand.field) out.push_back(*operand.field);
  }
}

}  // namespace

std::vector<RunField> RunFilter::Fields() const {
  std::vector<RunField> fields;
  if (root_) CollectFields(*root_, fields);
  return fields;
}

}  // namespace sweep::review
