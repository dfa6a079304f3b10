// Tests of sweep_client.h: SHA-256 vectors, the parameters reader, number
// formatting, the exact protocol lines on a real pipe, and the stdout form
// outside a sweep. Plain main(); exits non-zero on the first failure.
#include "sweep_client.h"

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

int failures = 0;

// Unlike assert(), active under NDEBUG too, and keeps going to report every failure.
#define CHECK(condition)                                                          \
  do {                                                                            \
    if (!(condition)) {                                                           \
      std::cerr << __FILE__ << ":" << __LINE__ << ": CHECK failed: " #condition "\n"; \
      ++failures;                                                                 \
    }                                                                             \
  } while (0)
#define CHECK_EQ(a, b)                                                                                \
  do {                                                                                                \
    auto va = (a);                                                                                    \
    auto vb = (b);                                                                                    \
    if (!(va == vb)) {                                                                                \
      std::cerr << __FILE__ << ":" << __LINE__ << ": " #a " == " #b " failed: [" << va << "] vs [" << vb \
                << "]\n";                                                                             \
      ++failures;                                                                                     \
    }                                                                                                 \
  } while (0)

std::string Sha(const std::string& text) {
  sweep_client::detail::Sha256 hash;
  hash.Update(reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return hash.HexDigest();
}

void TestSha256() {
  CHECK_EQ(Sha(""), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  CHECK_EQ(Sha("abc"), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  // 56 bytes: the padding spills into a second block.
  CHECK_EQ(Sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
           std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
  CHECK_EQ(Sha(std::string(1000000, 'a')),
           std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

void TestJsonNumbers() {
  using sweep_client::detail::JsonNumber;
  CHECK_EQ(JsonNumber(0.1), std::string("0.1"));
  CHECK_EQ(JsonNumber(3), std::string("3"));
  CHECK_EQ(JsonNumber(std::nan("")), std::string("NaN"));
  CHECK_EQ(JsonNumber(INFINITY), std::string("Infinity"));
  CHECK_EQ(JsonNumber(-INFINITY), std::string("-Infinity"));
  CHECK_EQ(std::strtod(JsonNumber(1.0 / 3).c_str(), nullptr), 1.0 / 3);  // round-trips exactly
  CHECK_EQ(sweep_client::detail::JsonString("a\"b\\c\n\x01"), std::string("\"a\\\"b\\\\c\\n\\u0001\""));
}

void TestConfigReader() {
  using sweep_client::detail::JsonReader;
  auto values = JsonReader(R"({"lr": 0.01, "epochs": 5, "opt": "adam\u00e9", "use_bn": true, "off": false,
      "none": null, "sizes": [1, [2], {"x": 3}], "model": {"depth": 4, "act": {"name": "relu"}}})")
                    .ReadObject();
  CHECK(values.has_value());
  sweep_client::Config config(*values);
  CHECK_EQ(config.GetDouble("lr", 0), 0.01);
  CHECK_EQ(config.GetInt("epochs", 0), 5LL);
  CHECK_EQ(config.GetString("opt", ""), std::string("adam\xc3\xa9"));
  CHECK_EQ(config.GetBool("use_bn", false), true);
  CHECK_EQ(config.GetBool("off", true), false);
  CHECK_EQ(config.GetInt("model.depth", 0), 4LL);
  CHECK_EQ(config.GetString("model.act.name", ""), std::string("relu"));
  CHECK(!config.Has("none"));
  CHECK(!config.Has("sizes"));
  CHECK(!config.Has("x"));
  CHECK_EQ(config.GetDouble("missing", 7.5), 7.5);
  CHECK_EQ(config.GetDouble("opt", 2.0), 2.0);  // a string is not a number
  CHECK(!JsonReader("{\"a\": 1").ReadObject().has_value());
  CHECK(!JsonReader("[1, 2]").ReadObject().has_value());
  CHECK(!JsonReader("{\"a\": 1} trailing").ReadObject().has_value());
}

std::vector<std::string> ReadLines(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  CHECK(text.empty() || text.back() == '\n');
  return lines;
}

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void TestProtocolOnPipe(const std::filesystem::path& scratch) {
  namespace fs = std::filesystem;
  fs::path run_dir = scratch / "run";
  fs::create_directories(run_dir);
  fs::path params = scratch / "params.json";
  std::ofstream(params) << R"({"lr": 0.003, "model": {"depth": 2}})";
  fs::path model = scratch / "model.bin";
  std::ofstream(model, std::ios::binary) << "abc";
  int pipe_fds[2];
  CHECK(::pipe(pipe_fds) == 0);
  ::setenv("SWEEP_METRICS_FD", std::to_string(pipe_fds[1]).c_str(), 1);
  ::setenv("SWEEP_PARAMS_FILE", params.c_str(), 1);
  ::setenv("SWEEP_RUN_DIR", run_dir.c_str(), 1);
  ::setenv("SWEEP_RUN_ID", "run-7", 1);
  {
    auto run = sweep_client::Run::Init();
    CHECK(run.in_sweep());
    CHECK_EQ(run.id(), std::string("run-7"));
    CHECK_EQ(run.config().GetDouble("lr", 0), 0.003);
    CHECK_EQ(run.config().GetInt("model.depth", 0), 2LL);
    run.Log({{"loss", 0.5}, {"acc", 1}});
    run.Log({{"loss", std::nan("")}}, 10);
    run.Log({{"loss", 0.25}});
    run.Summary("best", 0.25);
    run.Summary("note", std::string("ok"));
    auto info = run.LogArtifact(model.string(), "ckpt/../m.bin");
    CHECK(info.has_value());
    CHECK(!run.LogArtifact((scratch / "missing").string()).has_value());
    run.Finish(3);
    run.Log({{"late", 1}});  // after Finish: dropped
  }  // the destructor must not send a second finish
  ::close(pipe_fds[1]);
  auto lines = ReadLines(pipe_fds[0]);
  ::close(pipe_fds[0]);
  fs::path copied = run_dir / "artifacts" / "ckpt" / "m.bin";
  CHECK_EQ(lines.size(), size_t{7});
  if (lines.size() != 7) return;
  CHECK(StartsWith(lines[0], R"({"t":"log","step":0,"time":)"));
  CHECK(EndsWith(lines[0], R"(,"data":{"acc":1,"loss":0.5}})"));
  CHECK(StartsWith(lines[1], R"({"t":"log","step":10,"time":)"));
  CHECK(EndsWith(lines[1], R"(,"data":{"loss":NaN}})"));
  CHECK(StartsWith(lines[2], R"({"t":"log","step":11,)"));
  CHECK_EQ(lines[3], std::string(R"({"t":"summary","data":{"best":0.25}})"));
  CHECK_EQ(lines[4], std::string(R"({"t":"summary","data":{"note":"ok"}})"));
  CHECK_EQ(lines[5], std::string(R"({"t":"artifact","name":"ckpt/../m.bin","path":")") + copied.string() +
                         R"(","sha256":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad","size":3})");
  CHECK_EQ(lines[6], std::string(R"({"t":"finish","exit_code":3})"));
  CHECK(fs::is_regular_file(copied));
}

void TestStdoutOutsideSweep(const std::filesystem::path& scratch) {
  ::unsetenv("SWEEP_METRICS_FD");
  ::unsetenv("SWEEP_PARAMS_FILE");
  std::filesystem::path captured = scratch / "stdout.txt";
  std::fflush(stdout);
  int saved = ::dup(STDOUT_FILENO);
  int file = ::open(captured.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ::dup2(file, STDOUT_FILENO);
  {
    auto run = sweep_client::Run::Init();
    CHECK(!run.in_sweep());
    run.Log({{"loss", 0.5}, {"epoch", 1}});
    run.Log({{"loss", 0.25}}, 5);
  }
  std::fflush(stdout);
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  ::close(file);
  std::ifstream in(captured);
  std::stringstream text;
  text << in.rdbuf();
  CHECK_EQ(text.str(), std::string("step=0 epoch=1 loss=0.5\nstep=5 loss=0.25\n"));
}

// The versioned-artifact calls run `sweep artifact log/use` ($SWEEP_BIN): a
// stand-in binary records its argv and answers as the real one does.
void TestArtifactCommands(const std::filesystem::path& scratch) {
  const auto fake = scratch / "fake-sweep";
  {
    std::ofstream script(fake);
    script << "#!/bin/sh\necho \"$@\" >> '" << (scratch / "argv.txt").string() << "'\n"
           << "case \"$2\" in\n"
           << "  log) echo '{\"id\":1,\"ref\":\"model:v2\",\"created\":true}' ;;\n"
           << "  use) echo '{\"ref\":\"data:v0\",\"path\":\"/store/views/abc\"}' ;;\n"
           << "  *) exit 2 ;;\n"
           << "esac\n";
  }
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  ::setenv("SWEEP_BIN", fake.c_str(), 1);
  ::setenv("SWEEP_RUN_ID", "run42", 1);
  {
    auto run = sweep_client::Run::Init();
    CHECK_EQ(run.LogArtifactVersion("ckpt", "model", "model", R"({"lr":0.1})").value_or("none"),
             std::string("model:v2"));
    CHECK_EQ(run.UseArtifact("data:latest").value_or("none"), std::string("/store/views/abc"));
  }
  std::ifstream in(scratch / "argv.txt");
  std::string log_line, use_line;
  std::getline(in, log_line);
  std::getline(in, use_line);
  CHECK_EQ(log_line, std::string(R"(artifact log ckpt --run run42 --name model --type model --metadata {"lr":0.1} --json)"));
  CHECK_EQ(use_line, std::string("artifact use data:latest --json --run run42"));
  ::setenv("SWEEP_BIN", (scratch / "missing").c_str(), 1);
  auto run = sweep_client::Run::Init();
  CHECK(!run.UseArtifact("data:latest").has_value());
  ::unsetenv("SWEEP_BIN");
  ::unsetenv("SWEEP_RUN_ID");
}

}  // namespace

int main() {
  std::filesystem::path scratch = std::filesystem::temp_directory_path() / ("sweep_client_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(scratch);
  TestSha256();
  TestJsonNumbers();
  TestConfigReader();
  TestProtocolOnPipe(scratch);
  TestStdoutOutsideSweep(scratch);
  TestArtifactCommands(scratch);
  std::filesystem::remove_all(scratch);
  if (failures) {
    std::cerr << failures << " check(s) failed\n";
    return 1;
  }
  std::cout << "sweep_client_test: all checks passed\n";
  return 0;
}
