// RunSort: an ordering of runs by one or more fields, spelled as for the CLI's
// --sort: "-metric.loss,param.lr" (comma-separated RunField names, a leading
// '-' for descending, an optional '+' for ascending).
//
// Order: runs missing a key's value (or whose value is NaN) come last under
// both directions; values of different types order numbers, then strings,
// then booleans; strings compare by bytes. Ties keep the input order.
//
// Thread-safety: immutable after Parse; Sort mutates only its argument.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.h"
#include "review/run_field.h"
#include "review/run_row.h"

namespace sweep::review {

class RunSort {
 public:
  struct Key {
    RunField field;
    bool descending = false;
  };

  // Errors (kInvalidInput) name the column: "column 8: unknown sort key 'loss'
  // (expected metric.NAME, ...)"; an empty text or empty key is an error.
  static Result<RunSort> Parse(std::string_view text);

  const std::vector<Key>& keys() const { return keys_; }

  // True when `a` sorts strictly before `b`.
  bool Before(const RunRow& a, const RunRow& b) const;

  // Stable sort of `rows` by the keys.
  void Sort(std::vector<RunRow>& rows) const;

 private:
  explicit RunSort(std::vector<Key> keys) : keys_(std::move(keys)) {}
  std::vector<Key> keys_;
};

}  // namespace sweep::review
