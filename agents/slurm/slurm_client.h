// Talking to a Slurm controller through its command-line clients: submit an
// sbatch script, read the states of a job (array), cancel it. Each call runs
// one or two short programs (agents/host RunCommand: no shell, bounded time).
//
// Thread-safety: every function may be called from several threads at once;
// none keeps state between calls.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "agents/slurm/job_state.h"
#include "core/result.h"

namespace sweep {

// The client programs, looked up on PATH unless given with a '/'; tests
// point them elsewhere to exercise error handling.
struct SlurmCommands {
  std::string sbatch = "sbatch";
  std::string squeue = "squeue";
  std::string sacct = "sacct";
  std::string scancel = "scancel";
};

// Each client call talks to slurmctld once; a controller busy with a large
// scheduling pass can take tens of seconds to answer, so allow a minute
// before declaring it unreachable.
inline constexpr std::chrono::milliseconds kSlurmCommandTimeout{60000};

// Writes `script_text` to a new file <log_dir>/sweep-XXXXXX.sbatch (mode
// 0600: the script holds the store URL, which may carry a password),
// creating log_dir if needed, and runs `sbatch --parsable <file>` from the
// caller's working directory. The file is kept as a record of what ran.
// Returns the job id ("123"; a ";cluster" suffix is dropped).
// Errors: kIo when the directory or file cannot be written, sbatch is
// missing, fails (its stderr is in the message) or prints no job id.
Result<std::string> SubmitSbatch(const std::string& script_text, const std::string& log_dir,
                                 const SlurmCommands& commands = {});

// States of job `job_id` ("123", or "123_4" for one array task): squeue for
// what slurmctld still holds (active tasks, and finished ones for MinJobAge
// seconds), merged with sacct where accounting is enabled (exit codes, and
// tasks the controller has forgotten). A missing or failing sacct just
// means no accounting: it is not an error.
// Errors: kInvalidInput for a malformed job id; kNotFound when neither
// squeue nor sacct knows the job; kIo when squeue fails otherwise or its
// output cannot be parsed.
Result<std::vector<SlurmJobState>> QueryJobs(const std::string& job_id,
                                             const SlurmCommands& commands = {});

// `scancel <job_id>`: every task of an array, or one task ("123_4").
// Cancelling a job that already ended succeeds.
// Errors: kInvalidInput for a malformed job id; kIo when scancel is missing
// or fails (e.g. an unknown job id; its stderr is in the message).
Status CancelJob(const std::string& job_id, const SlurmCommands& commands = {});

}  // namespace sweep
