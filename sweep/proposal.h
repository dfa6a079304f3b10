// The next run of a sweep, as decided inside the store's claim transaction:
// run_cap first, then the optimizer over every stored run. Shared by the
// controller and `sweep ask`, so both count runs the same way.
#pragma once

#include <optional>
#include <vector>

#include "core/sweep_spec.h"
#include "optimizers/optimizer.h"
#include "sweep/known_points.h"
#include "tracking/store.h"

namespace sweep {

enum class NoProposal { kRunCapReached, kExhausted };

struct Proposal {
  std::optional<NewRun> run;  // nullopt: nothing more to run, `why` says why
  NoProposal why = NoProposal::kExhausted;
};

// Retries (tagged retry_of) repeat a run rather than explore, and crashed runs
// never ran their configuration: neither uses up run_cap. Known points
// (known_points.h: initial, then enqueued) come before the optimizer's; a
// bayes optimizer sees the warm start's observations before the sweep's own.
Proposal ProposeNext(const SweepSpec& spec, Optimizer& optimizer, const std::vector<RunRecord>& existing,
                     const ProposalContext& context = {});

}  // namespace sweep
