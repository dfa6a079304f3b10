// RunFilter: a small boolean expression language over RunRow, evaluated in
// C++ (never turned into SQL), for `sweep runs --filter`.
//
// Grammar (keywords case-insensitive):
//   expr       := and_expr (('or' | '||') and_expr)*
//   and_expr   := unary (('and' | '&&') unary)*
//   unary      := ('not' | '!') unary | '(' expr ')' | comparison
//   comparison := operand op operand | operand ['not'] 'in' '(' operand (',' operand)* ')'
//   op         := '<' | '<=' | '>' | '>=' | '=' | '==' | '!='
//   operand    := metric.NAME | param.NAME | state | id | number | exit_code
//               | duration | created_at | started_at | ended_at | name | tag
//               | NUMBER (1, -2.5, 1e-3) | 'string' | "string"
//               | a state name (finished, failed, ...) | true | false
// NAME may contain letters, digits and _ . - / (dotted names reach into nested
// parameters: param.optimizer.lr). Strings take \\ \" \' escapes.
//
// Type rules: operands are numbers (integer parameters widen to double),
// strings or booleans. A missing operand (no such metric or parameter, no exit
// code, unknown time) makes every comparison false, including != and not in;
// `not (metric.x > 1)` is true for runs without x. = and != compare any two
// values; values of different types are unequal (1 != "1"). < <= > >= order
// numbers numerically and strings by bytes; any other pairing is false. NaN
// compares like IEEE (every comparison but != is false). `x in (a, b)` is
// x = a or x = b; `x not in (a, b)` is x present and not (x in (a, b)).
// `tag` is the run's set of tags: `tag = 'baseline'` holds when baseline is
// one of them, `tag != 'old'` when old is none of them (also for runs without
// tags), `tag in (a, b)` when a or b is one of them.
//
// Thread-safety: an immutable value after Parse; Matches is const and safe to
// call concurrently.
#pragma once

#include <memory>
#include <vector>
#include <string_view>

#include "core/result.h"
#include "review/run_field.h"
#include "review/run_row.h"

namespace sweep::review {

// Parentheses and not/! may nest at most this deep: deep enough for any
// hand-written filter, shallow enough that the recursive parser and evaluator
// cannot exhaust the stack on hostile input.
inline constexpr int kMaxFilterNesting = 64;

class RunFilter {
 public:
  // Errors (kInvalidInput) name the 1-based column and what was expected,
  // e.g. "column 15: expected a value after '<', found end of input".
  static Result<RunFilter> Parse(std::string_view text);

  bool Matches(const RunRow& row) const;

  // Every field the expression reads, in the order written (for checking
  // that the metrics and parameters it names exist).
  std::vector<RunField> Fields() const;

  struct Node;  // the parsed expression; defined in run_filter.cc

 private:
  explicit RunFilter(std::shared_ptr<const Node> root) : root_(std::move(root)) {}
  std::shared_ptr<const Node> root_;
};

}  // namespace sweep::review
