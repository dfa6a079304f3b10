// Files' SHA-256 remembered by (real path, size, modification time), so a
// large dataset named by every sweep (`inputs:`) and every script
// (run.log_input) is read once while it does not change. One JSON file per
// user, shared with the Python client (clients/python/sweep_client/_inputs.py
// reads and writes the same format): $XDG_CACHE_HOME/sweep/file_digests.json,
// else ~/.cache/sweep/file_digests.json, an object
//   {"<size>:<mtime ns>:<real path>": ["<sha256>", <newlines or null>, <ends with newline>]}
// holding at most kMaxDigestCacheEntries (the oldest go first).
//
// Thread-safety: one object per thread. Processes may share the file: each
// rewrites it whole and atomically (rename), the last writer's entries win,
// and a lost entry only costs reading that file again.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sweep {

inline constexpr std::size_t kMaxDigestCacheEntries = 100000;

class FileDigestCache {
 public:
  struct Entry {
    std::string sha256;
    std::optional<std::uint64_t> newlines;  // counted only for files whose lines were counted
    bool ends_with_newline = true;
  };

  // The user's cache file (see above); a missing, unreadable or damaged one is an empty cache.
  static FileDigestCache OpenDefault();
  explicit FileDigestCache(std::filesystem::path file);

  std::optional<Entry> Find(const std::string& real_path, std::uint64_t size, std::int64_t mtime_ns) const;
  void Put(const std::string& real_path, std::uint64_t size, std::int64_t mtime_ns, Entry entry);
  // Writes the file when an entry was added (best effort: a cache that
  // cannot be written is only a slower next time).
  void Save();

 private:
  static std::string Key(const std::string& real_path, std::uint64_t size, std::int64_t mtime_ns);

  std::filesystem::path file_;
  std::vector<std::pair<std::string, Entry>> entries_;  // oldest first
  std::unordered_map<std::string, std::size_t> index_;  // key -> position in entries_
  bool dirty_ = false;
};

}  // namespace sweep
