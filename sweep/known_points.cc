#include "sweep/known_points.h"

#include <algorithm>
#include <cstdio>

#include "core/space_point.h"
#include "core/value_json.h"
#include "sweep/objective.h"

namespace sweep {
namespace {

// Digits of the enqueue sequence number, so tags sort in enqueue order.
constexpr int kEnqueueDigits = 6;

bool SameConfig(const Config& a, const Config& b) {
  if (a.size() != b.size()) return false;
  return std::all_of(a.begin(), a.end(), [&](const auto& kv) {
    return std::find(b.begin(), b.end(), kv) != b.end();
  });
}

// `params` restricted to the space's parameters and normalized, or nullopt.
std::optional<Config> FitToSpace(const SearchSpace& space, const Config& params) {
  Config known;
  for (const auto& entry : params) {
    if (space.find(entry.first) != nullptr) known.push_back(entry);
  }
  Result<Config> point = NormalizePoint(space, known);
  if (!point.ok()) return std::nullopt;
  return std::move(*point);
}

}  // namespace

Status RefreshProposalContext(Store& store, const std::string& sweep_id, const SweepSpec& spec,
                              ProposalContext& context) {
  auto tags = store.GetSweepTags(sweep_id);
  if (!tags.ok()) return tags.error();
  context.enqueued.clear();
  for (const auto& [key, text] : *tags) {
    if (!key.starts_with(kEnqueueTagPrefix)) continue;
    auto value = ParseJson(text);
    if (!value.ok() || !value->is_map()) continue;
    if (auto point = FitToSpace(spec.space, FlattenPoint(spec.space, value->as_map()))) {
      context.enqueued.push_back(std::move(*point));
    }
  }
  const auto warm = tags->find(std::string(kWarmStartTag));
  if (warm != tags->end() && context.warm_start_sweep != warm->second) {
    auto runs = store.ListRuns(warm->second);
    if (!runs.ok()) return runs.error();
    context.warm_start_sweep = warm->second;
    context.prior = PriorObservations(spec, *runs);
  }
  return OkStatus();
}

Status SetWarmStart(Store& store, const std::string& sweep_id, const std::string& other) {
  auto source = store.GetSweep(other);
  if (!source.ok()) return source.error();
  if (source->id == sweep_id) return Error::InvalidInput("a sweep cannot warm-start from itself");
  return store.SetSweepTags(sweep_id, {{std::string(kWarmStartTag), source->id}});
}

Result<std::string> NextEnqueueTag(const std::map<std::string, std::string>& tags) {
  std::size_t queued = 0;
  long long last = 0;
  for (const auto& [key, text] : tags) {
    if (!key.starts_with(kEnqueueTagPrefix)) continue;
    ++queued;
    last = std::max(last, std::atoll(key.c_str() + kEnqueueTagPrefix.size()));
  }
  if (queued >= kMaxEnqueuedPoints) {
    return Error::InvalidInput("the sweep already has " + std::to_string(queued) + " enqueued points, the most it keeps");
  }
  char key[32];
  std::snprintf(key, sizeof key, "%.*s%0*lld", static_cast<int>(kEnqueueTagPrefix.size()), kEnqueueTagPrefix.data(),
                kEnqueueDigits, last + 1);
  return std::string(key);
}

std::optional<Config> NextKnownPoint(const SweepSpec& spec, const std::vector<Config>& enqueued,
                                     const std::vector<RunRecord>& existing) {
  auto already_run = [&](const Config& point) {
    return std::any_of(existing.begin(), existing.end(), [&](const RunRecord& run) {
      return run.state != TrialState::kCrashed && SameConfig(run.params, point);
    });
  };
  for (const auto* list : {&spec.initial_points, &enqueued}) {
    for (const Config& point : *list) {
      if (!already_run(point)) return point;
    }
  }
  return std::nullopt;
}

std::vector<TrialObservation> PriorObservations(const SweepSpec& spec, const std::vector<RunRecord>& other_runs) {
  std::vector<TrialObservation> prior;
  for (TrialObservation t : ToObservations(other_runs, spec.metric)) {
    if (t.state != TrialState::kFinished || !t.objective) continue;
    std::optional<Config> config = FitToSpace(spec.space, t.config);
    if (!config) continue;
    t.config = std::move(*config);
    t.number = static_cast<std::int64_t>(prior.size());
    t.grid_index.reset();
    prior.push_back(std::move(t));
  }
  return prior;
}

}  // namespace sweep
