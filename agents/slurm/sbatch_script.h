// RenderSbatchScript: turns a request for N sweep agents on a Slurm cluster
// into the text of an sbatch job-array script, one `sweep agent` per task.
//
// Thread-safety: pure function, safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace sweep {

struct SlurmSubmission {
  std::string sweep_id;                  // the sweep every agent works on
  std::string store_url;                 // exported as SWEEP_STORE to the agents
  int agents = 1;                        // job-array size, one agent per task
  int gpus_per_agent = 0;                // 0: no --gres, agents run on CPUs
  std::optional<std::string> partition;  // --partition; cluster default when unset
  std::optional<std::string> time_limit; // --time, Slurm syntax (see slurm_time.h)
  std::optional<std::string> job_name;   // --job-name; "sweep-<sweep_id>" when unset
  // Further sbatch options, one per element, each starting with '-', e.g.
  // "--mem=16G" or "--constraint=a100"; written as #SBATCH lines after ours.
  std::vector<std::string> extra_sbatch_args;
  std::string sweep_binary;              // absolute path of `sweep` on the compute nodes
  std::optional<std::int64_t> count_per_agent;  // `agent --count`; unbounded when unset
  std::string working_dir;               // absolute; --chdir of every task
  std::string log_dir;                   // absolute; <log_dir>/%A_%a.out per task
};

// Returns a bash script: #SBATCH directives (--job-name, --array=0-(N-1),
// --gres=gpu:G when G > 0, --partition, --time, --output, --chdir, then
// extra_sbatch_args), `export SWEEP_STORE=<url>`, and
// `exec <sweep_binary> agent <sweep_id> [--count C] [--gpus all]`.
// Every value is quoted for the parser that reads it (shell_quote.h).
//
// Errors (all kInvalidInput): agents < 1; gpus_per_agent < 0;
// count_per_agent < 1; an empty sweep_id or one starting with '-' (it would
// read as a flag); an empty store_url; sweep_binary, working_dir or log_dir
// not absolute; log_dir containing '%' (Slurm expands it in --output);
// time_limit not in Slurm's syntax; an empty partition or job_name; an extra
// argument not starting with '-'; any value holding a control character
// (a newline would end a directive and start a shell command).
Result<std::string> RenderSbatchScript(const SlurmSubmission& submission);

}  // namespace sweep
