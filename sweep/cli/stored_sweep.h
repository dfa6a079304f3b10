// A stored sweep and its spec, re-parsed from the text stored with it: the
// commands that act on an existing sweep (agent, resume, ask, tell, report)
// see exactly the spec the sweep was created from, not today's file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "core/sweep_spec.h"
#include "sweep/run_scope.h"
#include "tracking/store.h"

namespace sweep::cli {

struct StoredSweep {
  SweepRecord record;
  SweepSpec spec;
};

// Store::GetSweep for a sweep named on the command line: when none matches,
// the kNotFound error adds "; did you mean 'X'?" with the nearest sweep id or
// name in the store, if one is near.
Result<SweepRecord> FindSweep(Store& store, const std::string& id_or_name);

// LoadRunScope (a sweep, or a project's runs), whose "not found" names the
// nearest sweep as FindSweep does.
Result<RunScope> LoadCliRunScope(Store& store, const std::string& target, bool project_only);

// FindSweep, and the spec parsed from the text stored with the sweep.
Result<StoredSweep> LoadStoredSweep(Store& store, const std::string& id_or_name);

// The record a new sweep is stored as. The seed is `seed_flag`, else the
// spec's, else drawn at random, and recorded either way so the sweep can be
// reproduced.
SweepRecord NewSweepRecord(const SweepSpec& spec, const std::string& spec_path, std::optional<std::uint64_t> seed_flag);

}  // namespace sweep::cli
