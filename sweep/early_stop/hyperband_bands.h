// HyperbandBands: the iterations at which W&B's hyperband rule judges runs,
// computed exactly as wandb/sweeps src/sweeps/hyperband_stopping.py
// (hyperband_stop_runs) does:
//
//   max_iter, s:  band = max_iter; repeat s times { band /= eta (real
//                 division); if band < 1: stop; append int(band) }; sort.
//                 e.g. (81, eta 3, s 3) -> [3, 9, 27]; (18, 3, 2) -> [2, 6];
//                 (5, 2, 2) -> [1, 2].
//   min_iter:     band = min_iter; 100 times { append int(band); band *= eta }.
//                 e.g. (3, eta 3) -> [3, 9, 27, 81, ...].
//
// int() truncates toward zero. A band b is reached by a run once it has
// logged b values (W&B indexes history[b - 1], 0-based), i.e. at iteration
// b - 1.
//
// One deliberate difference: W&B's min_iter form lists 100 bands using
// Python's unbounded integers; we stop at the first band above kMaxBand,
// an iteration count no run logs, so later bands could never apply.
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <vector>

#include "core/result.h"
#include "sweep/early_stop/early_stop_options.h"

namespace sweep {

// W&B's min_iter form generates this many bands (range(100)).
inline constexpr int kHyperbandMinIterBandCount = 100;
// 2^53: past it doubles no longer hold every integer, so int(band) would stop
// being exact; no run logs that many values of a metric.
inline constexpr std::int64_t kMaxBand = std::int64_t{1} << 53;

// Validates the hyperband fields of `options` (see MakeEarlyStopRule) and
// returns the bands in ascending order (strictly increasing, since eta >= 2).
Result<std::vector<std::int64_t>> HyperbandBands(const EarlyStopOptions& options);

}  // namespace sweep
