// SHA-256 digests, for the environment record (spec and git diff hashes)
// and data versions (data_digest.h).
// Thread-safety: Sha256Hex is a pure function, safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace sweep {

// Lowercase hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(std::string_view data);

// The same digest over data given in pieces (a large file read in chunks).
// Thread-safety: one object per thread.
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
  void* context_;  // EVP_MD_CTX, kept out of this header (OpenSSL stays private to the module)
};

}  // namespace sweep
