// RunCommand: runs a short helper program (git, nvidia-smi, python3
// --version) without a shell and captures what it prints. Used for facts
// about the host, not for trials (agents/ TrialRunner launches those).
//
// Thread-safety: RunCommand may be called from several threads at once; it
// touches no shared state besides spawning a child.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "core/result.h"

namespace sweep {

// Helpers are expected to answer in well under a second; ten seconds covers
// a cold nvidia-smi (which may load the driver) or git on a slow network
// filesystem, while still bounding a hung helper.
inline constexpr std::chrono::milliseconds kDefaultCommandTimeout{10000};

// Output beyond this is dropped (and `truncated` set) so a runaway helper,
// e.g. `git diff` over a huge generated file, cannot exhaust memory.
inline constexpr std::size_t kMaxCapturedBytes = 64u << 20;

struct CommandOutput {
  int exit_code = 0;         // the program's exit status (it exited normally)
  std::string stdout_text;
  std::string stderr_text;
  bool truncated = false;    // stdout or stderr exceeded kMaxCapturedBytes
};

// Runs argv (argv[0] looked up on PATH when it has no '/') with the caller's
// environment, stdin from /dev/null. Errors:
//   kNotFound: argv[0] could not be started (missing or not executable);
//   kIo: pipes/spawn failed, the program was killed by a signal, or it ran
//        past `timeout` (then its process group is SIGKILLed and reaped);
//   kInvalidInput: argv is empty.
// A non-zero exit status is NOT an error: check exit_code.
Result<CommandOutput> RunCommand(const std::vector<std::string>& argv,
                                 std::chrono::milliseconds timeout = kDefaultCommandTimeout);

}  // namespace sweep
