#include "agents/host/file_digest_cache.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/value_json.h"

namespace sweep {
namespace {

std::filesystem::path DefaultCacheFile() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  std::filesystem::path root = xdg != nullptr && *xdg != '\0' ? std::filesystem::path(xdg)
                               : home != nullptr            ? std::filesystem::path(home) / ".cache"
                                                            : std::filesystem::temp_directory_path();
  return root / "sweep" / "file_digests.json";
}

std::optional<FileDigestCache::Entry> EntryFrom(const Value& value) {
  if (!value.is_list() || value.as_list().size() != 3) return std::nullopt;
  const auto& fields = value.as_list();
  if (!fields[0].is_string()) return std::nullopt;
  FileDigestCache::Entry entry;
  entry.sha256 = fields[0].as_string();
  if (fields[1].is_int() && fields[1].as_int() >= 0) entry.newlines = static_cast<std::uint64_t>(fields[1].as_int());
  entry.ends_with_newline = !fields[2].is_bool() || fields[2].as_bool();
  return entry;
}

}  // namespace

FileDigestCache FileDigestCache::OpenDefault() { return FileDigestCache(DefaultCacheFile()); }

FileDigestCache::FileDigestCache(std::filesystem::path file) : file_(std::move(file)) {
  std::ifstream in(file_, std::ios::binary);
  if (!in) return;
  std::ostringstream text;
  text << in.rdbuf();
  auto parsed = ParseJson(text.str());
  if (!parsed.ok() || !parsed->is_map()) return;
  for (const auto& [key, value] : parsed->as_map()) {
    auto entry = EntryFrom(value);
    if (!entry || index_.count(key)) continue;
    index_[key] = entries_.size();
    entries_.emplace_back(key, std::move(*entry));
  }
}

std::string FileDigestCache::Key(const std::string& real_path, std::uint64_t size, std::int64_t mtime_ns) {
  return std::to_string(size) + ":" + std::to_string(mtime_ns) + ":" + real_path;
}

std::optional<FileDigestCache::Entry> FileDigestCache::Find(const std::string& real_path, std::uint64_t size,
                                                             std::int64_t mtime_ns) const {
  auto it = index_.find(Key(real_path, size, mtime_ns));
  if (it == index_.end()) return std::nullopt;
  return entries_[it->second].second;
}

void FileDigestCache::Put(const std::string& real_path, std::uint64_t size, std::int64_t mtime_ns, Entry entry) {
  const std::string key = Key(real_path, size, mtime_ns);
  dirty_ = true;
  if (auto it = index_.find(key); it != index_.end()) {
    entries_[it->second].second = std::move(entry);
    return;
  }
  index_[key] = entries_.size();
  entries_.emplace_back(key, std::move(entry));
  if (entries_.size() <= kMaxDigestCacheEntries) return;
  const auto oldest = static_cast<std::ptrdiff_t>(entries_.size() - kMaxDigestCacheEntries);
  entries_.erase(entries_.begin(), entries_.begin() + oldest);
  index_.clear();
  for (std::size_t i = 0; i < entries_.size(); ++i) index_[entries_[i].first] = i;
}

void FileDigestCache::Save() {
  if (!dirty_) return;
  ValueMap doc;
  doc.reserve(entries_.size());
  for (const auto& [key, entry] : entries_) {
    const Value newlines = entry.newlines ? Value(static_cast<std::int64_t>(*entry.newlines)) : Value(nullptr);
    doc.emplace_back(key, Value(ValueList{Value(entry.sha256), newlines, Value(entry.ends_with_newline)}));
  }
  std::error_code ec;
  std::filesystem::create_directories(file_.parent_path(), ec);
  const auto temporary = file_.string() + "." + std::to_string(::getpid()) + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << ToJson(Value(std::move(doc)));
    if (!out) {
      std::filesystem::remove(temporary, ec);
      return;
    }
  }
  std::filesystem::rename(temporary, file_, ec);
  if (ec) std::filesystem::remove(temporary, ec);
  dirty_ = false;
}

}  // namespace sweep
