#include "agents/host/environment_capture.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "agents/host/command_output.h"
#include "core/sha256.h"
#include "core/shell_quote.h"

namespace sweep {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sweep-host-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void Git(const std::filesystem::path& dir, std::vector<std::string> args) {
  std::vector<std::string> argv = {"git", "-C", dir.string(), "-c", "user.name=t",
                                   "-c", "user.email=t@example.com"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto out = RunCommand(argv);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->exit_code, 0) << out->stderr_text;
}

void Write(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file) << text;
}

EnvironmentRequest Request(const std::filesystem::path& dir) {
  EnvironmentRequest r;
  r.working_dir = dir;
  r.argv = {"python3", "train.py", "--lr=0.1", "--name=a b"};
  r.spec_text = "method: grid\n";
  r.seed = 42;
  r.gpus = {{0, "GPU-0", "NVIDIA A100", 0, "550.54.15", "12.4"},
            {1, "GPU-1", "NVIDIA A100", 0, "550.54.15", "12.4"}};
  return r;
}

TEST(EnvironmentCaptureTest, CleanThenDirtyRepository) {
  TempDir repo;
  Git(repo.path(), {"init", "-q", "-b", "main"});
  Write(repo.path() / "train.py", "print('hi')\n");
  Git(repo.path(), {"add", "train.py"});
  Git(repo.path(), {"commit", "-q", "-m", "first"});

  auto clean = CaptureEnvironment(Request(repo.path()));
  EXPECT_EQ(clean.tags["env.git.commit"].size(), 40u);
  EXPECT_EQ(clean.tags["env.git.branch"], "main");
  EXPECT_EQ(clean.tags["env.git.dirty"], "false");
  EXPECT_FALSE(clean.tags.count("env.git.diff_sha256"));
  EXPECT_TRUE(clean.git_diff.empty());

  Write(repo.path() / "train.py", "print('changed')\n");
  EnvironmentCapture capture;
  auto dirty = capture.Capture(Request(repo.path()));
  EXPECT_EQ(dirty.tags["env.git.commit"], clean.tags["env.git.commit"]);
  EXPECT_EQ(dirty.tags["env.git.dirty"], "true");
  EXPECT_NE(dirty.git_diff.find("+print('changed')"), std::string::npos);
  EXPECT_EQ(dirty.tags["env.git.diff_sha256"], Sha256Hex(dirty.git_diff));

  // Git facts are cached per working directory for the sweep's lifetime.
  Write(repo.path() / "train.py", "print('hi')\n");
  EXPECT_EQ(capture.Capture(Request(repo.path())).tags["env.git.dirty"], "true");
}

TEST(EnvironmentCaptureTest, OutsideARepositoryAndPerRunTags) {
  TempDir dir;
  auto env = CaptureEnvironment(Request(dir.path()));
  EXPECT_FALSE(env.tags.count("env.git.commit"));
  EXPECT_FALSE(env.tags.count("env.git.dirty"));
  EXPECT_TRUE(env.git_diff.empty());

  EXPECT_EQ(env.tags["env.cwd"], dir.path().string());
  EXPECT_EQ(env.tags["env.command"], "python3 train.py --lr=0.1 '--name=a b'");
  EXPECT_EQ(env.tags["sweep.spec_sha256"], Sha256Hex("method: grid\n"));
  EXPECT_EQ(env.tags["sweep.seed"], "42");
  EXPECT_EQ(env.tags["env.gpu.names"], "NVIDIA A100,NVIDIA A100");
  EXPECT_EQ(env.tags["env.gpu.driver"], "550.54.15");
  EXPECT_EQ(env.tags["env.gpu.cuda"], "12.4");
  EXPECT_FALSE(env.tags["env.host"].empty());
  EXPECT_FALSE(env.tags["env.kernel"].empty());
  EXPECT_GT(std::stoi(env.tags["env.cpu.count"]), 0);
  EXPECT_EQ(env.tags["env.interpreter"], "python3");
  if (RunCommand({"python3", "--version"}).ok()) {
    EXPECT_TRUE(env.tags["env.interpreter.version"].starts_with("Python 3"));
    EXPECT_TRUE(env.tags["env.python"].starts_with("3."));
  }
}

TEST(EnvironmentCaptureTest, NoSeedNoGpusNoInterpreter) {
  TempDir dir;
  EnvironmentRequest r;
  r.working_dir = dir.path();
  r.argv = {"./train"};
  auto env = CaptureEnvironment(r);
  EXPECT_FALSE(env.tags.count("sweep.seed"));
  EXPECT_FALSE(env.tags.count("env.gpu.names"));
  EXPECT_FALSE(env.tags.count("env.interpreter"));
  EXPECT_EQ(env.tags["sweep.spec_sha256"], Sha256Hex(""));
}

