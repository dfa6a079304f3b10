#include "agents/host/data_digest.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <tuple>
#include <utility>

#include "core/sha256.h"

namespace sweep {
namespace {

class DataDigestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("sweep-digest-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::filesystem::path& relative, const std::string& text) {
    std::filesystem::create_directories((dir_ / relative).parent_path());
    std::ofstream(dir_ / relative, std::ios::binary) << text;
  }
  std::filesystem::path dir_;
};

TEST_F(DataDigestTest, AFileIsItsSha256AndACsvCountsItsRows) {
  Write("train.csv", "a,b\n1,2\n3,4\n");
  auto digest = DigestData(dir_ / "train.csv");
  ASSERT_TRUE(digest.ok()) << digest.error().message;
  EXPECT_EQ(digest->sha256, Sha256Hex("a,b\n1,2\n3,4\n"));
  EXPECT_EQ((std::tuple{digest->size, digest->files, digest->rows}),
            (std::tuple{std::uint64_t{12}, std::uint64_t{1}, std::optional<std::uint64_t>(2)}));
  Write("no_final_newline.tsv", "h\n1\n2");
  EXPECT_EQ(DigestData(dir_ / "no_final_newline.tsv")->rows, 2u);
  Write("blob.bin", "xyz");
  EXPECT_FALSE(DigestData(dir_ / "blob.bin")->rows.has_value());
}

// The folder rule is `sha256sum` over the sorted relative paths, so a user can
// check it by hand: (cd data && find . -type f | cut -c3- | LC_ALL=C sort | xargs sha256sum) | sha256sum
TEST_F(DataDigestTest, AFolderIsTheSha256OfItsSortedSha256sumListing) {
  Write("data/b.txt", "bee");
  Write("data/a/z.txt", "zed");
  Write("data/a.txt", "ay");
  auto digest = DigestData(dir_ / "data");
  ASSERT_TRUE(digest.ok()) << digest.error().message;
  // Bytewise order: '.' (0x2e) sorts before '/' (0x2f).
  const std::string listing = Sha256Hex("ay") + "  a.txt\n" + Sha256Hex("zed") + "  a/z.txt\n" + Sha256Hex("bee") +
                              "  b.txt\n";
  EXPECT_EQ(digest->sha256, Sha256Hex(listing));
  EXPECT_EQ((std::pair{digest->size, digest->files}), (std::pair{std::uint64_t{8}, std::uint64_t{3}}));
  std::filesystem::create_symlink(dir_ / "nowhere", dir_ / "data" / "dangling");  // skipped, not an error
  EXPECT_EQ(DigestData(dir_ / "data")->sha256, digest->sha256);
  Write("data/b.txt", "bee!");  // any change of content changes the digest
  EXPECT_NE(DigestData(dir_ / "data")->sha256, digest->sha256);
}

TEST(DataInputTag, RoundTrips) {
  const DataInput input{"train.csv", std::string(64, 'a'), 12, 1, 2, "/d/train.csv", "train"};
  auto parsed = ParseInputTag(std::string(kInputTagPrefix) + "train.csv", InputTagValue(input));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ((std::tuple{parsed->name, parsed->digest, parsed->size, parsed->files, parsed->rows, parsed->path,
                        parsed->context}),
            (std::tuple{input.name, input.digest, input.size, input.files, input.rows, input.path, input.context}));
  EXPECT_FALSE(ParseInputTag("input.x", "not json").ok());
}

// Same size and mtime: the remembered digest, without reading the file; the
// cache survives in its file for the next process.
TEST_F(DataDigestTest, DigestsAreCachedBySizeAndMtime) {
  Write("train.csv", "a,b\n1,2\n");
  const auto path = dir_ / "train.csv";
  const auto mtime = std::filesystem::last_write_time(path);
  FileDigestCache cache(dir_ / "cache" / "file_digests.json");
  auto first = DigestData(path, &cache);
  ASSERT_TRUE(first.ok()) << first.error().message;
  cache.Save();
  Write("train.csv", "a,b\n9,9\n");
  std::filesystem::last_write_time(path, mtime);
  FileDigestCache reopened(dir_ / "cache" / "file_digests.json");
  auto cached = DigestData(path, &reopened);
  EXPECT_EQ(cached->sha256, first->sha256);
  EXPECT_EQ(cached->rows, 1u);
  std::filesystem::last_write_time(path, mtime + std::chrono::seconds(1));  // touched: read again
  EXPECT_EQ(DigestData(path, &reopened)->sha256, Sha256Hex("a,b\n9,9\n"));
}

TEST_F(DataDigestTest, MissingPathsAreNotFound) {
  EXPECT_EQ(DigestData(dir_ / "nope.csv").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace sweep
