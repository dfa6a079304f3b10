#include "tracking/content_store.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <system_error>

#include "core/sha256.h"

namespace sweep {
namespace fs = std::filesystem;
namespace {

constexpr fs::perms kReadOnlyFile = fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read;
constexpr fs::perms kReadOnlyDir = kReadOnlyFile | fs::perms::owner_exec | fs::perms::group_exec |
                                   fs::perms::others_exec;
constexpr const char* kViewsDir = "views";
constexpr std::size_t kSha256HexLength = 64;

// A name no other process or thread picks at the same time, for write-then-rename.
std::string TemporaryName(const std::string& base) {
  static std::atomic<unsigned> counter{0};
  return base + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

Error IoError(const std::string& what, const fs::path& path, const std::error_code& ec) {
  return Error::Io(what + " " + path.string() + ": " + ec.message());
}

bool IsContentAddress(const std::string& name) {
  return name.size() == kSha256HexLength &&
         std::all_of(name.begin(), name.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// `relative` (a stored, '/'-separated path) under `dest`, or an error when it
// would leave it: paths come from the store and are checked before use.
Result<fs::path> Inside(const fs::path& dest, const std::string& relative) {
  fs::path rel(relative);
  if (rel.is_absolute() || relative.empty()) return Error::InvalidInput("artifact path '" + relative + "' is not relative");
  for (const auto& part : rel) {
    if (part == ".." || part == ".") return Error::InvalidInput("artifact path '" + relative + "' leaves its folder");
  }
  return dest / rel;
}

// Makes every folder under `dir` (and `dir`) read-only, deepest first.
void SealTree(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::path> dirs{dir};
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_directory(ec)) dirs.push_back(it->path());
  }
  for (auto d = dirs.rbegin(); d != dirs.rend(); ++d) fs::permissions(*d, kReadOnlyDir, ec);
}

// Removes a tree that SealTree made read-only.
std::uintmax_t RemoveSealed(const fs::path& dir) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_directory(ec)) fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add, ec);
  return fs::remove_all(dir, ec);
}

}  // namespace

Result<ArtifactFile> ContentStore::PutFile(const fs::path& file, const std::string& relative) {
  auto sha = Sha256OfFile(file.string());
  if (!sha.ok()) return sha.error();
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) return IoError("cannot read", file, ec);
  const fs::path target = PathOf(*sha);
  if (fs::exists(target, ec)) {
    fs::last_write_time(target, fs::file_time_type::clock::now(), ec);  // in use again: not gc's yet
  } else {
    fs::create_directories(root_, ec);
    if (ec) return IoError("cannot create", root_, ec);
    const fs::path temp = TemporaryName(target.string());
    fs::copy_file(file, temp, fs::copy_options::overwrite_existing, ec);
    if (ec) return IoError("cannot copy into", temp, ec);
    fs::permissions(temp, kReadOnlyFile, ec);
    fs::rename(temp, target, ec);  // atomic; an identical file may already be there: same bytes
    if (ec) {
      fs::remove(temp, ec);
      return IoError("cannot store", target, ec);
    }
  }
  return ArtifactFile{relative, *sha, static_cast<std::int64_t>(size)};
}

Result<std::vector<ArtifactFile>> ContentStore::Put(const fs::path& source) {
  std::error_code ec;
  const auto status = fs::status(source, ec);
  if (ec || !fs::exists(status)) return Error::NotFound("no such file or folder: " + source.string());
  std::vector<ArtifactFile> files;
  if (fs::is_regular_file(status)) {
    auto f = PutFile(source, source.filename().string());
    if (!f.ok()) return f.error();
    files.push_back(std::move(f).value());
    return files;
  }
  for (auto it = fs::recursive_directory_iterator(source, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_symlink(ec) || !it->is_regular_file(ec)) continue;
    if (files.size() == kMaxArtifactFiles) {
      return Error::InvalidInput(source.string() + " holds more than " + std::to_string(kMaxArtifactFiles) + " files");
    }
    auto f = PutFile(it->path(), fs::relative(it->path(), source).generic_string());
    if (!f.ok()) return f.error();
    files.push_back(std::move(f).value());
  }
  if (ec) return IoError("cannot list", source, ec);
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return files;
}

Status ContentStore::CopyOut(const ArtifactVersion& version, const fs::path& dest) const {
  std::error_code ec;
  for (const auto& f : version.files) {
    auto target = Inside(dest, f.path);
    if (!target.ok()) return target.error();
    const fs::path content = PathOf(f.sha256);
    if (!fs::exists(content, ec)) {
      return Error::NotFound("content of " + f.path + " (" + f.sha256 + ") is missing from " + root_.string());
    }
    fs::create_directories(target->parent_path(), ec);
    if (ec) return IoError("cannot create", target->parent_path(), ec);
    fs::copy_file(content, *target, fs::copy_options::overwrite_existing, ec);
    if (ec) return IoError("cannot write", *target, ec);
    fs::permissions(*target, fs::perms::owner_write, fs::perm_options::add, ec);
  }
  return OkStatus();
}

Result<fs::path> ContentStore::View(const ArtifactVersion& version) {
  const fs::path view = root_ / kViewsDir / version.digest;
  std::error_code ec;
  if (fs::is_directory(view, ec)) return view;
  const fs::path temp = TemporaryName(view.string());
  for (const auto& f : version.files) {
    auto target = Inside(temp, f.path);
    if (!target.ok()) return target.error();
    const fs::path content = PathOf(f.sha256);
    fs::create_directories(target->parent_path(), ec);
    if (ec) return IoError("cannot create", target->parent_path(), ec);
    fs::create_hard_link(content, *target, ec);
    if (ec) fs::copy_file(content, *target, ec);  // another filesystem, or no hard links
    if (ec) {
      RemoveSealed(temp);
      if (!fs::exists(content)) return Error::NotFound("content of " + f.path + " (" + f.sha256 + ") is missing");
      return IoError("cannot materialize", *target, ec);
    }
    fs::permissions(*target, kReadOnlyFile, ec);
  }
  SealTree(temp);
  fs::rename(temp, view, ec);
  if (ec) RemoveSealed(temp);  // another process built the same view first
  if (!fs::is_directory(view)) return IoError("cannot create", view, ec);
  return view;
}

Result<ContentGcReport> ContentStore::RemoveUnreferenced(const std::set<std::string>& referenced,
                                                         const std::set<std::string>& live_digests,
                                                         fs::file_time_type::duration grace) {
  const auto cutoff = fs::file_time_type::clock::now() - grace;
  ContentGcReport report;
  std::error_code ec;
  if (!fs::exists(root_, ec)) return report;
  const fs::path views = root_ / kViewsDir;
  for (auto it = fs::directory_iterator(views, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (live_digests.count(it->path().filename().string())) continue;
    RemoveSealed(it->path());
    ++report.views_removed;
  }
  ec.clear();
  for (auto it = fs::directory_iterator(root_, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!IsContentAddress(name) || referenced.count(name) || !it->is_regular_file()) continue;
    std::error_code rm;
    if (fs::last_write_time(it->path(), rm) > cutoff && !rm) {
      ++report.recent_kept;
      continue;
    }
    const auto size = it->file_size(rm);
    if (rm) continue;
    if (fs::remove(it->path(), rm)) {
      ++report.files_removed;
      report.bytes_freed += static_cast<std::int64_t>(size);
    }
  }
  if (ec) return IoError("cannot list", root_, ec);
  return report;
}

}  // namespace sweep
