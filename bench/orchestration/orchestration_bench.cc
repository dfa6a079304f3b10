// Per-trial orchestration overhead of `sweep run` (propose + launch +
// supervise + record) against the physical limit, plain fork/exec of the same
// program at the same concurrency, and against Optuna 3.1 with SQLite storage
// when /usr/bin/python3 can import optuna. Prints a table; not a test.
//
//   bench_orchestration [--trials 1000] [--agents N (default: 1, then 4)] [--repeats 5]
//                       [--optuna-trials 200] [--program /bin/true]
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "agents/trial_runner.h"
#include "optimizers/optimizer.h"
#include "sweep/controller.h"
#include "tracking/store.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

// Issue 20: per-trial latency at most this far above plain fork/exec.
constexpr double kTargetOverheadMs = 1.5;

// Counts the ends shown, standing in for the console.
class EndCounter : public sweep::ControllerObserver {
 public:
  void OnRunStarted(const sweep::RunRecord&) override {}
  void OnRunEnded(const sweep::RunRecord&, std::optional<double>) override { ++ended; }
  void OnInterrupt(int) override {}
  int ended = 0;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Wall seconds to run `trials` processes of `program`, `lanes` at a time.
double PlainForkExec(const std::string& program, int trials, int lanes) {
  const auto start = Clock::now();
  int running = 0, started = 0;
  char* argv[] = {const_cast<char*>(program.c_str()), nullptr};
  while (started < trials || running > 0) {
    while (running < lanes && started < trials) {
      pid_t pid;
      if (posix_spawn(&pid, program.c_str(), nullptr, nullptr, argv, environ) != 0) {
        std::perror("posix_spawn");
        std::exit(1);
      }
      ++running;
      ++started;
    }
    int status;
    if (wait(&status) > 0) --running;
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);  // every thread of this process: controller and store sync
  auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6; };
  return secs(usage.ru_utime) + secs(usage.ru_stime);
}

struct Timing {
  double wall_s = 0;
  double cpu_s = 0;  // the controller's own CPU, trials excluded: robust to a loaded machine
};

// Wall and CPU seconds for a random sweep of `trials` runs of `program`
// through the real controller, store (a fresh SQLite file) and local runner.
Timing SweepRun(const std::string& program, int trials, int agents) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("sweep-bench-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);

  sweep::SweepSpec spec;
  spec.method = sweep::SearchMethod::kRandom;
  spec.command = {program};
  spec.run_cap = trials;
  sweep::ParameterSpec x;
  x.path = {"x"};
  x.distribution = sweep::Distribution::kUniform;
  x.min = 0;
  x.max = 1;
  spec.space.parameters.push_back(x);

  sweep::OptimizerOptions options;
  options.method = spec.method;
  options.space = spec.space;
  auto optimizer = sweep::MakeOptimizer(options);
  auto store = sweep::OpenStore((dir / "sweep.db").string());
  if (!optimizer.ok() || !store.ok()) {
    std::fprintf(stderr, "setup failed\n");
    std::exit(1);
  }
  sweep::SweepRecord record;
  record.method = "random";
  auto created = (*store)->CreateSweep(record);

  sweep::ControllerOptions controller_options;
  controller_options.agents = agents;
  controller_options.launch.runs_root = dir / "runs";
  controller_options.launch.working_dir = dir;
  controller_options.host = "bench";
  controller_options.agent_id = "bench";

  const auto start = Clock::now();
  const double cpu_start = CpuSeconds();
  // An observer, as `sweep run` has: each run's end waits for the store's
  // sync before it is shown (sweep/durable_observer.h).
  EndCounter ends;
  sweep::SweepController controller(**store, spec, *created, **optimizer, controller_options, &ends);
  auto runner = sweep::MakeLocalRunner(controller, sweep::RunnerOptions{});
  auto outcome = controller.Run(*runner);
  const Timing timing{std::chrono::duration<double>(Clock::now() - start).count(), CpuSeconds() - cpu_start};
  if (!outcome.ok() || outcome->launched_by_state[sweep::TrialState::kFinished] != trials || ends.ended != trials) {
    std::fprintf(stderr, "sweep did not finish all trials\n");
    std::exit(1);
  }
  fs::remove_all(dir);
  return timing;
}

