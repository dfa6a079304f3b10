// The files of a run's folder (its artifacts, logs, diff.patch), for the
// run page's artifact browser: a listing, and a file by its path inside the
// folder. Nothing outside the folder is ever listed or opened: a path that
// is absolute, has a ".." part, or leads out through a symbolic link is
// refused. Browses the folder itself, not any artifact store.
//
// Thread-safety: pure functions over the file system.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/result.h"

namespace sweep::dashboard {

// The most files one listing holds; a folder with more says "truncated".
inline constexpr std::size_t kMaxListedFiles = 2000;
// Files larger than this are listed without a hash: hashing a run's 50 GB
// checkpoint on every page view would stall the server.
inline constexpr std::uint64_t kMaxHashedFileBytes = 256ull << 20;

// {files: [{path, size, sha256 (null: larger than kMaxHashedFileBytes or
// unreadable)}] sorted by path, truncated}. A missing folder lists nothing.
Result<std::string> RunFilesJson(const std::filesystem::path& run_dir);

// The regular file at `relative` inside `run_dir`, resolved through any
// symbolic links; kInvalidInput for a path that is empty, absolute, has a
// ".." part or leads outside the folder; kNotFound for no such file.
Result<std::filesystem::path> ResolveRunFile(const std::filesystem::path& run_dir, const std::string& relative);

}  // namespace sweep::dashboard
