#include "agents/cgroup_tree.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include "agents/host/process_table.h"

namespace sweep {
namespace {

namespace fs = std::filesystem;

// Set to anything but "0" to never use cgroups (the subreaper fallback is
// then used everywhere; the tests exercise it this way).
constexpr const char* kDisableEnv = "SWEEP_NO_CGROUP";
constexpr const char* kRunnerPrefix = "sweep-";
// cgroup.kill delivers SIGKILL at once, but the processes take a moment to
// exit and leave the folder; a folder cannot be removed before that.
constexpr std::chrono::milliseconds kEmptyWait{2000};
constexpr std::chrono::milliseconds kEmptyPoll{5};
constexpr mode_t kFolderMode = 0755;

// cgroup.events and a trial's cgroup.procs are small; more is not read.
constexpr std::size_t kMaxInterfaceFileBytes = 1u << 20;

std::string ReadSmallFile(const std::string& path) { return ReadProcFile(path, kMaxInterfaceFileBytes); }

// Where the cgroup v2 hierarchy is mounted: /sys/fs/cgroup on a unified
// system, /sys/fs/cgroup/unified on a hybrid one. "" when not mounted.
std::string Cgroup2MountPoint() {
  std::istringstream mountinfo(ReadSmallFile("/proc/self/mountinfo"));
  std::string line;
  while (std::getline(mountinfo, line)) {
    const auto separator = line.find(" - ");
    if (separator == std::string::npos || line.compare(separator + 3, 8, "cgroup2 ") != 0) continue;
    std::istringstream fields(line.substr(0, separator));
    std::string field, mount_point;
    for (int i = 0; i < 5 && fields >> field; ++i) mount_point = field;
    return mount_point;
  }
  return "";
}

// The controller's own cgroup v2 folder, e.g. /sys/fs/cgroup/user.slice/...
std::string OwnCgroupFolder() {
  const std::string mount_point = Cgroup2MountPoint();
  if (mount_point.empty()) return "";
  std::istringstream membership(ReadSmallFile("/proc/self/cgroup"));
  std::string line;
  while (std::getline(membership, line)) {
    if (line.rfind("0::", 0) != 0) continue;
    std::string path = line.substr(3);
    return path == "/" ? mount_point : mount_point + path;
  }
  return "";
}

bool IsPopulated(const std::string& folder) {
  const std::string events = ReadSmallFile(folder + "/cgroup.events");
  return events.empty() || events.find("populated 1") != std::string::npos;
}

// Removes `folder` and the cgroup folders below it, deepest first (a cgroup
// folder holds only interface files, which rmdir ignores).
bool RemoveFolders(const fs::path& folder) {
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator(folder, ignored)) {
    if (entry.is_directory(ignored)) RemoveFolders(entry.path());
  }
  return ::rmdir(folder.c_str()) == 0 || errno == ENOENT;
}

// Kills everything in `folder`, waits a little for it to empty, removes it.
void KillAndRemove(const std::string& folder) {
  KillCgroup((folder + "/cgroup.kill").c_str());
  const auto deadline = std::chrono::steady_clock::now() + kEmptyWait;
  while (IsPopulated(folder) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(kEmptyPoll);
  }
  RemoveFolders(folder);
}

// Runner folders beside ours whose controller died with its watchdog.
void RemoveDeadRunners(const std::string& own_folder, pid_t self) {
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator(own_folder, ignored)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kRunnerPrefix, 0) != 0 || !entry.is_directory(ignored)) continue;
    pid_t pid = 0;
    const char* digits = name.data() + std::char_traits<char>::length(kRunnerPrefix);
    auto [end, ec] = std::from_chars(digits, name.data() + name.size(), pid);
    if (ec != std::errc() || end != name.data() + name.size() || pid == self) continue;
    if (::kill(pid, 0) != 0 && errno == ESRCH) KillAndRemove(entry.path().string());
  }
}

}  // namespace

bool KillCgroup(const char* kill_file) {
  const int fd = ::open(kill_file, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::write(fd, "1", 1) == 1;
  ::close(fd);
  return ok;
}

std::unique_ptr<CgroupTree> CgroupTree::Create() {
  if (const char* off = std::getenv(kDisableEnv); off != nullptr && *off != '\0' && std::string(off) != "0") {
    return nullptr;
  }
  const std::string own = OwnCgroupFolder();
  if (own.empty() || ::access((own + "/cgroup.procs").c_str(), W_OK) != 0) return nullptr;
  const pid_t self = ::getpid();
  RemoveDeadRunners(own, self);
  const std::string root = own + "/" + kRunnerPrefix + std::to_string(self);
  if (::mkdir(root.c_str(), kFolderMode) != 0) {
    if (errno != EEXIST) return nullptr;
    KillAndRemove(root);  // left by an earlier process with our pid
    if (::mkdir(root.c_str(), kFolderMode) != 0) return nullptr;
  }
  if (::access((root + "/cgroup.kill").c_str(), W_OK) != 0) {  // Linux < 5.14
    ::rmdir(root.c_str());
    return nullptr;
  }
  return std::unique_ptr<CgroupTree>(new CgroupTree(root));
}

CgroupTree::~CgroupTree() { KillAndRemove(root_); }

std::string CgroupTree::AddTrial(const std::string& name) {
  RetryRemovals();
  const std::string folder = root_ + "/" + name;
  if (::mkdir(folder.c_str(), kFolderMode) != 0 && errno != EEXIST) return "";
  return folder + "/cgroup.procs";
}

bool CgroupTree::Contains(const std::string& name, pid_t pid) const {
  std::istringstream procs(ReadSmallFile(root_ + "/" + name + "/cgroup.procs"));
  pid_t member = 0;
  while (procs >> member) {
    if (member == pid) return true;
  }
  return false;
}

void CgroupTree::Kill(const std::string& name) const { KillCgroup((root_ + "/" + name + "/cgroup.kill").c_str()); }

void CgroupTree::Remove(const std::string& name) {
  RetryRemovals();
  if (!RemoveFolders(root_ + "/" + name)) busy_.push_back(name);
}

void CgroupTree::RetryRemovals() {
  std::vector<std::string> still_busy;
  for (const std::string& name : busy_) {
    if (!RemoveFolders(root_ + "/" + name)) still_busy.push_back(name);
  }
  busy_ = std::move(still_busy);
}

}  // namespace sweep
