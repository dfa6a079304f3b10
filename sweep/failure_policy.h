// FailurePolicy: what a sweep does about failed trials. Retries (the same
// configuration again, `retries: N`), the spec's failure limits
// (`max_failures`, `max_consecutive_failures`) and W&B's guard against a
// program that fails at once, so a typo in the training script does not burn
// through a whole grid.
//
// Pure logic over run outcomes; the controller asks it after every run ends.
// Thread-safety: used from the controller's thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/sweep_spec.h"
#include "tracking/store.h"

namespace sweep {

// Tags linking a retry to the run it repeats.
inline constexpr const char* kTagRetryOf = "retry_of";  // id of the first attempt
inline constexpr const char* kTagAttempt = "attempt";   // 1 for the first attempt, 2 for the first retry, ...

class FailurePolicy {
 public:
  // W&B's agent gives up when its first runs all fail quickly
  // (WANDB_AGENT_MAX_INITIAL_FAILURES, default 5): a broken program or
  // environment, not bad hyperparameters.
  static constexpr int kInitialFailureLimit = 5;
  // A failure counts as "at once" when the trial ran for less than this.
  static constexpr double kInstantFailureSeconds = 60.0;

  explicit FailurePolicy(const SweepSpec& spec);

  // Accounts for runs recorded before this controller started (resume, other
  // agents), so limits hold across restarts.
  void Seed(const std::vector<RunRecord>& runs);

  struct Verdict {
    bool retry = false;                       // launch the same configuration again
    std::optional<std::string> stop_message;  // set: launch nothing more, and say why
  };

  // `run` ended (its state is terminal). `attempt` is 1 for a first attempt.
  Verdict OnRunEnded(const RunRecord& run, int attempt, const std::string& stderr_tail);

 private:
  std::int64_t retries_;
  std::optional<std::int64_t> max_failures_;
  std::optional<std::int64_t> max_consecutive_failures_;
  std::int64_t failures_ = 0;
  std::int64_t consecutive_failures_ = 0;
  std::int64_t ended_ = 0;
  std::int64_t instant_failures_ = 0;  // among the first kInitialFailureLimit ended runs
};

}  // namespace sweep
