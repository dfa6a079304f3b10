// Running trials of a stored sweep on this machine: what `sweep run`,
// `sweep agent` and `sweep resume` share once the sweep exists.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/sweep_spec.h"
#include "tracking/store.h"

namespace sweep::cli {

struct AgentFlags {
  int agents = 1;
  bool agents_given = false;  // --agents on the command line (else GPUs decide)
  std::optional<std::int64_t> count;
  std::string interpreter = "python3";
  std::optional<std::string> gpus;      // "all" | "0,1,3"
  std::optional<int> gpus_per_trial;    // overrides the spec's
  double sample_interval_seconds = 5;   // system metrics
  bool no_wandb_shim = false;
  bool no_mlflow_shim = false;
  // Whether an interrupt (Ctrl-C, or SIGTERM at a Slurm time limit) marks the
  // sweep stopped. `sweep run` and `sweep resume` drive their sweep and do;
  // one `sweep agent` among many does not, since every agent stops claiming
  // once the sweep is stopped (`sweep cancel` is how to stop them all).
  bool interrupt_stops_sweep = true;
  // What is printed while trials run (live_view.h, event_stream.h).
  bool quiet = false;          // only the final summary
  std::string events;          // "jsonl": machine-readable events on stdout, the rest on stderr
  double status_interval_seconds = 30;  // not on a terminal: a status line this often
  // A run without a heartbeat for this long is taken for dead (reaped by the
  // next agent to start); the same for every agent of a sweep.
  double heartbeat_timeout_seconds = 60;
};

// Adds --agents, --count, --interpreter, --gpus, --gpus-per-trial,
// --sample-interval, --no-wandb-shim, --quiet, --events, --status-interval and
// --heartbeat-timeout.
void AddAgentFlags(CLI::App& command, AgentFlags& flags);

// kInvalidInput when the spec's command runs ${program} but it has none: such
// a sweep (accepted, as W&B accepts it) is run in-process by
// wandb.agent(id, function=...), not by launching trials.
Status CheckLaunchable(const SweepSpec& spec, const std::string& sweep_id);

// W&B's agent runs `program` relative to the working directory; a program
// that is not there would fail every trial, so `run`, `agent` and `resume`
// say so before the first (kInvalidInput). OK when the command does not use
// ${program}.
Status CheckProgramExists(const SweepSpec& spec, const std::filesystem::path& working_dir);

// Runs trials of `sweep` until it ends, printing progress and a summary.
// Returns the process exit code.
int RunAgent(Store& store, const std::string& store_location, const SweepSpec& spec, const SweepRecord& sweep,
             const AgentFlags& flags);

// --heartbeat-timeout as a duration.
std::chrono::milliseconds HeartbeatTimeout(const AgentFlags& flags);

// "host:pid": who runs a trial, recorded on the run so a dead agent's runs
// can be recognised.
std::string ThisAgentId();
std::string HostName();

}  // namespace sweep::cli
