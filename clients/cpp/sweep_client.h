// sweep_client.h: report metrics, summaries and artifacts of a C++ trial to Sweep.
//
// Header-only, C++17, POSIX, no dependencies; the same calls as the Python
// sweep_client. Inside a sweep (SWEEP_METRICS_FD set) it writes the JSON-lines
// protocol of clients/PROTOCOL.md to that pipe. Outside a sweep each Log()
// prints one `step=N key=value ...` line on stdout, the form the agent's
// stdout parser reads, so the same binary also works without the pipe;
// summaries and artifact notes then go to stderr (so they are not taken for
// metrics). Unlike the Python client it takes no config defaults and sends
// no config message: defaults live in the Get*(key, fallback) calls.
//
//   auto run = sweep_client::Run::Init();
//   double lr = run.config().GetDouble("lr", 1e-3);
//   run.Log({{"loss", 0.5}});
//   run.Summary("best_loss", 0.5);
//   run.LogArtifact("model.bin");
//   run.Finish();
#pragma once

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <system_error>

#include "sweep_client_config.h"
#include "sweep_client_detail.h"
#include "sweep_client_process.h"

namespace sweep_client {

// Environment the agent gives every trial (clients/PROTOCOL.md).
inline constexpr const char* kEnvMetricsFd = "SWEEP_METRICS_FD";
inline constexpr const char* kEnvSweepId = "SWEEP_ID";
inline constexpr const char* kEnvRunId = "SWEEP_RUN_ID";
inline constexpr const char* kEnvParamsFile = "SWEEP_PARAMS_FILE";
inline constexpr const char* kEnvRunDir = "SWEEP_RUN_DIR";
inline constexpr const char* kArtifactsDirName = "artifacts";

struct ArtifactInfo {
  std::string name;
  std::string path;  // absolute; inside SWEEP_RUN_DIR/artifacts/ in a sweep
  std::string sha256;
  unsigned long long size = 0;
};

class Run {
 public:
  // Reads the environment and the parameters file. Never fails: problems are
  // reported on stderr and the run falls back to stdout output / an empty config.
  static Run Init() {
    Run run;
    if (const char* path = std::getenv(kEnvParamsFile); path && *path) {
      std::string error;
      if (auto config = detail::ReadConfigFile(path, &error)) {
        run.config_ = std::move(*config);
      } else {
        run.Warn(error + "; using the defaults");
      }
    }
    if (const char* fd = std::getenv(kEnvMetricsFd); fd && *fd) {
      char* end = nullptr;
      long number = std::strtol(fd, &end, 10);
      if (*end == '\0' && number >= 0) {
        run.fd_ = static_cast<int>(number);
        // A vanished reader must not kill the trial with SIGPIPE: writes then
        // fail with EPIPE, which we report once. (Python trials do the same.)
        std::signal(SIGPIPE, SIG_IGN);
      } else {
        run.Warn(std::string(kEnvMetricsFd) + " is not a descriptor number; printing metrics instead");
      }
      if (const char* dir = std::getenv(kEnvRunDir)) run.run_dir_ = dir;
    }
    if (const char* id = std::getenv(kEnvRunId)) run.id_ = id;
    if (const char* sweep = std::getenv(kEnvSweepId)) run.sweep_id_ = sweep;
    return run;
  }

  Run(Run&& other) noexcept { *this = std::move(other); }
  Run& operator=(Run&& other) noexcept {
    if (this == &other) return *this;
    Finish(0);  // a run being replaced ends first
    config_ = std::move(other.config_);
    fd_ = other.fd_;
    run_dir_ = std::move(other.run_dir_);
    id_ = std::move(other.id_);
    sweep_id_ = std::move(other.sweep_id_);
    next_step_ = other.next_step_;
    finished_ = other.finished_;
    broken_ = other.broken_;
    other.finished_ = true;  // the moved-from run must not send a second finish
    return *this;
  }
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;
  ~Run() { Finish(0); }

  const Config& config() const { return config_; }
  const std::string& id() const { return id_; }
  const std::string& sweep_id() const { return sweep_id_; }
  bool in_sweep() const { return fd_ >= 0; }
  // The step the next Log() without an explicit step will use.
  long long step() const { return next_step_; }

  // Records numeric metrics at `step` (default: one past the previous step, from 0).
  void Log(const std::map<std::string, double>& metrics, std::optional<long long> step = std::nullopt) {
    long long at = step.value_or(next_step_);
    next_step_ = at + 1;
    if (!in_sweep()) {
      std::string line = "step=" + std::to_string(at);
      for (const auto& [key, value] : metrics) line += " " + key + "=" + detail::JsonNumber(value);
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
      return;
    }
    char time_text[32];
    std::snprintf(time_text, sizeof time_text, "%.6f", detail::UnixSeconds());
    Send("{\"t\":\"log\",\"step\":" + std::to_string(at) + ",\"time\":" + time_text +
         ",\"data\":" + detail::JsonObject(metrics) + "}");
  }

  void Summary(const std::string& key, double value) { SendSummary(key, detail::JsonNumber(value)); }
  void Summary(const std::string& key, const std::string& value) { SendSummary(key, detail::JsonString(value)); }

