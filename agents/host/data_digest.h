// Data versions: the content digest of a dataset a run reads (a spec's
// `inputs:`, a client's run.log_input), so two runs on different data can be
// told apart (`sweep diff`: "data changed: train.csv sha256 ab12… → cd34…").
//
// The rule, which clients/python/sweep_client/_inputs.py implements too (a
// test checks that they agree):
//   file    SHA-256 of its bytes;
//   folder  SHA-256 of its `sha256sum`-style listing: one line
//           "<hex sha256>  <path relative to the folder, '/'-separated>\n"
//           per regular file below it (symlinks to files followed, symlinked
//           folders not entered), sorted by relative path (bytewise).
// Size is the sum of the files' sizes; a .csv or .tsv file also counts its
// data rows (lines after the header).
//
// A file's digest is remembered in a FileDigestCache by size and mtime, so
// a large dataset is read once while it does not change.
//
// Thread-safety: functions of the file system, safe from any thread (each
// with its own cache).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "agents/host/file_digest_cache.h"
#include "core/result.h"

namespace sweep {

// A folder with more files than this is not hashed (kInvalidInput): walking
// and hashing that many files is a mistake (a whole disk), not a dataset.
inline constexpr std::uint64_t kMaxDigestFiles = 1'000'000;

struct DataDigest {
  std::string sha256;       // lowercase hex
  std::uint64_t size = 0;   // bytes, all files together
  std::uint64_t files = 0;  // 1 for a file
  std::optional<std::uint64_t> rows;  // data rows of a .csv/.tsv file
};

// kNotFound when `path` does not exist, kInvalidInput when it is neither a
// regular file nor a folder or has too many files, kIo when a file cannot
// be read.
// `cache` (may be null: no caching) gives and keeps file digests.
Result<DataDigest> DigestData(const std::filesystem::path& path, FileDigestCache* cache = nullptr);

// A data version as a run records it: the run tag kInputTagPrefix + name,
// whose value is a JSON object {"digest", "size", "files", "rows" (when
// known), "path", "context"}. `digest` is a SHA-256 (DigestData) for our
// clients and specs, or what another tool computed (MLflow's dataset digest).
inline constexpr const char* kInputTagPrefix = "input.";
// Longest digest text kept (a SHA-512 in hex is 128).
inline constexpr std::size_t kMaxInputDigestChars = 128;
struct DataInput {
  std::string name;     // how the run calls it: the spec's path as written, or log_input's name
  std::string digest;
  std::uint64_t size = 0;
  std::uint64_t files = 0;
  std::optional<std::uint64_t> rows;
  std::string path;     // where it was read (absolute), or the dataset's source
  std::string context;  // what for: "train", "eval", ... (empty when not said)
};
DataInput InputFromDigest(std::string name, const DataDigest& digest, std::string path, std::string context);
// The tag's value.
std::string InputTagValue(const DataInput& input);
// The inverse of InputTagValue for tag `key`; kInvalidInput for a value
// that is not one.
Result<DataInput> ParseInputTag(const std::string& key, const std::string& value);

}  // namespace sweep
