// RandomSearch: W&B's `random` method. Each parameter is drawn independently
// from its distribution through FromUnit (space_transform.h).
//
// Proposal n (n = history.size(), the trial number the proposal will get) is
// a pure function of (options.seed, n): parameter i, in space order, takes
// the i-th draw of Xoshiro256StarStar::ForTrial(seed, n) (prng.h). So a sweep
// is reproducible and resumable, and adding a parameter at the end leaves the
// earlier parameters' draws unchanged. Conditional parameters
// (core/conditional_space.h) draw too, and are dropped when inactive, so the
// active ones follow their laws and the configuration holds only them.
// Never exhausts. Outcomes of past trials
// are not used.
//
// Thread-safety: none needed; Ask keeps no state.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/conditional_space.h"
#include "core/search_space.h"
#include "optimizers/optimizer.h"

namespace sweep {

class RandomSearch final : public Optimizer {
 public:
  RandomSearch(SearchSpace space, std::uint64_t seed);

  std::optional<Suggestion> Ask(const std::vector<TrialObservation>& history) override;

  // The configuration proposed as trial `trial_number`.
  Config ConfigFor(std::uint64_t trial_number) const;

 private:
  SearchSpace space_;
  ActivityRules rules_;
  std::uint64_t seed_;
};

}  // namespace sweep
