// Versioned, content-addressed artifacts: what the Store records about them.
// The bytes live in a ContentStore (tracking/content_store.h) under their
// SHA-256; the Store keeps names, versions, file lists, aliases and lineage
// (which run produced a version, which runs used it). Schema v5.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sweep {

// The alias that always names an artifact's newest version; computed, never
// stored, and refused as a user alias (as are "v<N>" names).
inline constexpr const char* kLatestAlias = "latest";

// Bound on the files of one version (and of one ContentStore::Put): a
// folder logged by mistake ($HOME) is refused instead of hashed whole, and a
// hostile client cannot make one transaction unbounded.
inline constexpr std::size_t kMaxArtifactFiles = 100000;

struct ArtifactFile {
  std::string path;    // relative, '/'-separated, inside the artifact
  std::string sha256;  // the content address
  std::int64_t size = 0;
};

struct ArtifactVersion {
  std::int64_t id = 0;  // store-wide key; what uses and registered models point at
  std::string project;
  std::string name;
  std::int64_t version = 0;  // 0, 1, ...: shown as "name:v<version>"
  std::string type;
  std::string digest;         // SHA-256 over the sorted "path:sha256" lines
  std::string metadata_json;  // a JSON object as given ("{}" when none)
  std::string producer_run;   // the run that logged it ("" when none)
  std::int64_t size = 0;      // sum of the files' sizes
  double created_at = 0;
  std::vector<ArtifactFile> files;      // path order
  std::vector<std::string> aliases;     // sorted; includes "latest" on the newest
  std::vector<std::string> consumers;   // runs that used it, by id
  bool created = true;  // LogArtifactVersion: false when an identical latest version was returned
};

// What LogArtifactVersion records.
struct NewArtifactVersion {
  std::string project;
  std::string name;
  std::string type;
  std::string metadata_json = "{}";
  std::string producer_run;  // exact run id, or "" for none
  std::vector<ArtifactFile> files;
  std::vector<std::string> aliases;  // extra aliases to move onto the version
  double created_at = 0;
};

// Which versions ListArtifactVersions returns; empty fields match all.
struct ArtifactFilter {
  std::string project;
  std::string name;
  std::string run_id;  // versions this run produced or used
};

// The digest that identifies an artifact's content: SHA-256 over its files'
// "path:sha256\n" lines in path order (W&B digests its manifest alike), so
// identical files under identical paths give identical digests.
std::string ArtifactDigest(const std::vector<ArtifactFile>& files);

// "name:v3" for a version.
std::string ArtifactRef(const ArtifactVersion& v);

// A reference "name", "name:v3", "name:alias" or "name@alias" split into name
// and selector ("latest" when none is given). kInvalidInput-worthy forms
// (empty name or selector) yield an empty name.
struct ArtifactRefParts {
  std::string name;
  std::string selector;
};
ArtifactRefParts ParseArtifactRef(const std::string& ref);

}  // namespace sweep
