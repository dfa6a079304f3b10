#include "tracking/content_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "core/sha256.h"

namespace sweep {
namespace {
namespace fs = std::filesystem;

class ContentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sweep-content-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    Cleanup();
    fs::create_directories(dir_ / "src" / "sub");
  }
  void TearDown() override { Cleanup(); }
  void Cleanup() {
    std::error_code ec;
    if (!fs::exists(dir_, ec)) return;
    for (auto& e : fs::recursive_directory_iterator(dir_, ec)) fs::permissions(e.path(), fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(dir_, ec);
  }
  void Write(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }
  std::string Read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::size_t StoredFiles(const ContentStore& store) {
    std::size_t n = 0;
    for (auto& e : fs::directory_iterator(store.root())) n += e.is_regular_file();
    return n;
  }
  fs::path dir_;
};

TEST_F(ContentStoreTest, StoresEachContentOnceUnderItsHash) {
  ContentStore store(dir_ / "content");
  Write(dir_ / "src" / "a.bin", "weights");
  Write(dir_ / "src" / "sub" / "b.bin", "weights");  // same bytes, another name
  Write(dir_ / "src" / "c.txt", "config");
  auto files = store.Put(dir_ / "src");
  ASSERT_TRUE(files.ok()) << files.error().message;
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].path, "a.bin");
  EXPECT_EQ((*files)[2].path, "sub/b.bin");
  EXPECT_EQ((*files)[0].sha256, Sha256Hex("weights"));
  EXPECT_EQ((*files)[0].size, 7);
  EXPECT_EQ(StoredFiles(store), 2u);
  EXPECT_EQ(Read(store.PathOf(Sha256Hex("config"))), "config");
  // A single file is stored under its own name; nothing new on disk.
  // Storing existing content again refreshes its time (gc's grace period).
  fs::last_write_time(store.PathOf(Sha256Hex("config")), fs::file_time_type::clock::now() - std::chrono::hours(2));
  auto one = store.Put(dir_ / "src" / "c.txt");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ((*one)[0].path, "c.txt");
  EXPECT_EQ(StoredFiles(store), 2u);
  EXPECT_GT(fs::last_write_time(store.PathOf(Sha256Hex("config"))),
            fs::file_time_type::clock::now() - std::chrono::hours(1));
  EXPECT_EQ(store.Put(dir_ / "missing").error().code, ErrorCode::kNotFound);
}

TEST_F(ContentStoreTest, ViewIsSharedAndReadOnlyCopyOutIsWritable) {
  ContentStore store(dir_ / "content");
  Write(dir_ / "src" / "sub" / "m.bin", "model");
  auto files = store.Put(dir_ / "src");
  ASSERT_TRUE(files.ok());
  ArtifactVersion v;
  v.files = *files;
  v.digest = ArtifactDigest(v.files);
  auto view = store.View(v);
  ASSERT_TRUE(view.ok()) << view.error().message;
  EXPECT_EQ(Read(*view / "sub" / "m.bin"), "model");
  EXPECT_EQ(fs::status(*view / "sub" / "m.bin").permissions() & fs::perms::owner_write, fs::perms::none);
  EXPECT_EQ(*store.View(v), *view);

  ASSERT_TRUE(store.CopyOut(v, dir_ / "out").ok());
  EXPECT_EQ(Read(dir_ / "out" / "sub" / "m.bin"), "model");
  EXPECT_NE(fs::status(dir_ / "out" / "sub" / "m.bin").permissions() & fs::perms::owner_write, fs::perms::none);

  ArtifactVersion hostile = v;
  hostile.files[0].path = "../escape";
  EXPECT_EQ(store.CopyOut(hostile, dir_ / "out").error().code, ErrorCode::kInvalidInput);
}

TEST_F(ContentStoreTest, GcRemovesOnlyUnreferencedContentAndReportsBytes) {
  ContentStore store(dir_ / "content");
  Write(dir_ / "src" / "keep", "keep");
  Write(dir_ / "src" / "sub" / "drop", "drop me");
  auto files = store.Put(dir_ / "src");
  ASSERT_TRUE(files.ok());
  ArtifactVersion v;
  v.files = *files;
  v.digest = ArtifactDigest(v.files);
  ASSERT_TRUE(store.View(v).ok());
  // Within the grace period nothing unreferenced goes: it may be a version being logged.
  auto young = store.RemoveUnreferenced({Sha256Hex("keep")}, {v.digest}, std::chrono::hours(1));
  ASSERT_TRUE(young.ok());
  EXPECT_EQ(young->files_removed, 0);
  EXPECT_EQ(young->recent_kept, 1);
  auto report = store.RemoveUnreferenced({Sha256Hex("keep")}, {}, std::chrono::seconds(0));
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->files_removed, 1);
  EXPECT_EQ(report->bytes_freed, 7);
  EXPECT_EQ(report->views_removed, 1);
  EXPECT_TRUE(fs::exists(store.PathOf(Sha256Hex("keep"))));
  EXPECT_FALSE(fs::exists(store.PathOf(Sha256Hex("drop me"))));
  EXPECT_EQ(store.RemoveUnreferenced({Sha256Hex("keep")}, {}, std::chrono::seconds(0))->files_removed, 0);
}

}  // namespace
}  // namespace sweep
