#include "review/run_sort.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace sweep::review {
namespace {

// A value that sorts: NaN counts as missing.
std::optional<Scalar> SortValue(const RunField& field, const RunRow& row) {
  auto v = Resolve(field, row);
  if (v) {
    if (const double* d = std::get_if<double>(&*v); d != nullptr && std::isnan(*d)) return std::nullopt;
  }
  return v;
}

// <0, 0, >0 like strcmp; both present.
int Compare(const Scalar& a, const Scalar& b) {
  if (a.index() != b.index()) return a.index() < b.index() ? -1 : 1;  // number < string < bool
  return a < b ? -1 : b < a ? 1 : 0;
}

}  // namespace

Result<RunSort> RunSort::Parse(std::string_view text) {
  std::vector<Key> keys;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    std::size_t column = start + 1;
    // Trim spaces so "a, -b" reads naturally.
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
      ++column;
    }
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    Key key;
    std::string_view name = item;
    if (!name.empty() && (name.front() == '-' || name.front() == '+')) {
      key.descending = name.front() == '-';
      name.remove_prefix(1);
    }
    const std::string at = "column " + std::to_string(column) + ": ";
    if (name.empty()) return Error::InvalidInput(at + "expected a sort key such as -metric.loss");
    auto field = RunField::Parse(name);
    if (!field) {
      return Error::InvalidInput(at + "unknown sort key '" + std::string(name) +
                                 "' (expected metric.NAME, param.NAME, state, id, number, exit_code, duration, "
                                 "created_at, started_at or ended_at, with '-' in front for descending)");
    }
    key.field = std::move(*field);
    keys.push_back(std::move(key));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return RunSort(std::move(keys));
}

bool RunSort::Before(const RunRow& a, const RunRow& b) const {
  for (const Key& key : keys_) {
    auto va = SortValue(key.field, a), vb = SortValue(key.field, b);
    if (!va || !vb) {
      if (va.has_value() != vb.has_value()) return va.has_value();  // missing last, whatever the direction
      continue;
    }
    const int c = Compare(*va, *vb);
    if (c != 0) return key.descending ? c > 0 : c < 0;
  }
  return false;
}

void RunSort::Sort(std::vector<RunRow>& rows) const {
  std::stable_sort(rows.begin(), rows.end(), [this](const RunRow& a, const RunRow& b) { return Before(a, b); });
}

}  // namespace sweep::review
