// ProcessTable: a snapshot of /proc/<pid>/stat for every process, used to
// find a trial's whole process tree (data loader workers, torchrun
// children, shell pipelines) and add up its CPU time and memory.
//
// Thread-safety: a snapshot is immutable after Read(); share freely.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sweep {

struct ProcessStat {
  int pid = 0;
  int ppid = 0;
  int pgrp = 0;
  int session = 0;              // session id: differs from the trial's after setsid
  char state = '?';             // proc(5) state letter: R, S, D, Z (zombie), ...
  std::uint64_t cpu_ticks = 0;  // utime + stime, in clock ticks (sysconf(_SC_CLK_TCK))
  std::uint64_t rss_pages = 0;  // resident set, in pages (sysconf(_SC_PAGESIZE))
};

// Up to `max_bytes` of a /proc (or /sys) file, "" when it cannot be read.
// Never throws: a process that exits while it is read (ESRCH) or a cgroup
// folder removed meanwhile is an empty answer, not an exception (std::ifstream
// throws from underflow on such read errors).
std::string ReadProcFile(const std::string& path, std::size_t max_bytes);

// True when `pid`'s initial environment (/proc/<pid>/environ) holds exactly
// the entry `name_equals_value` ("SWEEP_RUN_ID=abc"); false when unreadable.
bool EnvironmentHas(int pid, const std::string& name_equals_value);

// Parses one /proc/<pid>/stat line. The command name (field 2) may contain
// spaces and parentheses, so fields are counted from its last ')'.
Result<ProcessStat> ParseProcStat(std::string_view line);

class ProcessTable {
 public:
  // Reads every numeric entry of `proc_root`. Processes that exit while it
  // reads are skipped (a race, not an error).
  static ProcessTable Read(const std::filesystem::path& proc_root = "/proc");

  // `root` and all its descendants (by ppid), plus every member of process
  // group `root` and their descendants: the trial runner makes each trial a
  // group leader, so this also finds children that were orphaned and
  // reparented to init. Zombies are left out: they use no CPU or memory,
  // and an unreaped orphan must not make a finished trial look alive.
  // Empty when `root` is gone and its group is empty.
  std::vector<ProcessStat> Tree(int root) const;

  const ProcessStat* Find(int pid) const;
  // Every process of the snapshot, by pid.
  const std::map<int, ProcessStat>& all() const { return by_pid_; }
  std::size_t size() const { return by_pid_.size(); }

 private:
  std::map<int, ProcessStat> by_pid_;
};

}  // namespace sweep
