// Test helpers: finding the processes a test started by a marker it put in
// their command line, to prove none was left behind. Test-only, header-only
// (like recording_events.h); a test must use a marker unique to itself (its
// pid and name), never a program name other processes share.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "agents/host/process_table.h"

namespace sweep::testing {

// Enough of a command line to find a marker in the arguments tests give.
inline constexpr std::size_t kMaxCmdlineBytes = 1u << 20;

// Pids of live processes whose command line contains `marker` (zombies have
// an empty cmdline and are not counted: they run nothing).
inline std::vector<pid_t> ProcessesWith(const std::string& marker) {
  std::vector<pid_t> found;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ignored)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string cmdline = ReadProcFile((entry.path() / "cmdline").string(), kMaxCmdlineBytes);
    if (cmdline.find(marker) != std::string::npos) found.push_back(std::stoi(name));
  }
  return found;
}

// Waits up to `limit` for no process with `marker` to remain; returns the survivors.
inline std::vector<pid_t> SurvivorsAfter(const std::string& marker, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  auto left = ProcessesWith(marker);
  while (!left.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    left = ProcessesWith(marker);
  }
  return left;
}

// The environment variable SpawnLeftoversCommand's processes take their
// marker from, so that the shell running it does not carry the marker itself.
inline constexpr const char* kLeftoverMarkerEnv = "SWEEP_TEST_MARKER";

// The sleeper SpawnLeftoversCommand starts: prints the metric line "up=1"
// once running (wait for those points, not for processes: a `setsid` that
// forks shows the marker twice for a moment).
inline std::string MarkedSleeperCommand() {
  // One write(2) per line: print() writes the newline apart when unbuffered.
  return "python3 -c 'import os, time; os.write(1, b\"up=1\\n\"); time.sleep(300)' \"$SWEEP_TEST_MARKER\"";
}

// A shell command that starts three processes carrying the marker in
// $SWEEP_TEST_MARKER that outlive the shell unless contained: a background
// child in the trial's process group, a `setsid` daemon, and a double-forked
// `setsid` daemon whose parent exits at once. All three hold stdout open.
inline std::string SpawnLeftoversCommand() {
  const std::string sleeper = MarkedSleeperCommand();
  return sleeper + " & setsid " + sleeper + " & (setsid " + sleeper + " &) ; ";
}

}  // namespace sweep::testing
