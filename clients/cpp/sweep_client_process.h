// sweep_client_process.h: running the `sweep` binary from a trial and reading
// what it prints (sweep_client.h's versioned artifacts). POSIX only; no
// dependencies beyond the standard library.
#pragma once

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace sweep_client {
namespace detail {

// Bound on what a command may print back: a version's JSON or a path.
inline constexpr std::size_t kMaxCommandOutputBytes = 1 << 20;

// The `sweep` executable: $SWEEP_BIN (set by the agent for every trial), else
// "sweep" looked up on PATH by execvp.
inline std::string SweepBinary() {
  const char* explicit_bin = std::getenv("SWEEP_BIN");
  return explicit_bin && *explicit_bin ? explicit_bin : "sweep";
}

// Runs `argv` (argv[0] looked up on PATH), waits for it, and returns its
// stdout when it exits with 0; nullopt otherwise (its stderr is left on ours,
// so the reason is seen). Output beyond kMaxCommandOutputBytes is dropped.
inline std::optional<std::string> RunCapture(const std::vector<std::string>& argv) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return std::nullopt;
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return std::nullopt;
  }
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  std::string out;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (out.size() < kMaxCommandOutputBytes) out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return out;
}

// The string value of top-level `key` in JSON our binary printed, whose
// values for these keys (refs, paths) hold no escaped quotes; "" if absent.
inline std::string JsonStringField(const std::string& json, const std::string& key) {
  const std::string marker = "\"" + key + "\":\"";
  const auto start = json.find(marker);
  if (start == std::string::npos) return "";
  const auto from = start + marker.size();
  const auto end = json.find('"', from);
  return end == std::string::npos ? "" : json.substr(from, end - from);
}

}  // namespace detail
}  // namespace sweep_client
