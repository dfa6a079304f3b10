// ContainmentWatchdog: a small process forked from the controller that
// outlives it just long enough to kill its trials when the controller dies
// without cleaning up (SIGKILL, the OOM killer, a crash).
//
// Linux kills a trial's leader with the controller (PR_SET_PDEATHSIG), but
// not what the leader started. The watchdog waits on a socket whose only
// writer is the controller; end of file means the controller is gone, and it
// then SIGKILLs the runner's cgroup (every trial, `setsid` daemons included)
// and the process group of every trial it was told of, and exits. On a
// normal exit the runner has already killed everything and the watchdog just
// exits. What it cannot do: survive its own SIGKILL (then `sweep resume`
// kills the runs' leftovers, sweep/reaper.h), and, without cgroups, find
// daemons that left their trial's process group after the controller died.
//
// It ignores terminal signals (its own process group), so Ctrl-C reaches
// only the controller. Internal to agents/; not thread-safe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

namespace sweep {

class ContainmentWatchdog {
 public:
  // Forks the watchdog. `cgroup_root` is the runner's cgroup folder, or ""
  // without cgroups. Null when fork fails (containment then ends with the
  // controller, as before).
  static std::unique_ptr<ContainmentWatchdog> Start(const std::string& cgroup_root);
  // Closes the socket (the watchdog kills what is left and exits) and reaps it.
  ~ContainmentWatchdog();
  ContainmentWatchdog(const ContainmentWatchdog&) = delete;
  ContainmentWatchdog& operator=(const ContainmentWatchdog&) = delete;

  // The process group of a started trial, to kill if the controller dies;
  // Untrack once it ended. Never blocks: a message that does not fit in the
  // socket buffer is dropped.
  void Track(pid_t process_group);
  void Untrack(pid_t process_group);
  // The runner made the cgroup folder trial-<number> (cgroup_tree.h): the
  // watchdog removes it after killing.
  void TrackCgroup(std::uint64_t trial_number);
  pid_t pid() const { return pid_; }

 private:
  ContainmentWatchdog(pid_t pid, int socket) : pid_(pid), socket_(socket) {}
  void Send(char op, pid_t process_group);

  pid_t pid_;
  int socket_;
};

}  // namespace sweep
