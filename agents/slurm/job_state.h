// SlurmJobState and the parsers for what squeue and sacct print about a job
// (array), so `sweep status` can show where each agent of a submission is.
//
// Thread-safety: pure functions, safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sweep {

// Slurm's many job states folded into what a sweep user acts on.
enum class SlurmJobPhase {
  kPending,    // waiting for resources, held, or requeued
  kRunning,    // allocated: running, configuring, completing, suspended
  kCompleted,  // exited 0
  kFailed,     // non-zero exit, timeout, node failure, out of memory, ...
  kCancelled,  // scancel or an administrator
  kOther,      // a state this code does not know; see `state`
};

struct SlurmJobState {
  std::string job_id;                 // "123_4" for array task 4 of job 123, else "123"
  std::string state;                  // Slurm's name, e.g. "RUNNING"; " by <uid>" dropped
  SlurmJobPhase phase = SlurmJobPhase::kOther;
  std::string reason;                 // squeue %R: pending reason or node list
  std::optional<int> exit_code;       // from sacct's ExitCode "code:signal"
  std::optional<int> signal;          // from sacct; 0 when not killed by a signal
};

// Maps a Slurm state name ("COMPLETED", "CANCELLED by 0", "CANCELLED+",
// "OUT_OF_MEMORY") to its phase.
SlurmJobPhase PhaseOfSlurmState(std::string_view state);

// True for kPending and kRunning: the task may still start or run an agent.
bool IsActive(SlurmJobPhase phase);

// Parses `squeue -h -r -t all -o '%i|%T|%R'`: one "id|state|reason" per line.
// A compressed array id ("123_[0-3,7%2]", as squeue prints without -r)
// yields one entry per task. Blank lines and '\r' are ignored.
// Errors: kIo for a line that is not of this shape (the format changed).
Result<std::vector<SlurmJobState>> ParseSqueueOutput(std::string_view text);

// Parses `sacct -n -P --format=JobID,State,ExitCode`. Job steps
// ("123_0.batch", "123.extern") are skipped; compressed array ids expand as
// above. Errors: kIo for a malformed line.
Result<std::vector<SlurmJobState>> ParseSacctOutput(std::string_view text);

// One entry per job id: squeue's state and reason (the controller's current
// view) win; sacct supplies exit codes and the tasks squeue no longer shows.
// Sorted by job id, then numerically by array task.
std::vector<SlurmJobState> MergeJobStates(std::vector<SlurmJobState> from_squeue,
                                          std::vector<SlurmJobState> from_sacct);

}  // namespace sweep
