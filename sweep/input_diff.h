// Which data inputs differ between runs (their input.* tags,
// agents/host/data_digest.h): what `sweep compare`, `sweep diff` and
// `sweep show` say about data versions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agents/host/data_digest.h"
#include "review/compare_runs.h"
#include "tracking/store.h"

namespace sweep {

// Every data input of `run` (its input.* tags that parse), by name.
std::vector<DataInput> InputsOf(const RunRecord& run);

// One entry per input name (sorted) whose digest is not the same in every
// run: the digest per run, nullopt where the run did not record it. Runs
// that recorded no input at all take no part (their entries are nullopt,
// and an input differs only if the runs that have it disagree or some run
// with inputs lacks it).
std::vector<review::ComparedValues> DifferingInputs(const std::vector<RunRecord>& runs);

// A digest for people: its first 12 characters and "…" ("sha256 " before
// a SHA-256, "digest " before anything else).
std::string ShortDigest(const std::string& digest);

// "data changed: NAME sha256 ab12… → cd34…" (or "only in the first/second
// run") for a DifferingInputs entry of two runs.
std::string DataChangeLine(const review::ComparedValues& input);

}  // namespace sweep
