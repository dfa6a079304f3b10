#include "dashboard/server/run_files.h"

#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/sha256.h"
#include "tests/test_support.h"

namespace sweep::dashboard {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using sweep::testing::TempDir;

// A run folder with a file, a nested file, a link that stays inside, and
// links that lead out (to a file and to a folder) next to a secret.
class RunFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    secret_ = dir_.Write("secret.txt", "the secret");
    fs::create_directories(run_ / "sub");
    dir_.Write("run/model.txt", "weights");
    dir_.Write("run/sub/diff.patch", "+print('x')\n");
    fs::create_symlink("model.txt", run_ / "alias.txt");
    fs::create_symlink(secret_, run_ / "escape.txt");
    fs::create_symlink(dir_.path(), run_ / "up");
  }

  TempDir dir_;
  fs::path run_ = dir_ / "run";
  fs::path secret_;
};

TEST_F(RunFilesTest, ListsTheFolderWithSizesAndHashesButNothingOutside) {
  const json doc = json::parse(RunFilesJson(run_).value());
  std::vector<std::string> paths;
  for (const auto& f : doc["files"]) paths.push_back(f["path"]);
  EXPECT_EQ(paths, (std::vector<std::string>{"alias.txt", "model.txt", "sub/diff.patch"}));
  EXPECT_EQ(doc["files"][1]["size"], 7);
  EXPECT_EQ(doc["files"][1]["sha256"], Sha256Hex("weights"));
  EXPECT_EQ(doc["truncated"], false);
  EXPECT_EQ(json::parse(RunFilesJson(dir_ / "missing").value())["files"].size(), 0u);
}

TEST_F(RunFilesTest, RefusesEveryPathThatLeavesTheFolder) {
  EXPECT_EQ(ResolveRunFile(run_, "sub/diff.patch").value(), fs::canonical(run_ / "sub/diff.patch"));
  EXPECT_EQ(ResolveRunFile(run_, "alias.txt").value(), fs::canonical(run_ / "model.txt"));
  for (const std::string& bad : std::vector<std::string>{"../secret.txt", "sub/../model.txt", "..", "", secret_.string(), "/etc/passwd",
                                "escape.txt", "up/secret.txt"}) {
    auto r = ResolveRunFile(run_, bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput) << bad << ": " << r.error().message;
  }
  EXPECT_EQ(ResolveRunFile(run_, "nope.txt").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ResolveRunFile(run_, "sub").error().code, ErrorCode::kNotFound);  // a folder is no file
}

}  // namespace
}  // namespace sweep::dashboard