  // A run file, not a versioned artifact (see LogArtifactVersion): copies
  // `path` to SWEEP_RUN_DIR/artifacts/<name> (name defaults to the file
  // name) and reports its SHA-256 and size. Outside a sweep the file stays
  // where it is. Returns nullopt (with a warning) if the file cannot be copied.
  std::optional<ArtifactInfo> LogArtifact(const std::string& path, std::string name = "") {
    namespace fs = std::filesystem;
    std::error_code error;
    fs::path source = fs::absolute(path, error);
    if (error || !fs::is_regular_file(source, error)) {
      Warn("LogArtifact: no such file: " + path);
      return std::nullopt;
    }
    if (name.empty()) name = source.filename().string();
    fs::path destination = source;
    if (in_sweep() && !run_dir_.empty()) {
      destination = fs::absolute(fs::path(run_dir_) / kArtifactsDirName / SafeRelative(name), error);
      fs::create_directories(destination.parent_path(), error);
      if (!error && destination != source) fs::copy_file(source, destination, fs::copy_options::overwrite_existing, error);
      if (error) {
        Warn("LogArtifact: cannot copy " + path + " to " + destination.string() + ": " + error.message());
        return std::nullopt;
      }
    }
    ArtifactInfo info{name, destination.string(), detail::Sha256OfFile(destination), fs::file_size(destination, error)};
    if (!in_sweep()) {
      std::fprintf(stderr, "sweep_client: artifact %s (%s, sha256 %s)\n", info.name.c_str(), info.path.c_str(),
                   info.sha256.c_str());
      return info;
    }
    Send("{\"t\":\"artifact\",\"name\":" + detail::JsonString(info.name) + ",\"path\":" +
         detail::JsonString(info.path) + ",\"sha256\":\"" + info.sha256 + "\",\"size\":" + std::to_string(info.size) +
         "}");
    return info;
  }

  // Stores `path` (a file or folder) as the next version of artifact `name`
  // of this run's project, content-addressed in the store's folder (files
  // identical to the latest version make no new version), by running
  // `sweep artifact log` ($SWEEP_BIN, which the agent sets with $SWEEP_STORE)
  // and waiting for it. Returns the version, "name:vN"; nullopt, with the
  // binary's reason on stderr, when it cannot.
  std::optional<std::string> LogArtifactVersion(const std::string& path, const std::string& name,
                                                const std::string& type = "artifact",
                                                const std::string& metadata_json = "{}") {
    if (id_.empty()) {
      Warn("LogArtifactVersion needs a run id (SWEEP_RUN_ID): run inside a sweep");
      return std::nullopt;
    }
    auto out = detail::RunCapture({detail::SweepBinary(), "artifact", "log", path, "--run", id_, "--name", name,
                                   "--type", type, "--metadata", metadata_json, "--json"});
    if (!out) {
      Warn("LogArtifactVersion: `sweep artifact log " + path + "` failed");
      return std::nullopt;
    }
    return detail::JsonStringField(*out, "ref");
  }

  // A local read-only folder holding the artifact version `ref` names
  // ("dataset:latest", "dataset:v3", "dataset:ALIAS"), this run recorded as
  // its consumer (`sweep artifact use`). nullopt, with the reason on stderr,
  // when there is none.
  std::optional<std::string> UseArtifact(const std::string& ref) {
    std::vector<std::string> argv = {detail::SweepBinary(), "artifact", "use", ref, "--json"};
    if (!id_.empty()) argv.insert(argv.end(), {"--run", id_});
    auto out = detail::RunCapture(argv);
    if (!out) {
      Warn("UseArtifact: `sweep artifact use " + ref + "` failed");
      return std::nullopt;
    }
    return detail::JsonStringField(*out, "path");
  }

  // Sends the finish message once; the destructor calls it with 0.
  void Finish(int exit_code = 0) {
    if (finished_) return;
    if (in_sweep()) Send("{\"t\":\"finish\",\"exit_code\":" + std::to_string(exit_code) + "}");
    finished_ = true;
  }

 private:
  Run() = default;

  void Warn(const std::string& message) { std::fprintf(stderr, "sweep_client: %s\n", message.c_str()); }

  void SendSummary(const std::string& key, const std::string& json_value) {
    if (!in_sweep()) {
      std::fprintf(stderr, "sweep_client: summary %s=%s\n", key.c_str(), json_value.c_str());
      return;
    }
    Send("{\"t\":\"summary\",\"data\":{" + detail::JsonString(key) + ":" + json_value + "}}");
  }

  // One write() per message: lines under PIPE_BUF bytes are never interleaved.
  void Send(std::string line) {
    if (broken_ || finished_) return;
    line += '\n';
    size_t written = 0;
    while (written < line.size()) {
      ssize_t n = ::write(fd_, line.data() + written, line.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        broken_ = true;
        Warn("the sweep metrics pipe is gone; metrics are no longer recorded");
        return;
      }
      written += static_cast<size_t>(n);
    }
  }

  // `name` as a path that cannot leave the artifacts folder ("a/../../x" -> "a/x").
  static std::filesystem::path SafeRelative(const std::string& name) {
    std::filesystem::path out;
    for (const auto& part : std::filesystem::path(name)) {
      if (part == ".." || part == "." || part == "/" || part.empty()) continue;
      out /= part;
    }
    return out.empty() ? std::filesystem::path("artifact") : out;
  }

  Config config_;
  int fd_ = -1;
  std::string run_dir_;
  std::string id_;
  std::string sweep_id_;
  long long next_step_ = 0;
  bool finished_ = false;
  bool broken_ = false;
};

}  // namespace sweep_client
