// Artifacts as people name them, and their lineage: for a version, the run
// that produced it (params, code commit) and what that run used as input;
// for any run, what it used and produced (Store::ListArtifactVersions with
// a run filter). What `sweep artifact show` and `sweep registry show` print.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/value.h"
#include "tracking/store.h"

namespace sweep {

// The run tag holding the commit of the code a run ran (environment capture).
inline constexpr const char* kGitCommitTag = "env.git.commit";
inline constexpr const char* kGitDirtyTag = "env.git.dirty";

// An artifact version by reference: "name", "name:v3", "name:alias",
// "name@alias". `project` empty: the one project that has an artifact of
// that name (kInvalidInput naming them when several do). kNotFound when
// there is none.
Result<ArtifactVersion> FindArtifact(Store& store, const std::string& reference, const std::string& project);

// The project a run belongs to (its sweep's).
Result<std::string> ProjectOfRun(Store& store, const RunRecord& run);

struct ArtifactLineage {
  ArtifactVersion version;
  std::optional<RunRecord> producer;    // nullopt: none recorded, or deleted since
  std::vector<ArtifactVersion> inputs;  // what the producer used
};

Result<ArtifactLineage> LoadLineage(Store& store, const ArtifactVersion& version);

// JSON shapes for --json output: a version (files included when it has them)
// and its lineage (version fields plus "producer": {id, state, params,
// code_commit, code_dirty} or null, and "inputs": ["name:vN", ...]).
Value ArtifactVersionToValue(const ArtifactVersion& v);
Value LineageToValue(const ArtifactLineage& lineage);

}  // namespace sweep
