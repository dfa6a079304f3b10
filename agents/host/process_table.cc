#include "agents/host/process_table.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <set>
#include <string>

namespace sweep {
namespace {

// Field numbers from proc(5), counted from 1; field 3 (state) is the first
// after the command name.
constexpr int kFieldState = 3;
constexpr int kFieldPpid = 4;
constexpr int kFieldPgrp = 5;
constexpr int kFieldSession = 6;
constexpr int kFieldUtime = 14;
constexpr int kFieldStime = 15;
constexpr int kFieldRss = 24;
constexpr char kZombie = 'Z';
constexpr std::size_t kProcReadChunk = 4096;

template <typename T>
bool ParseNumber(std::string_view s, T& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

Result<ProcessStat> ParseProcStat(std::string_view line) {
  const std::size_t open = line.find('(');
  const std::size_t close = line.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return Error::Io("malformed /proc stat line");
  }
  ProcessStat stat;
  std::string_view pid_text = line.substr(0, open);
  while (!pid_text.empty() && pid_text.back() == ' ') pid_text.remove_suffix(1);
  if (!ParseNumber(pid_text, stat.pid)) return Error::Io("malformed pid in /proc stat line");

  std::string_view rest = line.substr(close + 1);
  int field = kFieldState;
  std::uint64_t utime = 0, stime = 0;
  bool ok = true;
  int seen = 0;
  while (!rest.empty() && field <= kFieldRss) {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    const std::size_t space = rest.find(' ');
    std::string_view token = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space);
    if (token.empty()) break;
    switch (field) {
      case kFieldState: stat.state = token.size() == 1 ? token[0] : '?'; break;
      case kFieldPpid: ok &= ParseNumber(token, stat.ppid); ++seen; break;
      case kFieldPgrp: ok &= ParseNumber(token, stat.pgrp); ++seen; break;
      case kFieldSession: ok &= ParseNumber(token, stat.session); ++seen; break;
      case kFieldUtime: ok &= ParseNumber(token, utime); ++seen; break;
      case kFieldStime: ok &= ParseNumber(token, stime); ++seen; break;
      case kFieldRss: {
        std::int64_t rss = 0;  // signed in proc(5)
        ok &= ParseNumber(token, rss);
        stat.rss_pages = rss > 0 ? static_cast<std::uint64_t>(rss) : 0;
        ++seen;
        break;
      }
      default: break;
    }
    ++field;
  }
  constexpr int kFieldsNeeded = 6;
  if (!ok || seen != kFieldsNeeded) return Error::Io("malformed /proc stat line");
  stat.cpu_ticks = utime + stime;
  return stat;
}

std::string ReadProcFile(const std::string& path, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string text;
  char chunk[kProcReadChunk];
  while (text.size() < max_bytes) {
    const ssize_t n = ::read(fd, chunk, std::min(sizeof chunk, max_bytes - text.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

bool EnvironmentHas(int pid, const std::string& name_equals_value) {
  // An environment is at most ARG_MAX-sized (2 MiB by default); a little
  // more bounds the memory a hostile entry can take.
  constexpr std::size_t kMaxEnvironBytes = 4u << 20;
  const std::string environ = ReadProcFile("/proc/" + std::to_string(pid) + "/environ", kMaxEnvironBytes);
  std::size_t start = 0;
  while (start < environ.size()) {
    std::size_t end = environ.find('\0', start);
    if (end == std::string::npos) end = environ.size();
    if (environ.compare(start, end - start, name_equals_value) == 0) return true;
    start = end + 1;
  }
  return false;
}

ProcessTable ProcessTable::Read(const std::filesystem::path& proc_root) {
  ProcessTable table;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(proc_root, ec)) {
    const std::string name = entry.path().filename().string();
    int pid = 0;
    if (!ParseNumber(std::string_view(name), pid)) continue;
    std::ifstream in(entry.path() / "stat");
    std::string line;
    if (!in || !std::getline(in, line)) continue;  // exited meanwhile
    auto stat = ParseProcStat(line);
    if (stat.ok()) table.by_pid_[stat->pid] = *stat;
  }
  return table;
}

const ProcessStat* ProcessTable::Find(int pid) const {
  auto it = by_pid_.find(pid);
  return it == by_pid_.end() ? nullptr : &it->second;
}

std::vector<ProcessStat> ProcessTable::Tree(int root) const {
  std::multimap<int, int> children;  // ppid -> pid
  std::vector<int> frontier;
  for (const auto& [pid, stat] : by_pid_) {
    children.emplace(stat.ppid, pid);
    if (pid == root || stat.pgrp == root) frontier.push_back(pid);
  }
  std::set<int> members;
  while (!frontier.empty()) {
    const int pid = frontier.back();
    frontier.pop_back();
    if (!members.insert(pid).second) continue;
    auto [begin, end] = children.equal_range(pid);
    for (auto it = begin; it != end; ++it) frontier.push_back(it->second);
  }
  std::vector<ProcessStat> tree;
  tree.reserve(members.size());
  for (int pid : members) {
    const ProcessStat& p = by_pid_.at(pid);
    if (p.state != kZombie) tree.push_back(p);
  }
  return tree;
}

}  // namespace sweep
