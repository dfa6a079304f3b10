// Launch overhead: N trials of /bin/true, K at a time, through LocalRunner,
// posix_spawn and fork/exec in the same process run. For every trial we time
// the Launch call itself and the whole trial (launch to exit observed), and
// print medians and the 90th percentile.
//
// Usage: launch_overhead_bench [trials=1000] [parallel=4]
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "agents/trial_runner.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kDefaultTrials = 1000;
constexpr int kDefaultParallel = 4;
constexpr const char* kProgram = "/bin/true";

struct Sample {
  std::vector<double> launch_ms;  // time inside the launch call
  std::vector<double> trial_ms;   // launch call start to exit observed
  double wall_s = 0;
};

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

// posix_spawn or fork/exec, reaped with waitpid(-1).
Sample RunPlain(int trials, int parallel, bool use_fork) {
  Sample s;
  std::map<pid_t, Clock::time_point> started;
  char* argv[] = {const_cast<char*>(kProgram), nullptr};
  auto wall = Clock::now();
  int launched = 0;
  while (launched < trials || !started.empty()) {
    while (launched < trials && static_cast<int>(started.size()) < parallel) {
      auto t0 = Clock::now();
      pid_t pid = -1;
      if (use_fork) {
        pid = ::fork();
        if (pid == 0) {
          ::execve(kProgram, argv, environ);
          ::_exit(127);
        }
      } else if (::posix_spawn(&pid, kProgram, nullptr, nullptr, argv, environ) != 0) {
        pid = -1;
      }
      if (pid < 0) {
        std::perror("launch");
        std::exit(1);
      }
      s.launch_ms.push_back(Ms(Clock::now() - t0));
      started[pid] = t0;
      ++launched;
    }
    pid_t done = ::waitpid(-1, nullptr, 0);
    auto it = started.find(done);
    if (it == started.end()) continue;
    s.trial_ms.push_back(Ms(Clock::now() - it->second));
    started.erase(it);
  }
  s.wall_s = std::chrono::duration<double>(Clock::now() - wall).count();
  return s;
}

class Timing : public sweep::TrialEvents {
 public:
  void OnTrialStarted(const std::string&, int) override {}
  void OnMetrics(const std::string&, std::vector<sweep::MetricPoint>) override {}
  void OnTrialExited(const std::string& run_id, const sweep::TrialExit& exit) override {
    if (!exit.launch_error.empty()) {
      std::fprintf(stderr, "launch error: %s\n", exit.launch_error.c_str());
      std::exit(1);
    }
    sample.trial_ms.push_back(Ms(Clock::now() - started.at(run_id)));
    started.erase(run_id);
  }
  void OnInterrupt(int) override { std::exit(130); }

  std::map<std::string, Clock::time_point> started;
  Sample sample;
};

Sample RunLocalRunner(int trials, int parallel, const std::filesystem::path& logs) {
  Timing timing;
  auto runner = sweep::MakeLocalRunner(timing, sweep::RunnerOptions{});
  auto wall = Clock::now();
  int launched = 0;
  while (launched < trials || runner->active() > 0) {
    while (launched < trials && static_cast<int>(runner->active()) < parallel) {
      sweep::LaunchRequest r;
      r.run_id = "r" + std::to_string(launched);
      r.argv = {kProgram};
      r.log_dir = logs / r.run_id;
      auto t0 = Clock::now();
      timing.started[r.run_id] = t0;
      if (!runner->Launch(r).ok()) {
        std::fprintf(stderr, "Launch failed\n");
        std::exit(1);
      }
      timing.sample.launch_ms.push_back(Ms(Clock::now() - t0));
      ++launched;
    }
    runner->Poll(std::chrono::milliseconds(100));
  }
  timing.sample.wall_s = std::chrono::duration<double>(Clock::now() - wall).count();
  return timing.sample;
}

void Print(const char* name, const Sample& s, int trials) {
  std::printf("%-12s %10.3f %10.3f %10.3f %10.3f %9.2f %9.0f\n", name, Percentile(s.launch_ms, 0.5),
              Percentile(s.trial_ms, 0.5), Percentile(s.trial_ms, 0.9), s.wall_s * 1000 / trials, s.wall_s,
              trials / s.wall_s);
}

}  // namespace

int main(int argc, char** argv) {
  int trials = argc > 1 ? std::atoi(argv[1]) : kDefaultTrials;
  int parallel = argc > 2 ? std::atoi(argv[2]) : kDefaultParallel;
  if (trials <= 0 || parallel <= 0) {
    std::fprintf(stderr, "usage: %s [trials] [parallel]\n", argv[0]);
    return 2;
  }
  char tmpl[] = "/tmp/sweep-launch-bench-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return 1;
  std::filesystem::path logs = tmpl;

  Sample fork_exec = RunPlain(trials, parallel, /*use_fork=*/true);
  Sample spawn = RunPlain(trials, parallel, /*use_fork=*/false);
  Sample local = RunLocalRunner(trials, parallel, logs);
  std::filesystem::remove_all(logs);

  std::printf("%d launches of %s, %d at a time (times in ms)\n", trials, kProgram, parallel);
  std::printf("%-12s %10s %10s %10s %10s %9s %9s\n", "method", "launch p50", "trial p50", "trial p90",
              "wall/trial", "wall s", "trials/s");
  Print("fork/exec", fork_exec, trials);
  Print("posix_spawn", spawn, trials);
  Print("LocalRunner", local, trials);
  std::printf("LocalRunner overhead over fork/exec, median per trial: %.3f ms\n",
              Percentile(local.trial_ms, 0.5) - Percentile(fork_exec.trial_ms, 0.5));
  return 0;
}
