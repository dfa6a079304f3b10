// The benchmark problems of bench_bayes (mirrored in tpe_peer.py): standard
// test functions on the boxes W&B's bayes was measured on, and a mixed
// integer / categorical / log-scale problem.
//
// Immutable data and pure functions; thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/search_space.h"

namespace sweep::bench {

struct Problem {
  std::string name;
  SearchSpace space;
  std::function<double(const Config&)> objective;  // to minimize
  double minimum = 0;                              // global minimum
  double wandb_regret_100 = -1;                    // W&B bayes reference (-1: none)
  double tpe_regret_100 = -1;                      // TPE reference measured earlier
};

std::vector<Problem> AllProblems();

}  // namespace sweep::bench
