#include "sweep/proposal.h"

#include "sweep/failure_policy.h"
#include "sweep/objective.h"

namespace sweep {

Proposal ProposeNext(const SweepSpec& spec, Optimizer& optimizer, const std::vector<RunRecord>& existing,
                     const ProposalContext& context) {
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
  if (std::optional<Config> known = NextKnownPoint(spec, context.enqueued, existing)) {
    proposal.run = NewRun{std::move(*known), std::nullopt};
    return proposal;
  }
  std::vector<TrialObservation> history = ToObservations(existing, spec.metric);
  if (spec.method == SearchMethod::kBayes && !context.prior.empty()) {
    std::vector<TrialObservation> warm = context.prior;
    for (TrialObservation& t : history) {
      t.number += static_cast<std::int64_t>(context.prior.size());
      warm.push_back(std::move(t));
    }
    history = std::move(warm);
  }
  auto suggestion = optimizer.Ask(history);
  if (!suggestion) {
    proposal.why = NoProposal::kExhausted;
    return proposal;
  }
  proposal.run = NewRun{std::move(suggestion->config), suggestion->grid_index};
  return proposal;
}

}  // namespace sweep
