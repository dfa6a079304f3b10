#include "sweep/spec/nearest_key.h"

#include <algorithm>
#include <vector>

namespace sweep::spec {

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> NearestKey(std::string_view key, std::span<const std::string_view> candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = kMaxSuggestionDistance + 1;
  for (auto candidate : candidates) {
    const std::size_t d = EditDistance(key, candidate);
    if (d < best_distance && d < key.size()) {
      best_distance = d;
      best = std::string(candidate);
    }
  }
  return best;
}

std::string UnknownKeyMessage(std::string_view what, std::string_view key,
                              std::span<const std::string_view> candidates) {
  std::string message = "unknown " + std::string(what) + " '" + std::string(key) + "'";
  if (auto nearest = NearestKey(key, candidates)) message += "; did you mean '" + *nearest + "'?";
  return message;
}

}  // namespace sweep::spec
