#include "optimizers/bayes/design.h"

#include <cmath>
#include <numeric>
#include <utility>

#include "optimizers/prng.h"

namespace sweep::bayes {
namespace {

// Distinct stream tags so the permutations, in-cell offsets and shifts never
// share PRNG draws.
constexpr std::uint64_t kPermutationStream = 0x4c48532d7065726dULL;  // "LHS-perm"
constexpr std::uint64_t kOffsetStream = 0x4c48532d6f666673ULL;       // "LHS-offs"

}  // namespace

std::vector<double> LatinHypercubePoint(std::uint64_t seed, int size, int index, int dims) {
  std::vector<double> point(dims);
  std::vector<int> perm(size);
  Xoshiro256StarStar offsets = Xoshiro256StarStar::ForTrial(seed ^ kOffsetStream, index);
  for (int j = 0; j < dims; ++j) {
    std::iota(perm.begin(), perm.end(), 0);
    Xoshiro256StarStar rng = Xoshiro256StarStar::ForTrial(seed ^ kPermutationStream, j);
    for (int i = size - 1; i > 0; --i) {  // Fisher–Yates
      const int k = static_cast<int>(rng.Next() % static_cast<std::uint64_t>(i + 1));
      std::swap(perm[i], perm[k]);
    }
    point[j] = (perm[index] + offsets.NextUnit()) / size;
  }
  return point;
}

std::vector<double> ShiftedRdSequence(std::uint64_t seed, int count, int dims) {
  // φ_d: the positive root of x^(d+1) = x + 1, by fixed-point iteration
  // (contracting; 30 steps reach double precision for every d >= 1).
  double phi = 2.0;
  for (int it = 0; it < 30; ++it) phi = std::pow(1.0 + phi, 1.0 / (dims + 1));
  std::vector<double> alpha(dims), shift(dims);
  Xoshiro256StarStar rng(seed);
  for (int j = 0; j < dims; ++j) {
    alpha[j] = std::fmod(std::pow(1.0 / phi, j + 1), 1.0);
    shift[j] = rng.NextUnit();
  }
  std::vector<double> points(static_cast<std::size_t>(count) * dims);
  for (int i = 0; i < count; ++i) {
    for (int j = 0; j < dims; ++j) {
      const double v = shift[j] + (i + 1) * alpha[j];
      points[static_cast<std::size_t>(i) * dims + j] = v - std::floor(v);
    }
  }
  return points;
}

std::vector<double> AxisSlices(const std::vector<double>& center, std::uint64_t seed, int per_axis) {
  const int dims = static_cast<int>(center.size());
  Xoshiro256StarStar rng(seed);
  std::vector<double> points;
  points.reserve(static_cast<std::size_t>(dims) * per_axis * dims);
  for (int j = 0; j < dims; ++j) {
    const double shift = rng.NextUnit() / per_axis;
    for (int t = 0; t < per_axis; ++t) {
      points.insert(points.end(), center.begin(), center.end());
      points[points.size() - dims + j] = shift + static_cast<double>(t) / per_axis;
    }
  }
  return points;
}

}  // namespace sweep::bayes
