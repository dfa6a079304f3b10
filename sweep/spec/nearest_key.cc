#include "sweep/spec/nearest_key.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace sweep::spec {

std::size_t EditDistance(std::string_view a, std::string_view b) {
  // Three rows: transpositions look two rows back.
  std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        current[j] = std::min(current[j], before[j - 2] + 1);
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
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
