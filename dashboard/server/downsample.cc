#include "dashboard/server/downsample.h"

#include <cmath>

namespace sweep::dashboard {

std::vector<std::size_t> LttbIndices(const std::vector<double>& x, const std::vector<double>& y, std::size_t target) {
  const std::size_t n = x.size() < y.size() ? x.size() : y.size();
  std::vector<std::size_t> kept;
  if (n <= target || target < kMinLttbTarget) {
    kept.resize(n);
    for (std::size_t i = 0; i < n; ++i) kept[i] = i;
    return kept;
  }
  kept.reserve(target);
  kept.push_back(0);
  // The n - 2 middle points go into target - 2 buckets of equal width.
  const double width = static_cast<double>(n - 2) / static_cast<double>(target - 2);
  std::size_t previous = 0;
  for (std::size_t b = 0; b < target - 2; ++b) {
    const std::size_t begin = 1 + static_cast<std::size_t>(std::floor(static_cast<double>(b) * width));
    const std::size_t end = 1 + static_cast<std::size_t>(std::floor(static_cast<double>(b + 1) * width));
    // The next bucket's average point (the last point for the last bucket).
    const std::size_t next_begin = end;
    const std::size_t next_end =
        b + 1 < target - 2 ? 1 + static_cast<std::size_t>(std::floor(static_cast<double>(b + 2) * width)) : n;
    double avg_x = 0, avg_y = 0;
    std::size_t count = 0;
    for (std::size_t i = next_begin; i < next_end && i < n; ++i) {
      if (!std::isfinite(y[i])) continue;
      avg_x += x[i];
      avg_y += y[i];
      ++count;
    }
    if (count > 0) {
      avg_x /= static_cast<double>(count);
      avg_y /= static_cast<double>(count);
    } else {
      avg_x = x[n - 1];
      avg_y = std::isfinite(y[n - 1]) ? y[n - 1] : 0;
    }
    const double px = x[previous];
    const double py = std::isfinite(y[previous]) ? y[previous] : avg_y;
    std::size_t chosen = begin;
    double best_area = -1;
    for (std::size_t i = begin; i < end && i < n; ++i) {
      if (!std::isfinite(y[i])) continue;
      const double area = std::fabs((px - avg_x) * (y[i] - py) - (px - x[i]) * (avg_y - py));
      if (area > best_area) {
        best_area = area;
        chosen = i;
      }
    }
    kept.push_back(chosen);
    previous = chosen;
  }
  kept.push_back(n - 1);
  return kept;
}

}  // namespace sweep::dashboard
