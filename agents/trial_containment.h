// TrialContainment: a trial's whole process tree ends with the trial, on
// every path: normal exit, timeout, Terminate, Ctrl-C, the runner's
// destruction and the controller's own death (DESIGN.md, "Processes").
//
// Chosen at run time, per runner:
//  - cgroup v2 (cgroup_tree.h), where the system allows it: each trial runs
//    in its own cgroup, joined between fork and exec, and killing that cgroup
//    kills everything the trial started, `setsid` daemons included.
//  - otherwise a child subreaper (PR_SET_CHILD_SUBREAPER on the controller):
//    a trial's orphans, daemons included, are reparented to the controller
//    instead of init, and are killed with the trial when they are in its
//    process group or carry its SWEEP_RUN_ID in their environment.
// Either way a watchdog process (containment_watchdog.h) kills what is left
// when the controller dies without cleaning up.
//
// There is no opt-out: a trial cannot leave a process behind (W&B users do
// not expect one to survive its run). A long-lived service a trial needs
// (a data server, a tensorboard) is started outside the sweep, before it, or
// by a service manager (`systemd-run --user ...`), which puts it outside the
// trial's cgroup and process tree.
//
// Internal to agents/ (local_runner.cc). Not thread-safe: one runner thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace sweep {

class CgroupTree;
class ContainmentWatchdog;

class TrialContainment {
 public:
  // Picks cgroups or the subreaper and starts the watchdog. Never fails:
  // without either, trials still die by process group as before.
  TrialContainment();
  // Kills what is left of every trial, removes the cgroups, stops being a
  // subreaper, stops the watchdog.
  ~TrialContainment();
  TrialContainment(const TrialContainment&) = delete;
  TrialContainment& operator=(const TrialContainment&) = delete;

  bool uses_cgroups() const { return cgroups_ != nullptr; }

  // Before launching `run_id`: the path of the cgroup.procs file the child
  // must write "0" to before exec, or "" (no cgroup for this trial).
  std::string Prepare(const std::string& run_id);
  // The trial's leader started (it leads its own process group).
  void Started(const std::string& run_id, pid_t leader);
  // SIGKILLs every process left of the trial; its leader may be gone.
  void KillTree(const std::string& run_id);
  // The trial was reported: forgets it and releases its cgroup.
  void Finished(const std::string& run_id);
  // Reaps orphans that died after they were reparented to the controller
  // (subreaper mode). Call on every SIGCHLD; leaves trial leaders alone.
  void ReapOrphans();

 private:
  struct Contained {
    pid_t leader = -1;
    std::string cgroup;  // folder name; "" when the trial is not in one
  };
  void KillOrphansOf(const std::string& run_id, pid_t process_group);

  std::unique_ptr<CgroupTree> cgroups_;
  std::unique_ptr<ContainmentWatchdog> watchdog_;
  bool subreaper_ = false;
  std::map<std::string, Contained> trials_;
  std::set<pid_t> leaders_;  // live trial leaders: the runner reaps those itself
  std::uint64_t next_cgroup_ = 0;
};

}  // namespace sweep
