// SHA-256 digests: the environment record's spec and git diff hashes, and
// the content addresses of artifact files (tracking/content_store.h).
// Thread-safety: pure functions, safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace sweep {

// Lowercase hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(std::string_view data);

// Lowercase hex SHA-256 of the file at `path`, read in fixed-size chunks so a
// file of any size hashes in constant memory. kIo when it cannot be read.
Result<std::string> Sha256OfFile(const std::string& path);

}  // namespace sweep
