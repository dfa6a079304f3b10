#include "optimizers/random_search.h"

#include <utility>

#include "optimizers/prng.h"
#include "optimizers/space_transform.h"

namespace sweep {

RandomSearch::RandomSearch(SearchSpace space, std::uint64_t seed)
    : space_(std::move(space)), rules_(space_), seed_(seed) {}

std::optional<Suggestion> RandomSearch::Ask(const std::vector<TrialObservation>& history) {
  return Suggestion{ConfigFor(history.size()), std::nullopt};
}

Config RandomSearch::ConfigFor(std::uint64_t trial_number) const {
  Xoshiro256StarStar stream = Xoshiro256StarStar::ForTrial(seed_, trial_number);
  Config config;
  config.reserve(space_.parameters.size());
  for (const ParameterSpec& p : space_.parameters) {
    // Every parameter consumes one draw, constants too, so a parameter's
    // stream position depends only on its place in the space.
    config.emplace_back(p.name(), FromUnit(p, stream.NextUnit()));
  }
  return rules_.DropInactive(std::move(config));
}

}  // namespace sweep
