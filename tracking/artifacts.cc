#include "tracking/artifacts.h"

#include <algorithm>

#include "core/sha256.h"

namespace sweep {

std::string ArtifactDigest(const std::vector<ArtifactFile>& files) {
  std::vector<const ArtifactFile*> sorted;
  for (const auto& f : files) sorted.push_back(&f);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->path < b->path; });
  std::string manifest;
  for (const auto* f : sorted) manifest += f->path + ":" + f->sha256 + "\n";
  return Sha256Hex(manifest);
}

std::string ArtifactRef(const ArtifactVersion& v) { return v.name + ":v" + std::to_string(v.version); }

ArtifactRefParts ParseArtifactRef(const std::string& ref) {
  const auto cut = ref.find_first_of(":@");
  if (cut == std::string::npos) return {ref, kLatestAlias};
  ArtifactRefParts parts{ref.substr(0, cut), ref.substr(cut + 1)};
  if (parts.selector.empty()) parts.name.clear();
  return parts;
}

}  // namespace sweep
