// Test helper: a shell command run as its own process group, killed (whole
// group) and reaped when the object goes away.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <string>

extern char** environ;

namespace sweep {

class TestChild {
 public:
  explicit TestChild(const std::string& script) {
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    const char* argv[] = {"sh", "-c", script.c_str(), nullptr};
    if (::posix_spawnp(&pid_, "sh", nullptr, &attr, const_cast<char**>(argv), environ) != 0) {
      pid_ = -1;
    }
    posix_spawnattr_destroy(&attr);
  }
  ~TestChild() {
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  TestChild(const TestChild&) = delete;
  TestChild& operator=(const TestChild&) = delete;
  int pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

}  // namespace sweep
