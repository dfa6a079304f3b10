#include "review/run_row.h"

namespace sweep::review {

const Value* FindParam(const RunRow& row, std::string_view name) {
  const Value* best = nullptr;
  std::size_t best_len = 0;
  for (const auto& [key, value] : row.params) {
    if (key == name) return &value;
    // A dotted prefix: "opt" for "opt.betas.b1".
    if (key.size() < name.size() && name.substr(0, key.size()) == key && name[key.size()] == '.' &&
        key.size() >= best_len) {
      best = &value;
      best_len = key.size();
    }
  }
  if (best == nullptr) return nullptr;
  std::string_view rest = name.substr(best_len + 1);
  while (best != nullptr && !rest.empty()) {
    std::size_t dot = rest.find('.');
    best = best->find(std::string(rest.substr(0, dot)));
    rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  }
  return best;
}

std::optional<double> FindMetric(const RunRow& row, std::string_view name) {
  auto it = row.metrics.find(std::string(name));
  if (it == row.metrics.end()) return std::nullopt;
  return it->second;
}

std::optional<double> Duration(const RunRow& row) {
  if (!row.started_at || !row.ended_at) return std::nullopt;
  return *row.ended_at - *row.started_at;
}

}  // namespace sweep::review
