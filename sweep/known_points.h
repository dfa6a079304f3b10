// What a sweep knows beyond what its optimizer proposes: configurations to
// run first (the spec's `initial_points:`, then those `sweep enqueue` stored
// in the sweep's tags, as Optuna's enqueue_trial), and a warm start's prior
// observations (`--warm-start OTHER_SWEEP`: the finished runs of an earlier
// sweep, which a bayes model takes as observed).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/sweep_spec.h"
#include "optimizers/optimizer.h"
#include "tracking/store.h"

namespace sweep {

// Sweep tags: "enqueue.000001" = the JSON of one enqueued configuration
// (flat dotted names), numbered in enqueue order; "warm_start" = the id of
// the sweep whose runs seed the model.
inline constexpr std::string_view kEnqueueTagPrefix = "enqueue.";
inline constexpr std::string_view kWarmStartTag = "warm_start";
// Each enqueue is one tag; past this many the queue is a sweep of its own.
inline constexpr std::size_t kMaxEnqueuedPoints = 10'000;

// Read by the proposer before each claim. `prior` is loaded once per sweep.
struct ProposalContext {
  std::vector<Config> enqueued;
  std::optional<std::string> warm_start_sweep;
  std::vector<TrialObservation> prior;  // the warm start's finished runs, renumbered from 0
};

// Updates `context` from the sweep's tags: the enqueued points (entries that
// no longer fit the space are skipped) and, the first time a warm start is
// named, the earlier sweep's finished runs that fit `spec.space`.
Status RefreshProposalContext(Store& store, const std::string& sweep_id, const SweepSpec& spec,
                              ProposalContext& context);

// Records on `sweep_id` that `other` (id, unique prefix or name) seeds its
// model. kInvalidInput when `other` is the sweep itself; kNotFound when
// there is no such sweep.
Status SetWarmStart(Store& store, const std::string& sweep_id, const std::string& other);

// The key under which to store the next enqueued point, given the tags.
// kInvalidInput when kMaxEnqueuedPoints are already queued.
Result<std::string> NextEnqueueTag(const std::map<std::string, std::string>& tags);

// The first of the spec's initial points, then of `enqueued`, with no run in
// `existing` of the same configuration (a crashed run does not count: it
// never ran), or nullopt.
std::optional<Config> NextKnownPoint(const SweepSpec& spec, const std::vector<Config>& enqueued,
                                     const std::vector<RunRecord>& existing);

// The finished runs of another sweep as prior observations for `spec`:
// objective per spec.metric, parameters the space lacks dropped, runs
// missing an active parameter or with values outside the space skipped,
// numbered from 0, no grid index.
std::vector<TrialObservation> PriorObservations(const SweepSpec& spec, const std::vector<RunRecord>& other_runs);

}  // namespace sweep