TEST(EnvironmentCaptureTest, ShellQuoting) {
  EXPECT_EQ(ShellQuoteCommand({"a", "", "it's", "x y", "$HOME"}),
            "a '' 'it'\\''s' 'x y' '$HOME'");
}

TEST(EnvironmentCaptureTest, DetectsInterpreter) {
  EXPECT_EQ(DetectInterpreter({"/usr/bin/python3.11", "t.py"}), "/usr/bin/python3.11");
  EXPECT_EQ(DetectInterpreter({"/usr/bin/env", "python3", "t.py"}), "python3");
  EXPECT_EQ(DetectInterpreter({"./train", "python3"}), "");
  EXPECT_EQ(DetectInterpreter({}), "");
}

TEST(HostInfoTest, Parsers) {
  EXPECT_EQ(ParseOsReleasePrettyName("NAME=\"Debian\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"),
            "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(ParseOsReleasePrettyName("NAME=x\n"), "");
  EXPECT_EQ(ParseCpuModel("processor\t: 0\nvendor_id\t: GenuineIntel\nmodel\t\t: 85\n"
                          "model name\t: Intel(R) Xeon(R) Gold 6248\n"),
            "Intel(R) Xeon(R) Gold 6248");
  EXPECT_EQ(ParseCpuModel("processor : 0\nModel : Raspberry Pi 4\n"), "Raspberry Pi 4");
}

// A site folder with distributions as pip leaves them: fakepkg at `version`,
// and a torch whose version.py names its CUDA (never imported).
void WriteSite(const std::filesystem::path& site, const std::string& version) {
  std::filesystem::create_directories(site / ("fake_pkg-" + version + ".dist-info"));
  Write(site / ("fake_pkg-" + version + ".dist-info") / "METADATA",
        "Metadata-Version: 2.1\nName: Fake_Pkg\nVersion: " + version + "\n");
  std::filesystem::create_directories(site / "torch-2.1.0.dist-info");
  Write(site / "torch-2.1.0.dist-info" / "METADATA", "Metadata-Version: 2.1\nName: torch\nVersion: 2.1.0\n");
  std::filesystem::create_directories(site / "torch");
  Write(site / "torch" / "__init__.py", "raise ImportError('importing torch is too slow for this')\n");
  Write(site / "torch" / "version.py", "from typing import Optional\ncuda: Optional[str] = '12.1'\n");
}

TEST(PythonPackagesTest, ReadsARealInterpretersPackagesOnce) {
  TempDir site;
  WriteSite(site.path(), "1.0");
  const char* old = std::getenv("PYTHONPATH");
  const std::string saved = old ? old : "";
  ::setenv("PYTHONPATH", site.path().c_str(), 1);
  EnvironmentCapture capture;
  EnvironmentRequest request;
  request.working_dir = site.path();
  request.argv = {"python3", "train.py"};
  auto env = capture.Capture(request);
  EXPECT_NE(env.requirements.find("Fake_Pkg==1.0\n"), std::string::npos) << env.requirements;
  EXPECT_EQ(env.tags["env.torch"], "2.1.0");
  EXPECT_EQ(env.tags["env.torch.cuda"], "12.1");
  EXPECT_EQ(env.tags["env.python.packages_sha256"], Sha256Hex(env.requirements));
  // Once per interpreter: a changed site is not re-read by the same capture.
  std::filesystem::remove_all(site.path() / "fake_pkg-1.0.dist-info");
  EXPECT_EQ(capture.Capture(request).requirements, env.requirements);
  if (old) ::setenv("PYTHONPATH", saved.c_str(), 1);
  else ::unsetenv("PYTHONPATH");
}

TEST(PythonPackagesTest, ParsesRequirementsWithNormalizedNames) {
  const auto parsed = ParseRequirements("Fake_Pkg==1.0\nscikit-learn==1.3.2\r\nnot a requirement\n-e git+x\n");
  EXPECT_EQ(parsed, (std::map<std::string, std::string>{{"fake-pkg", "1.0"}, {"scikit-learn", "1.3.2"}}));
  const auto tags = PythonPackageTags(PythonPackages{"Scikit_Learn==1.3.2\nnumpy==1.26.0\n", ""});
  EXPECT_EQ(tags.at("env.sklearn"), "1.3.2");
  EXPECT_EQ(tags.at("env.python.packages"), "2");
  EXPECT_FALSE(tags.count("env.torch"));
  EXPECT_TRUE(PythonPackageTags(PythonPackages{}).empty());
}

}  // namespace
}  // namespace sweep
