// SHA-256 digests, for the environment record (spec and git diff hashes).
// Thread-safety: pure function, safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace sweep {

// Lowercase hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(std::string_view data);

}  // namespace sweep
