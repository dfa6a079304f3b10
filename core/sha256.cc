#include "core/sha256.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace sweep {
namespace {

// Read size for hashing files: large enough to amortize the system calls.
constexpr std::size_t kFileChunkBytes = 1 << 20;

std::string Hex(const unsigned char* digest, unsigned int length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

// EVP calls fail only on allocation failure; there is no sane way to go on
// without the hash, so treat it as fatal like std::bad_alloc would be.
void Require(int evp_result) {
  if (evp_result != 1) std::abort();
}

EVP_MD_CTX* Context(void* context) { return static_cast<EVP_MD_CTX*>(context); }

}  // namespace

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  Require(EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr));
  return Hex(digest, length);
}

Sha256Stream::Sha256Stream() : context_(EVP_MD_CTX_new()) {
  if (context_ == nullptr) std::abort();
  Require(EVP_DigestInit_ex(Context(context_), EVP_sha256(), nullptr));
}

Sha256Stream::~Sha256Stream() { EVP_MD_CTX_free(Context(context_)); }

void Sha256Stream::Update(std::string_view data) {
  Require(EVP_DigestUpdate(Context(context_), data.data(), data.size()));
}

std::string Sha256Stream::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  Require(EVP_DigestFinal_ex(Context(context_), digest, &length));
  return Hex(digest, length);
}

Result<std::string> Sha256OfFile(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return Error::Io("cannot read " + path + ": " + std::strerror(errno));
  Sha256Stream stream;
  std::vector<char> buffer(kFileChunkBytes);
  for (;;) {
    const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), file.get());
    if (n > 0) stream.Update(std::string_view(buffer.data(), n));
    if (n < buffer.size()) break;
  }
  if (std::ferror(file.get())) return Error::Io("cannot read " + path + ": read error");
  return stream.HexDigest();
}

}  // namespace sweep
