#include "dashboard/server/run_files.h"

#include <algorithm>
#include <vector>

#include "core/sha256.h"
#include "dashboard/server/api_json.h"

namespace sweep::dashboard {
namespace {

namespace fs = std::filesystem;

// Whether `path` (canonical) is `root` (canonical) or inside it.
bool Inside(const fs::path& path, const fs::path& root) {
  auto [r, p] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return r == root.end();
}

}  // namespace

Result<std::string> RunFilesJson(const fs::path& run_dir) {
  Json files = Json::array();
  std::error_code ec;
  const fs::path root = fs::canonical(run_dir, ec);
  if (ec) return DumpJson({{"files", files}, {"truncated", false}});
  struct Entry {
    std::string path;
    std::uint64_t size;
    fs::path real;
  };
  std::vector<Entry> entries;
  bool truncated = false;
  // Symbolic links to folders are not followed; a link to a file is listed
  // only when it stays inside the run folder.
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code file_ec;
    const fs::path real = fs::canonical(it->path(), file_ec);
    if (file_ec || !Inside(real, root) || !fs::is_regular_file(real, file_ec)) continue;
    if (entries.size() == kMaxListedFiles) {
      truncated = true;
      break;
    }
    const std::uint64_t size = fs::file_size(real, file_ec);
    entries.push_back({it->path().lexically_relative(root).generic_string(), file_ec ? 0 : size, real});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.path < b.path; });
  for (const Entry& e : entries) {
    Json sha = nullptr;  // too large to hash on a page load, or unreadable
    if (e.size <= kMaxHashedFileBytes) {
      if (auto digest = Sha256OfFile(e.real.string()); digest.ok()) sha = *digest;
    }
    files.push_back({{"path", e.path}, {"size", e.size}, {"sha256", sha}});
  }
  return DumpJson({{"files", files}, {"truncated", truncated}});
}

Result<fs::path> ResolveRunFile(const fs::path& run_dir, const std::string& relative) {
  if (relative.empty() || relative.find('\0') != std::string::npos)
    return Error::InvalidInput("a file path inside the run folder is needed");
  const fs::path rel(relative);
  if (rel.is_absolute() || rel.has_root_name() || rel.has_root_directory())
    return Error::InvalidInput("the file path must be relative to the run folder");
  for (const fs::path& part : rel)
    if (part == "..") return Error::InvalidInput("the file path must not leave the run folder ('..')");
  std::error_code ec;
  const fs::path root = fs::canonical(run_dir, ec);
  if (ec) return Error::NotFound("the run has no folder on this machine");
  const fs::path real = fs::canonical(root / rel, ec);
  if (ec) return Error::NotFound("no file " + relative + " in the run folder");
  if (!Inside(real, root)) return Error::InvalidInput("the file path leads out of the run folder");
  if (!fs::is_regular_file(real, ec)) return Error::NotFound("no file " + relative + " in the run folder");
  return real;
}

}  // namespace sweep::dashboard
