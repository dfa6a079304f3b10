// Point sets in the unit cube for the Bayesian optimizer: the initial Latin
// hypercube design, the quasi-random acquisition candidates and the axis
// slices through the incumbent.
//
// Pure functions of their arguments; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

namespace sweep::bayes {

// Point `index` (0 <= index < size) of the Latin hypercube with `size` points
// in `dims` dimensions determined by `seed`: every dimension's [0, 1) is cut
// into `size` equal cells and each cell holds exactly one point, at a random
// place inside it. Each call builds only what point `index` needs, so a
// proposal stays a pure function of (seed, trial number).
std::vector<double> LatinHypercubePoint(std::uint64_t seed, int size, int index, int dims);

// `count` points of the R_d low-discrepancy sequence (Roberts 2018: additive
// recurrence on powers of the generalized golden ratio), shifted by a random
// vector drawn from `seed` (Cranley–Patterson rotation). Unlike Sobol it
// needs no direction-number table and is well spread for any dims and count.
// Row-major: point i is [i * dims, (i + 1) * dims).
std::vector<double> ShiftedRdSequence(std::uint64_t seed, int count, int dims);

// For every coordinate j, `per_axis` copies of `center` whose coordinate j
// runs over an evenly spaced grid of [0, 1) shifted by a random offset drawn
// from `seed`: the lines through the incumbent along each axis. Functions
// that are nearly separable (one coordinate left in a secondary basin is the
// common way to get stuck) improve along one of these lines, which a search
// in a box around the incumbent cannot reach. Row-major: point
// j * per_axis + t is [(j * per_axis + t) * dims, ... + dims).
std::vector<double> AxisSlices(const std::vector<double>& center, std::uint64_t seed, int per_axis);

}  // namespace sweep::bayes
