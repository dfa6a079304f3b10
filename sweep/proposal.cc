#include "sweep/proposal.h"

#include "sweep/failure_policy.h"
#include "sweep/objective.h"

namespace sweep {

Proposal ProposeNext(const SweepSpec& spec, Optimizer& optimizer, const std::vector<RunRecord>& existing) {
  Proposal proposal;
  if (spec.run_cap) {
    std::int64_t counted = 0;
    for (const auto& run : existing) {
      if (run.tags.count(kTagRetryOf) == 0 && run.state != TrialState::kCrashed) ++counted;
    }
    if (counted >= *spec.run_cap) {
      proposal.why = NoProposal::kRunCapReached;
      return proposal;
    }
  }
  auto suggestion = optimizer.Ask(ToObservations(existing, spec.metric));
  if (!suggestion) {
    proposal.why = NoProposal::kExhausted;
    return proposal;
  }
  proposal.run = NewRun{std::move(suggestion->config), suggestion->grid_index};
  return proposal;
}

}  // namespace sweep
