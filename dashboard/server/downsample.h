// Largest-Triangle-Three-Buckets downsampling (Steinarsson 2013): keeps the
// shape of a series (peaks, dips, the first and last points) in `target`
// points, so a run with a million logged points draws at once. The charts
// ask for about their width in pixels.
//
// Thread-safety: a pure function.
#pragma once

#include <cstddef>
#include <vector>

namespace sweep::dashboard {

// Fewer than this and LTTB has no middle bucket to choose from.
inline constexpr std::size_t kMinLttbTarget = 3;

// Indices into (x, y) of the points to keep, ascending. Every index when
// x.size() <= target or target < kMinLttbTarget. x must be non-decreasing;
// non-finite y values are kept out of the triangle areas but never chosen
// over finite ones.
std::vector<std::size_t> LttbIndices(const std::vector<double>& x, const std::vector<double>& y, std::size_t target);

}  // namespace sweep::dashboard