// Runs the Optuna peer; negative when optuna is not importable.
double OptunaPerTrialMs(const std::string& program, int trials, int repeats) {
  const std::string script = std::string(SWEEP_BENCH_DIR) + "/optuna_peer.py";
  if (std::system("/usr/bin/python3 -c 'import optuna' 2>/dev/null") != 0) return -1;
  const std::string cmd = "/usr/bin/python3 " + script + " " + program + " " + std::to_string(trials) + " " +
                          std::to_string(repeats);
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return -1;
  double ms = -1;
  if (std::fscanf(pipe, "%lf", &ms) != 1) ms = -1;
  pclose(pipe);
  return ms;
}

struct Row {
  int agents = 0;
  double plain_lane_ms = 0, sweep_lane_ms = 0, overhead_lane_ms = 0;
  double controller_cpu_ms = 0;  // per trial
};

// Repeats plain fork/exec and the sweep interleaved, so machine noise hits
// both sides alike; medians of lane time per trial (wall * agents / trials:
// how long each trial holds one of the `agents` slots).
Row Measure(const std::string& program, int trials, int agents, int repeats) {
  std::vector<double> plain_ms, sweep_ms, overhead_ms, cpu_ms;
  for (int r = 0; r < repeats; ++r) {
    const double plain = PlainForkExec(program, trials, agents);
    const Timing swept = SweepRun(program, trials, agents);
    plain_ms.push_back(plain * agents / trials * 1000);
    sweep_ms.push_back(swept.wall_s * agents / trials * 1000);
    overhead_ms.push_back(sweep_ms.back() - plain_ms.back());
    cpu_ms.push_back(swept.cpu_s / trials * 1000);
  }
  return Row{agents, Median(plain_ms), Median(sweep_ms), Median(overhead_ms), Median(cpu_ms)};
}

}  // namespace

int main(int argc, char** argv) {
  int trials = 1000, repeats = 5, optuna_trials = 200;
  std::vector<int> agent_counts = {1, 4};  // sequential latency, and throughput
  std::string program = "/bin/true";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--trials") trials = std::atoi(argv[i + 1]);
    else if (flag == "--agents") agent_counts = {std::atoi(argv[i + 1])};
    else if (flag == "--repeats") repeats = std::atoi(argv[i + 1]);
    else if (flag == "--optuna-trials") optuna_trials = std::atoi(argv[i + 1]);
    else if (flag == "--program") program = argv[i + 1];
  }

  std::vector<Row> rows;
  for (int agents : agent_counts) rows.push_back(Measure(program, trials, agents, repeats));
  const double optuna_ms = OptunaPerTrialMs(program, optuna_trials, 1);

  std::printf("orchestration overhead: %d trials of %s, median of %d repeats; lane ms/trial = wall * agents / trials\n\n",
              trials, program.c_str(), repeats);
  std::printf("%-58s %6s %13s %13s %12s\n", "what", "agents", "wall ms/trial", "lane ms/trial", "vs fork/exec");
  for (const Row& row : rows) {
    std::printf("%-58s %6d %13.3f %13.3f %12s\n", "plain fork/exec + wait (the physical limit)", row.agents,
                row.plain_lane_ms / row.agents, row.plain_lane_ms, "1.00x");
    std::printf("%-58s %6d %13.3f %13.3f %11.2fx\n", "sweep: propose + launch + supervise + record (durable)",
                row.agents, row.sweep_lane_ms / row.agents, row.sweep_lane_ms, row.sweep_lane_ms / row.plain_lane_ms);
    std::printf("%-58s %6d %13.3f %13.3f %12s\n", "  overhead above fork/exec (target <= 1.5 ms lane)", row.agents,
                (row.sweep_lane_ms - row.plain_lane_ms) / row.agents, row.overhead_lane_ms,
                row.overhead_lane_ms <= kTargetOverheadMs ? "OK" : "MISSED");
    std::printf("%-58s %6d %13.3f %13s %12s\n", "  controller CPU per trial (all its threads; load-proof)", row.agents,
                row.controller_cpu_ms, "", "");
  }
  if (optuna_ms > 0) {
    std::printf("%-58s %6d %13.3f %13.3f %11.2fx\n", "optuna 3.1 random + SQLite storage + subprocess", 1, optuna_ms,
                optuna_ms, optuna_ms / rows.front().plain_lane_ms);
  } else {
    std::printf("%-58s %6s %13s\n", "optuna 3.1 (not installed: apt-get install python3-optuna)", "-", "-");
  }
  std::printf("%-58s %6d %13s\n", "W&B agent (polls the server every 5 s)", 1, "~5000");
  return 0;
}
