// SHA-256 digests: the environment record's spec and git diff hashes, data
// versions (agents/host/data_digest.h) and the content addresses of artifact
// files (tracking/content_store.h).
// Thread-safety: the functions are pure, safe from any thread; a
// Sha256Stream belongs to one thread at a time.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace sweep {

// Lowercase hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(std::string_view data);

// The same digest over data given in pieces (a large file read in chunks).
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;

  void Update(std::string_view data);
  // Lowercase hex of everything given so far; call once, last.
  std::string HexDigest();

 private:
  void* context_;  // EVP_MD_CTX, kept out of this header (OpenSSL stays private to core)
};

// Lowercase hex SHA-256 of the file at `path`, read in fixed-size chunks so a
// file of any size hashes in constant memory. kIo when it cannot be read.
Result<std::string> Sha256OfFile(const std::string& path);

}  // namespace sweep
