#include "core/sha256.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace sweep {
namespace {

// FIPS 180-2 / NIST test vectors.
TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, StreamGivesTheSameDigestInPieces) {
  Sha256Stream stream;
  stream.Update("abcdbcdecdefdefgefghfghighij");
  stream.Update("");
  stream.Update("hijkijkljklmklmnlmnomnopnopq");
  EXPECT_EQ(stream.HexDigest(), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

// A file hashes like its bytes, across the chunk boundary too.
TEST(Sha256Test, FileHashesLikeItsBytes) {
  const auto path = std::filesystem::temp_directory_path() / ("sha256-test-" + std::to_string(::getpid()));
  const std::string bytes(3 * (1 << 20) + 17, 'a');
  std::ofstream(path, std::ios::binary) << bytes;
  auto got = Sha256OfFile(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(*got, Sha256Hex(bytes));
  EXPECT_EQ(Sha256OfFile(path.string()).error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace sweep
