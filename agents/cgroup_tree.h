// CgroupTree: one cgroup v2 folder per trial, under one folder per runner,
// so that a trial's whole process tree can be killed at once (cgroup.kill),
// `setsid` daemons and double-forked helpers included.
//
//   <the controller's own cgroup>/sweep-<controller pid>/trial-<n>/
//
// Available where the kernel has cgroup v2 with cgroup.kill (Linux >= 5.14)
// and the controller may create folders in its own cgroup: root, or a user
// whose cgroup systemd delegated (`systemd-run --user --scope -p Delegate=yes`).
// Create() says so by returning null; the runner then falls back to a child
// subreaper (trial_containment.h). No controllers are enabled, so the
// "no internal processes" rule of cgroup v2 never applies.
//
// Internal to agents/ (used by trial_containment.cc). Not thread-safe.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace sweep {

// Trial folders are named <prefix><number>; the watchdog recreates the names.
inline constexpr char kTrialFolderPrefix[] = "trial-";

class CgroupTree {
 public:
  // Null when cgroups cannot be used here (see above). Removes what dead
  // runners left beside it (sweep-<pid> folders whose pid is gone), killing
  // any process still in them.
  static std::unique_ptr<CgroupTree> Create();
  // Kills every process of every trial and removes the folders (best effort:
  // a folder still busy after a short wait is left for the next Create).
  ~CgroupTree();
  CgroupTree(const CgroupTree&) = delete;
  CgroupTree& operator=(const CgroupTree&) = delete;

  // The runner's folder; killing it kills every trial (the watchdog does).
  const std::string& root() const { return root_; }

  // Creates the folder of a new trial and returns the path of its
  // cgroup.procs, which the child writes "0" to between fork and exec; ""
  // when the folder could not be created.
  std::string AddTrial(const std::string& name);
  // True when `pid` is in the trial's folder (the child's move worked).
  bool Contains(const std::string& name, pid_t pid) const;
  // SIGKILLs every process in the trial's folder.
  void Kill(const std::string& name) const;
  // Removes the trial's folder; when processes are still exiting it is kept
  // and retried by later calls (and by the destructor).
  void Remove(const std::string& name);

 private:
  explicit CgroupTree(std::string root) : root_(std::move(root)) {}
  void RetryRemovals();

  std::string root_;
  std::vector<std::string> busy_;  // trial folders whose removal must be retried
};

// Writes "1" to `<dir>/cgroup.kill`. Async-signal-safe (the watchdog uses it
// after fork): `kill_file` is the full path, prepared beforehand.
bool KillCgroup(const char* kill_file);

}  // namespace sweep
