#include "agents/trial_containment.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <iterator>
#include <sstream>
#include <vector>

#include "agents/cgroup_tree.h"
#include "agents/containment_watchdog.h"
#include "agents/host/process_table.h"
#include "agents/trial_runner.h"

namespace sweep {
namespace {

constexpr char kZombie = 'Z';
// Pids of one thread's children, as text: room for tens of thousands.
constexpr std::size_t kMaxChildrenBytes = 1u << 20;

// The controller's children, from /proc/self/task/*/children (every thread:
// orphans are reparented to one of them).
std::vector<pid_t> OwnChildren() {
  std::vector<pid_t> children;
  std::error_code ignored;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ignored)) {
    std::istringstream list(ReadProcFile((task.path() / "children").string(), kMaxChildrenBytes));
    pid_t pid = 0;
    while (list >> pid) children.push_back(pid);
  }
  return children;
}

// A /proc/<pid>/stat line is well under this.
constexpr std::size_t kMaxStatBytes = 4096;

std::optional<ProcessStat> StatOf(pid_t pid) {
  const std::string line = ReadProcFile("/proc/" + std::to_string(pid) + "/stat", kMaxStatBytes);
  auto stat = ParseProcStat(line);
  if (!stat.ok()) return std::nullopt;
  return *stat;
}

}  // namespace

TrialContainment::TrialContainment() : cgroups_(CgroupTree::Create()) {
  if (!cgroups_) subreaper_ = ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
  watchdog_ = ContainmentWatchdog::Start(cgroups_ ? cgroups_->root() : "");
}

TrialContainment::~TrialContainment() {
  for (const auto& [run_id, trial] : trials_) KillTree(run_id);
  cgroups_.reset();
  if (subreaper_) {
    ReapOrphans();
    ::prctl(PR_SET_CHILD_SUBREAPER, 0);
  }
  watchdog_.reset();
}

std::string TrialContainment::Prepare(const std::string& run_id) {
  Contained& trial = trials_[run_id];
  if (!cgroups_) return "";
  trial.cgroup = kTrialFolderPrefix + std::to_string(++next_cgroup_);
  std::string procs = cgroups_->AddTrial(trial.cgroup);
  if (procs.empty()) trial.cgroup.clear();
  if (!procs.empty() && watchdog_) watchdog_->TrackCgroup(next_cgroup_);
  return procs;
}

void TrialContainment::Started(const std::string& run_id, pid_t leader) {
  Contained& trial = trials_[run_id];
  trial.leader = leader;
  leaders_.insert(leader);
  if (watchdog_) watchdog_->Track(leader);
  if (cgroups_ && !trial.cgroup.empty() && !cgroups_->Contains(trial.cgroup, leader)) {
    // The move was refused (no write access to the common ancestor): use the
    // subreaper for this trial and the next ones.
    cgroups_->Remove(trial.cgroup);
    trial.cgroup.clear();
    if (!subreaper_) subreaper_ = ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
  }
}

void TrialContainment::KillTree(const std::string& run_id) {
  auto it = trials_.find(run_id);
  if (it == trials_.end()) return;
  const Contained& trial = it->second;
  if (cgroups_ && !trial.cgroup.empty()) cgroups_->Kill(trial.cgroup);
  if (trial.leader > 0) {
    ::kill(-trial.leader, SIGKILL);
    if (subreaper_) KillOrphansOf(run_id, trial.leader);
  }
}

void TrialContainment::Finished(const std::string& run_id) {
  auto it = trials_.find(run_id);
  if (it == trials_.end()) return;
  if (it->second.leader > 0) {
    leaders_.erase(it->second.leader);
    if (watchdog_) watchdog_->Untrack(it->second.leader);
  }
  if (cgroups_ && !it->second.cgroup.empty()) cgroups_->Remove(it->second.cgroup);
  trials_.erase(it);
}

// Orphans of the trial reparented to the controller, and their own trees:
// those in its process group, and those (setsid daemons) carrying its run id.
void TrialContainment::KillOrphansOf(const std::string& run_id, pid_t process_group) {
  std::vector<pid_t> roots;
  for (pid_t child : OwnChildren()) {
    if (leaders_.count(child) != 0 || (watchdog_ && child == watchdog_->pid())) continue;
    auto stat = StatOf(child);
    if (!stat || stat->state == kZombie) continue;
    if (stat->pgrp == process_group || EnvironmentHas(child, std::string(kRunIdEnv) + "=" + run_id)) {
      roots.push_back(child);
    }
  }
  if (roots.empty()) return;
  const ProcessTable table = ProcessTable::Read();
  for (pid_t root : roots) {
    for (const ProcessStat& process : table.Tree(root)) ::kill(process.pid, SIGKILL);
    ::kill(root, SIGKILL);
  }
}

void TrialContainment::ReapOrphans() {
  if (!subreaper_) return;
  const pid_t own_group = ::getpgrp();
  const pid_t own_session = ::getsid(0);
  for (pid_t child : OwnChildren()) {
    if (leaders_.count(child) != 0 || (watchdog_ && child == watchdog_->pid())) continue;
    auto stat = StatOf(child);
    if (!stat || stat->state != kZombie) continue;
    // A trial's orphan: in a trial's process group (not ours, not its own),
    // or in another session (setsid). The controller's other children (git,
    // nvidia-smi: their own group, our session) are reaped by their callers.
    const bool in_trial_group = stat->pgrp != child && stat->pgrp != own_group;
    if (in_trial_group || stat->session != own_session) ::waitpid(child, nullptr, WNOHANG);
  }
}

}  // namespace sweep
