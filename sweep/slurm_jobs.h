// The Slurm jobs serving a sweep, recorded as sweep tags in the store so that
// `sweep status` and `sweep cancel` find them from any machine, and cancelling
// a sweep: stop it in the store (agents stop claiming) and scancel its jobs.
#pragma once

#include <string>
#include <vector>

#include "agents/slurm/slurm_client.h"
#include "core/result.h"
#include "tracking/store.h"

namespace sweep {

// Sweep tag key prefix; the full key is the prefix plus the job id, the value
// the number of agents (array tasks) submitted.
inline constexpr const char* kSlurmJobTagPrefix = "slurm.job.";

struct RecordedSlurmJob {
  std::string job_id;
  int agents = 0;
};

// Records that job `job_id` (an array of `agents` tasks) serves the sweep.
Status RecordSlurmJob(Store& store, const std::string& sweep_id, const std::string& job_id, int agents);

// The recorded jobs in submission order (numeric job id).
Result<std::vector<RecordedSlurmJob>> SlurmJobsOf(Store& store, const std::string& sweep_id);

struct CancelReport {
  std::vector<std::string> cancelled;  // job ids scancel accepted
  std::vector<Error> failures;         // one per job scancel refused
};

// Marks the sweep stopped first (so no agent claims another trial, even one
// whose job scancel cannot reach), then cancels every recorded job. A job
// that cannot be cancelled is reported, not fatal: the others still are.
// Errors: only those of the store.
Result<CancelReport> CancelSweep(Store& store, const std::string& sweep_id, const SlurmCommands& commands = {});

}  // namespace sweep
