// The Store's artifact methods (store.h, "artifacts"), written once over a
// SqlSession so both stores share them. Each function is one transaction
// (Write or Read) unless its name ends in Locked: those run inside the
// caller's write transaction. Private to tracking/.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "tracking/artifacts.h"
#include "tracking/sql_session.h"

namespace sweep::sql {

Result<ArtifactVersion> LogArtifactVersion(SqlSession& db, const NewArtifactVersion& v);
Result<ArtifactVersion> GetArtifactVersion(SqlSession& db, const std::string& project, const std::string& name,
                                           const std::string& selector);
Result<std::vector<ArtifactVersion>> ListArtifactVersions(SqlSession& db, const ArtifactFilter& filter);
Status RecordArtifactUse(SqlSession& db, std::int64_t version_id, const std::string& run_id);
Result<std::vector<std::string>> ListReferencedContent(SqlSession& db);

// What deleting run `run_id` does to artifacts: forgets its uses, and deletes
// the versions it produced unless a registered model version holds them.
Status DeleteRunArtifactsLocked(SqlSession& db, const std::string& run_id);

// The version with store-wide id `id`, files, aliases and consumers included,
// read inside the caller's transaction (the registry uses it too).
Result<ArtifactVersion> LoadArtifactVersionLocked(SqlSession& db, std::int64_t id);

// True when `name` is usable as an artifact name, type or alias: W&B's rule,
// letters, digits, '_', '-' and '.'.
bool IsArtifactWord(const std::string& name);
// "latest" and "v<digits>": names the store gives, never a user alias.
bool IsReservedAlias(const std::string& alias);

}  // namespace sweep::sql
