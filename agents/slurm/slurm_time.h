// Validation of Slurm's time-limit syntax (sbatch --time), so a typo is
// reported by `sweep slurm` before anything is submitted.
//
// Thread-safety: pure function, safe from any thread.
#pragma once

#include <string_view>

namespace sweep {

// True when `s` is one of the forms sbatch(1) documents for --time:
// "minutes", "minutes:seconds", "hours:minutes:seconds", "days-hours",
// "days-hours:minutes", "days-hours:minutes:seconds" (each field decimal
// digits), or "UNLIMITED"/"INFINITE" (any case) for no limit.
// Minutes and seconds after the first field must be below 60, hours after a
// day count below 24, as Slurm itself rejects anything else there.
bool IsValidSlurmTimeLimit(std::string_view s);

}  // namespace sweep
