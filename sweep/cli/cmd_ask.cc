// `sweep ask SWEEP` and `sweep tell RUN VALUE`: the optimizer for users who
// evaluate configurations outside our agents (Optuna's ask-and-tell). A run
// from `ask` is recorded as running until `tell` finishes it. `sweep enqueue
// SWEEP --params JSON` queues a configuration that the next claim (agent or
// ask) runs first (Optuna's enqueue_trial).
#include <cmath>
#include <cstdio>
#include <memory>

#include "core/space_point.h"
#include "core/value_json.h"
#include "optimizers/optimizer.h"
#include "sweep/cli/agent_session.h"
#include "sweep/cli/cli.h"
#include "sweep/cli/console.h"
#include "sweep/cli/stored_sweep.h"
#include "sweep/cli/terminal_text.h"
#include "sweep/clock.h"
#include "sweep/known_points.h"
#include "sweep/optimizer_setup.h"
#include "sweep/proposal.h"
#include "sweep/record_json.h"

namespace sweep::cli {
namespace {

struct AskFlags {
  std::string sweep;
};

struct EnqueueFlags {
  std::string sweep;
  std::string params;
};

struct TellFlags {
  std::string run;
  std::optional<double> value;
  std::string state = "finished";
};

int Ask(const AskFlags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto stored = LoadStoredSweep(**store, flags.sweep);
  if (!stored.ok()) return ReportError(stored.error());
  if (stored->record.state != SweepState::kRunning) {
    return ReportError(Error::InvalidInput("sweep " + stored->record.id + " is " +
                                           std::string(SweepStateName(stored->record.state))));
  }
  auto optimizer = MakeOptimizer(OptimizerOptionsFor(stored->spec, stored->record.seed));
  if (!optimizer.ok()) return ReportError(optimizer.error());

  ProposalContext known;
  if (auto status = RefreshProposalContext(**store, stored->record.id, stored->spec, known); !status.ok()) {
    return ReportError(status.error());
  }
  std::optional<NoProposal> none;
  ClaimContext context{HostName(), std::string(kExternalAgentPrefix) + ThisAgentId(), TrialState::kQueued};
  auto claimed = (*store)->ClaimRun(
      stored->record.id,
      [&](const std::vector<RunRecord>& existing) -> Result<std::optional<NewRun>> {
        Proposal proposal = ProposeNext(stored->spec, **optimizer, existing, known);
        if (!proposal.run) none = proposal.why;
        return std::move(proposal.run);
      },
      context);
  if (!claimed.ok()) return ReportError(claimed.error());
  if (!claimed->has_value()) {
    std::fprintf(stderr, "sweep: nothing left to ask: %s\n",
                 none == NoProposal::kRunCapReached ? "run_cap reached" : "search space exhausted");
    return kExitFailure;
  }
  const RunRecord& run = **claimed;
  if (auto status = (*store)->MarkRunStarted(run.id, {}, 0, "", NowSeconds()); !status.ok())
    return ReportError(status.error());
  PrintJsonLine(Value(ValueMap{{"run_id", Value(run.id)},
                               {"sweep_id", Value(run.sweep_id)},
                               {"number", Value(run.number)},
                               {"config", ToNestedConfig(stored->spec.space, run.params)}}));
  return kExitOk;
}

int Enqueue(const EnqueueFlags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto stored = LoadStoredSweep(**store, flags.sweep);
  if (!stored.ok()) return ReportError(stored.error());
  auto given = ParseJson(flags.params);
  if (!given.ok()) return ReportError(Error::InvalidInput("--params: " + given.error().message));
  if (!given->is_map()) return ReportError(Error::InvalidInput("--params: expected a JSON object of parameter values"));
  auto point = NormalizePoint(stored->spec.space, FlattenPoint(stored->spec.space, given->as_map()));
  if (!point.ok()) return ReportError(Error::InvalidInput("--params: " + point.error().message));
  auto tags = (*store)->GetSweepTags(stored->record.id);
  if (!tags.ok()) return ReportError(tags.error());
  auto key = NextEnqueueTag(*tags);
  if (!key.ok()) return ReportError(key.error());
  ValueMap flat;
  for (const auto& [name, value] : *point) flat.emplace_back(name, value);
  if (auto status = (*store)->SetSweepTags(stored->record.id, {{*key, ToJson(Value(flat))}}); !status.ok()) {
    return ReportError(status.error());
  }
  std::printf("enqueued for sweep %s: %s\n", stored->record.id.c_str(),
              TerminalSafe(ToJson(ToNestedConfig(stored->spec.space, *point))).c_str());
  return kExitOk;
}

int Tell(const TellFlags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto run = (*store)->GetRun(flags.run);
  if (!run.ok()) return ReportError(run.error());
  auto sweep = (*store)->GetSweep(run->sweep_id);
  if (!sweep.ok()) return ReportError(sweep.error());
  auto state = ParseTrialState(flags.state);
  if (!state || !IsTerminal(*state)) {
    return ReportError(Error::InvalidInput("--state must be a final state (finished, failed, killed, stopped), not '" +
                                           flags.state + "'"));
  }
  const double now = NowSeconds();
  RunOutcome outcome;
  outcome.state = *state;
  outcome.ended_at = now;
  if (flags.value) {
    if (sweep->metric_name.empty()) {
      return ReportError(Error::InvalidInput("sweep " + sweep->id + " has no metric to tell a value for"));
    }
    if (auto status = (*store)->LogMetrics(run->id, {MetricPoint{sweep->metric_name, 0, *flags.value, now}});
        !status.ok())
      return ReportError(status.error());
    if (!std::isfinite(*flags.value) && outcome.state == TrialState::kFinished) {
      outcome.state = TrialState::kFailed;
      outcome.failure_reason = "the objective was " + FormatMetric(*flags.value);
    }
  } else if (outcome.state == TrialState::kFinished && !sweep->metric_name.empty()) {
    return ReportError(Error::InvalidInput("a finished run needs its value of '" + sweep->metric_name + "'"));
  }
  if (auto status = (*store)->FinishRun(run->id, outcome); !status.ok()) {
    if (status.error().code == ErrorCode::kConflict)
      return ReportError(Error::InvalidInput("run " + run->id + " has already ended"));
    return ReportError(status.error());
  }
  std::printf("run %s: %s\n", run->id.c_str(), std::string(TrialStateName(outcome.state)).c_str());
  return kExitOk;
}

}  // namespace

void RegisterAskTellCommands(CLI::App& app, GlobalOptions& global) {
  auto ask = std::make_shared<AskFlags>();
  CLI::App* cmd = app.add_subcommand("ask", "Claim the next configuration of a sweep and print it as JSON "
                                            "(evaluate it yourself, then `sweep tell`)");
  cmd->add_option("sweep", ask->sweep, "Sweep id, unique id prefix or name")->required();
  AddStoreOption(*cmd, global);
  cmd->callback([ask, &global] {
    if (int rc = Ask(*ask, global); rc != kExitOk) throw CLI::RuntimeError(rc);
  });

  auto enqueue = std::make_shared<EnqueueFlags>();
  cmd = app.add_subcommand("enqueue", "Queue a configuration that the sweep's next claim (an agent or `sweep ask`) "
                                      "runs before anything the method proposes (Optuna's enqueue_trial)");
  cmd->add_option("sweep", enqueue->sweep, "Sweep id, unique id prefix or name")->required();
  cmd->add_option("--params", enqueue->params,
                  "The configuration as a JSON object, e.g. '{\"lr\": 0.001, \"optimizer\": \"sgd\"}' (dotted or "
                  "nested names; every active parameter, values within the space)")
      ->required();
  AddStoreOption(*cmd, global);
  cmd->callback([enqueue, &global] {
    if (int rc = Enqueue(*enqueue, global); rc != kExitOk) throw CLI::RuntimeError(rc);
  });

  auto tell = std::make_shared<TellFlags>();
  cmd = app.add_subcommand("tell", "Record the result of a run from `sweep ask`");
  cmd->add_option("run", tell->run, "Run id or unique prefix")->required();
  cmd->add_option("value", tell->value, "The sweep metric's value (NaN/inf fail the run)");
  cmd->add_option("--state", tell->state, "Final state: finished, failed, killed or stopped")->capture_default_str();
  AddStoreOption(*cmd, global);
  cmd->callback([tell, &global] {
    if (int rc = Tell(*tell, global); rc != kExitOk) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sweep::cli
