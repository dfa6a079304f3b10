#include "agents/host/command_output.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace sweep {
namespace {

// Bytes read per read() call from a pipe: one pipe buffer on Linux.
constexpr std::size_t kReadChunk = 64 * 1024;

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  int get() const { return fd_; }
  void Reset(int fd) { Close(); fd_ = fd; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Reaps `pid`, retrying on EINTR. Returns the wait status.
int Reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

Result<CommandOutput> RunCommand(const std::vector<std::string>& argv,
                                 std::chrono::milliseconds timeout) {
  if (argv.empty()) return Error::InvalidInput("RunCommand: empty argv");

  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return Error::Io(Errno("pipe2"));
  Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return Error::Io(Errno("pipe2"));
  Fd err_read(err_pipe[0]), err_write(err_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), STDERR_FILENO);

  // Own process group, so a timeout also kills whatever the helper started.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    if (rc == ENOENT || rc == EACCES || rc == ENOTDIR) {
      return Error::NotFound("cannot run " + argv[0] + ": " + std::strerror(rc));
    }
    return Error::Io("cannot run " + argv[0] + ": " + std::strerror(rc));
  }
  out_write.Close();
  err_write.Close();

  CommandOutput output;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::array<char, kReadChunk> buffer;
  bool out_open = true, err_open = true, timed_out = false;
  while (out_open || err_open) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[2] = {{out_read.get(), POLLIN, 0}, {err_read.get(), POLLIN, 0}};
    if (!out_open) fds[0].fd = -1;  // poll ignores negative descriptors
    if (!err_open) fds[1].fd = -1;
    const int ready = ::poll(fds, 2, static_cast<int>(left.count()));
    if (ready < 0) {
      if (errno == EINTR) continue;
      ::kill(-pid, SIGKILL);
      Reap(pid);
      return Error::Io(Errno("poll"));
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        (i == 0 ? out_open : err_open) = false;
        continue;
      }
      std::string& sink = i == 0 ? output.stdout_text : output.stderr_text;
      const std::size_t room = kMaxCapturedBytes - std::min(kMaxCapturedBytes, sink.size());
      const std::size_t take = std::min(room, static_cast<std::size_t>(n));
      sink.append(buffer.data(), take);
      if (take < static_cast<std::size_t>(n)) output.truncated = true;  // keep draining
    }
  }
  if (timed_out) {
    ::kill(-pid, SIGKILL);
    Reap(pid);
    return Error::Io(argv[0] + " did not finish within " + std::to_string(timeout.count()) +
                     " ms");
  }
  const int status = Reap(pid);
  if (WIFSIGNALED(status)) {
    return Error::Io(argv[0] + " was killed by signal " + std::to_string(WTERMSIG(status)));
  }
  output.exit_code = WEXITSTATUS(status);
  return output;
}

}  // namespace sweep
