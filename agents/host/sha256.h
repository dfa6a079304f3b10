// SHA-256 digests, for the environment record (spec and git diff hashes)
// and the dashboard's artifact listing (file hashes).
// Thread-safety: pure function, safe from any thread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace sweep {

// Lowercase hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(std::string_view data);

// Lowercase hex SHA-256 of the file's bytes, read in chunks (a checkpoint
// of gigabytes never sits in memory); nullopt when it cannot be read.
std::optional<std::string> Sha256FileHex(const std::filesystem::path& file);

}  // namespace sweep
