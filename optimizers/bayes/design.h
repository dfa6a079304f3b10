// Space-filling point sets in the unit cube for the Bayesian optimizer: the
// initial Latin hypercube design and the quasi-random acquisition candidates.
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

}  // namespace sweep::bayes
