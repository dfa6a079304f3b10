#include "agents/containment_watchdog.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <time.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "agents/cgroup_tree.h"

namespace sweep {
namespace {

// Trials tracked at once; a controller runs at most a few hundred.
constexpr int kMaxTracked = 4096;
constexpr std::size_t kReadBytes = 4096;
// Upper bound of descriptors closed when close_range(2) is unavailable.
constexpr int kMaxFdScan = 65536;
// "+123\n" / "-123\n": an operation and a process group id; "c7\n": the
// runner made cgroup folder trial-7.
constexpr std::size_t kMessageBytes = 24;
// After cgroup.kill, how long the watchdog waits for the processes to leave
// before it removes the folders, and how often it looks.
constexpr int kEmptyWaitPolls = 400;
constexpr long kEmptyPollNanoseconds = 5'000'000;
constexpr std::size_t kPathBytes = 4096;

void CloseAllExcept(int keep) {
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, 0u, static_cast<unsigned>(keep - 1), 0u) == 0 &&
      ::syscall(SYS_close_range, static_cast<unsigned>(keep + 1), ~0u, 0u) == 0) {
    return;
  }
#endif
  for (int fd = 0; fd < kMaxFdScan; ++fd) {
    if (fd != keep) ::close(fd);
  }
}

// Appends `text` and then `number` (decimal) to `out`: snprintf is not
// async-signal-safe.
void FormatPath(char* out, const char* text, unsigned long number, bool with_number) {
  std::size_t length = 0;
  while (text[length] != '\0' && length + 1 < kPathBytes) {
    out[length] = text[length];
    ++length;
  }
  char digits[24];
  int count = 0;
  do {
    digits[count++] = static_cast<char>('0' + number % 10);
    number /= 10;
  } while (number > 0 && with_number);
  while (with_number && count > 0 && length + 1 < kPathBytes) out[length++] = digits[--count];
  out[length] = '\0';
}

bool StillPopulated(const char* events_file) {
  const int fd = ::open(events_file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char text[256];
  const ssize_t n = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  if (n <= 0) return false;
  text[n] = '\0';
  for (ssize_t i = 0; i + 11 <= n; ++i) {
    if (std::memcmp(text + i, "populated 0", 11) == 0) return false;
  }
  return true;
}

// Kills everything in the runner's cgroup and removes its folders
// (the trial folders 1 .. last_trial, then the runner's own).
void KillAndRemoveCgroups(const char* root, unsigned long last_trial) {
  char path[kPathBytes];
  FormatPath(path, root, 0, false);
  std::size_t root_length = std::strlen(path);
  if (root_length + 32 >= kPathBytes) return;
  std::memcpy(path + root_length, "/cgroup.kill", 13);
  KillCgroup(path);
  std::memcpy(path + root_length, "/cgroup.events", 15);
  const timespec pause{0, kEmptyPollNanoseconds};
  for (int i = 0; i < kEmptyWaitPolls && StillPopulated(path); ++i) ::nanosleep(&pause, nullptr);
  path[root_length] = '/';
  for (unsigned long n = 1; n <= last_trial; ++n) {
    FormatPath(path + root_length + 1, kTrialFolderPrefix, n, true);
    ::rmdir(path);
  }
  path[root_length] = '\0';
  ::rmdir(path);
}

// The forked watchdog. Only async-signal-safe calls: the controller may have
// had other threads at fork time. Never returns.
[[noreturn]] void WatchdogMain(int socket, const char* cgroup_root) {
  struct sigaction action {};
  action.sa_handler = SIG_IGN;
  for (int sig : {SIGINT, SIGQUIT, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE}) ::sigaction(sig, &action, nullptr);
  action.sa_handler = SIG_DFL;
  for (int sig : {SIGCHLD, SIGTERM, SIGXFSZ}) ::sigaction(sig, &action, nullptr);
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::setpgid(0, 0);
  CloseAllExcept(socket);

  pid_t tracked[kMaxTracked];
  int count = 0;
  char buf[kReadBytes];
  pid_t value = 0;
  char op = 0;
  unsigned long last_trial = 0;
  for (;;) {
    const ssize_t n = ::read(socket, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the controller is gone (or finished)
    for (ssize_t i = 0; i < n; ++i) {
      const char c = buf[i];
      if (c == '+' || c == '-' || c == 'c') {
        op = c;
        value = 0;
      } else if (c >= '0' && c <= '9') {
        value = value * 10 + (c - '0');
      } else if (c == '\n') {
        if (op == '+' && count < kMaxTracked) tracked[count++] = value;
        if (op == 'c' && static_cast<unsigned long>(value) > last_trial) last_trial = static_cast<unsigned long>(value);
        if (op == '-') {
          for (int j = 0; j < count; ++j) {
            if (tracked[j] == value) {
              tracked[j] = tracked[--count];
              break;
            }
          }
        }
        op = 0;
      }
    }
  }
  for (int j = 0; j < count; ++j) {
    if (tracked[j] > 1) ::kill(-tracked[j], SIGKILL);
  }
  if (cgroup_root[0] != '\0') KillAndRemoveCgroups(cgroup_root, last_trial);
  ::_exit(0);
}

}  // namespace

std::unique_ptr<ContainmentWatchdog> ContainmentWatchdog::Start(const std::string& cgroup_root) {
  int sockets[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) return nullptr;
  // Signals stay blocked until the child has dropped the runner's handlers.
  sigset_t all, previous;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, &previous);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(sockets[0]);
    WatchdogMain(sockets[1], cgroup_root.c_str());
  }
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  ::close(sockets[1]);
  if (pid < 0) {
    ::close(sockets[0]);
    return nullptr;
  }
  return std::unique_ptr<ContainmentWatchdog>(new ContainmentWatchdog(pid, sockets[0]));
}

ContainmentWatchdog::~ContainmentWatchdog() {
  ::close(socket_);
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

void ContainmentWatchdog::Track(pid_t process_group) { Send('+', process_group); }
void ContainmentWatchdog::Untrack(pid_t process_group) { Send('-', process_group); }
void ContainmentWatchdog::TrackCgroup(std::uint64_t trial_number) { Send('c', static_cast<pid_t>(trial_number)); }

void ContainmentWatchdog::Send(char op, pid_t process_group) {
  char message[kMessageBytes];
  const int length = std::snprintf(message, sizeof message, "%c%d\n", op, static_cast<int>(process_group));
  if (length <= 0) return;
  (void)::send(socket_, message, static_cast<std::size_t>(length), MSG_DONTWAIT | MSG_NOSIGNAL);
}

}  // namespace sweep
