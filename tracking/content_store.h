// ContentStore: the bytes of artifact files, each stored once under its
// SHA-256 in one folder (`<root>/<sha256>`), whatever run, artifact or
// version names it. The Store (store.h) records which versions refer to
// which content; `sweep gc` removes what none refers to.
//
// Files are written to a temporary name and renamed, so a reader never sees
// a partial file and concurrent writers of the same content are harmless;
// stored files are read-only (0444). Thread-safety: none needed beyond the
// filesystem's; several processes may share one root.
#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "tracking/artifacts.h"

namespace sweep {

struct ContentGcReport {
  std::int64_t files_removed = 0;
  std::int64_t bytes_freed = 0;
  std::int64_t views_removed = 0;
  std::int64_t recent_kept = 0;  // unreferenced but younger than the grace period
};

class ContentStore {
 public:
  explicit ContentStore(std::filesystem::path root) : root_(std::move(root)) {}
  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path PathOf(const std::string& sha256) const { return root_ / sha256; }

  // Stores `source`, a file or a directory (every regular file under it,
  // symbolic links skipped), and returns its files with paths relative to
  // the directory, or the file's name. Content already present is not
  // copied again (its time is refreshed, see RemoveUnreferenced). At most
  // kMaxArtifactFiles files (kInvalidInput beyond). kNotFound when `source`
  // does not exist, kIo on failure.
  Result<std::vector<ArtifactFile>> Put(const std::filesystem::path& source);

  // A read-only folder holding `version`'s files under their paths, shared by
  // every user of the version (`<root>/views/<digest>/`, hard links to the
  // content where the filesystem allows, else copies). Built once,
  // atomically. kNotFound when some content is missing (collected).
  Result<std::filesystem::path> View(const ArtifactVersion& version);

  // Writable copies of `version`'s files under `dest` (created as needed).
  Status CopyOut(const ArtifactVersion& version, const std::filesystem::path& dest) const;

  // Removes content whose address is not in `referenced` and was last
  // written (or stored again: Put touches it) more than `grace` ago, and
  // views whose digest is not in `live_digests`, reporting what it freed.
  // The grace period protects a version being logged right now, whose
  // content is stored before the version that refers to it commits.
  Result<ContentGcReport> RemoveUnreferenced(const std::set<std::string>& referenced,
                                             const std::set<std::string>& live_digests,
                                             std::filesystem::file_time_type::duration grace);

 private:
  Result<ArtifactFile> PutFile(const std::filesystem::path& file, const std::string& relative);

  std::filesystem::path root_;
};

}  // namespace sweep
