// The local TrialRunner: Boost.Process v1 starts trials, one Boost.Asio
// io_context on the caller's thread watches their pipes, their exit (SIGCHLD)
// and their timers. This is the only file that includes boost/process.hpp
// (it costs ~20 s of compile time per translation unit).
// Boost.Process 1.74 only enables its vfork launcher for pre-2008 POSIX
// feature macros; glibc still provides vfork(2), and we use it (see Launch).
#define BOOST_POSIX_HAS_VFORK 1

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <pthread.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "agents/line_splitter.h"
#include "agents/metric_channel.h"
#include "agents/metric_line_parser.h"
#include "agents/trial_containment.h"
#include "agents/trial_runner.h"
#include "core/wall_clock.h"

namespace sweep {
namespace {

namespace asio = boost::asio;
namespace bp = boost::process;

// One read per wakeup moves up to a full default Linux pipe buffer.
constexpr std::size_t kReadChunkBytes = 64 * 1024;
// The metric channel's pipe capacity (F_SETPIPE_SZ; Linux's unprivileged
// maximum by default). With the default 64 KiB a trial logging flat out
// fills the pipe every ~600 lines and then waits for the controller to be
// scheduled; on a busy machine those hand-offs, not parsing or SQLite, set
// the ingest rate (bench/channel_ingest). Best effort: a smaller limit or an
// exhausted per-user pipe quota leaves the default.
constexpr int kChannelPipeBytes = 1024 * 1024;
// After a trial's main process exits, the rest of its tree is killed
// (trial_containment.h) and its pipes reach EOF at once. Only a process that
// escaped containment (no cgroups, and a daemon neither in the trial's group
// nor carrying its run id) can hold them open: the exit is reported after
// this long anyway.
constexpr std::chrono::seconds kOutputDrainLimit{5};
// Handlers run by one Poll after the first event, so a flood of output from
// busy trials cannot keep Poll from returning to the controller.
constexpr int kMaxHandlersPerPoll = 4096;
// asio adds a timer's duration to steady_clock::now() in nanoseconds, which
// overflows past about 292 years and then fires at once; a longer timeout
// waits this long instead (a century: never, for a trial).
constexpr std::chrono::milliseconds kLongestTimeout = std::chrono::hours(24 * 365 * 100);
// Upper bound of descriptors scanned when close_range(2) is unavailable.
constexpr int kMaxFdScan = 65536;
// Exit code of a child whose controller died between fork and prctl.
constexpr int kExitParentGone = 127;
#ifndef CLOSE_RANGE_CLOEXEC
constexpr unsigned kCloseRangeCloexec = 1u << 2;  // from linux/close_range.h
#else
constexpr unsigned kCloseRangeCloexec = CLOSE_RANGE_CLOEXEC;
#endif

// Marks every descriptor above stderr except `keep` close-on-exec, so a trial
// inherits no other trial's pipes (whose EOF would otherwise never come).
// Runs in the forked child: async-signal-safe calls only.
void MarkCloexecExcept(int keep) {
#ifdef SYS_close_range
  bool ok = true;
  if (keep > 3) ok = ::syscall(SYS_close_range, 3u, static_cast<unsigned>(keep - 1), kCloseRangeCloexec) == 0;
  if (ok && ::syscall(SYS_close_range, static_cast<unsigned>(keep + 1), ~0u, kCloseRangeCloexec) == 0) return;
#endif
  long limit = ::sysconf(_SC_OPEN_MAX);
  int max_fd = (limit < 0 || limit > kMaxFdScan) ? kMaxFdScan : static_cast<int>(limit);
  for (int fd = 3; fd < max_fd; ++fd) {
    if (fd != keep) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
}

// Boost.Process initializer: what the child does between vfork and exec, and
// the reaping of a child whose exec failed (Boost does not wait for it).
// The child shares the parent's memory until exec, so only system calls here.
struct ChildSetup : bp::extend::handler {
  int channel_fd;
  pid_t parent;
  const char* cgroup_procs;     // the trial's cgroup.procs to join, or null
  const sigset_t* parent_mask;  // restored in the child before exec

  template <typename Executor>
  void on_exec_setup(Executor&) const {
    // All signals are blocked around vfork (see Launch): drop the runner's
    // handlers first, so nothing of ours runs in the child, then unblock.
    // SIGXFSZ too: the CLI ignores it, and an ignored signal survives exec.
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (int signal_number : {SIGCHLD, SIGINT, SIGTERM, SIGXFSZ}) ::sigaction(signal_number, &default_action, nullptr);
    ::sigprocmask(SIG_SETMASK, parent_mask, nullptr);
    if (cgroup_procs != nullptr) {
      // Joined before exec, so everything the trial starts is inside.
      const int fd = ::open(cgroup_procs, O_WRONLY | O_CLOEXEC);
      if (fd >= 0) {
        (void)::write(fd, "0", 1);
        ::close(fd);
      }
    }
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    // The controller may have died before prctl took effect.
    if (::getppid() != parent) ::_exit(kExitParentGone);
    ::fcntl(channel_fd, F_SETFD, 0);
    MarkCloexecExcept(channel_fd);
  }

  template <typename Executor>
  void on_error(Executor& exec, const std::error_code&) const {
    if (exec.pid > 0) ::waitpid(exec.pid, nullptr, 0);
  }
};

enum class StreamKind { kStdout, kStderr, kChannel };

struct Trial {
  Trial(asio::io_context& ioc, std::size_t tail_lines)
      : out(ioc), err(ioc), channel(ioc), tail_limit(tail_lines), timeout_timer(ioc), kill_timer(ioc),
        drain_timer(ioc) {}

  std::string run_id;
  pid_t pid = -1;
  bp::async_pipe out;
  bp::async_pipe err;
  asio::posix::stream_descriptor channel;
  std::vector<char> out_buf = std::vector<char>(kReadChunkBytes);
  std::vector<char> err_buf = std::vector<char>(kReadChunkBytes);
  std::vector<char> channel_buf = std::vector<char>(kReadChunkBytes);
  LineSplitter out_lines{kMaxMetricLineBytes};
  LineSplitter err_lines{kMaxMetricLineBytes};
  LineSplitter channel_lines{kMaxChannelLineBytes};
  MetricLineParser stdout_parser;
  MetricChannelParser channel_parser;
  // Opened on the first byte of output: most cheap trials print little or
  // nothing on stderr, and each file created costs an inode allocation,
  // the largest single cost of a short trial's launch (bench/orchestration).
  std::filesystem::path log_dir;
  int out_log = -1;
  int err_log = -1;
  int open_streams = 3;
  std::deque<std::string> stderr_tail;
  std::size_t tail_limit;
  asio::steady_timer timeout_timer;
  asio::steady_timer kill_timer;
  asio::steady_timer drain_timer;
  bool reaped = false;
  int wait_status = 0;
  bool termination_started = false;
  bool reported = false;
  TrialExit exit;

  ~Trial() {
    if (out_log >= 0) ::close(out_log);
    if (err_log >= 0) ::close(err_log);
  }
};

// Appending keeps the output of an earlier attempt of the same run.
constexpr int kLogFlags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;
constexpr mode_t kLogMode = 0644;

// Opens `log_dir`/`name` for appending unless `fd` is open already. A
// failure leaves -1: the log is best effort, like WriteAll.
void OpenLogOnce(int& fd, const std::filesystem::path& log_dir, const char* name) {
  if (fd < 0) fd = ::open((log_dir / name).c_str(), kLogFlags, kLogMode);
}

void WriteAll(int fd, std::string_view data) {
  while (fd >= 0 && !data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a full disk must not stop the trial; the log is best effort
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

class LocalRunner final : public TrialRunner {
 public:
  LocalRunner(TrialEvents& events, const RunnerOptions& options)
      : events_(events), options_(options), child_signals_(ioc_, SIGCHLD), interrupts_(ioc_, SIGINT, SIGTERM) {
    WaitChildSignal();
    WaitInterrupt();
  }

  ~LocalRunner() override {
    // Trials do not outlive their runner: kill what is left and reap it.
    boost::system::error_code ignored;
    for (auto& [id, trial] : trials_) {
      if (trial->pid > 0 && !trial->reaped) {
        ::kill(-trial->pid, SIGKILL);
        ::waitpid(trial->pid, nullptr, 0);
      }
      containment_.KillTree(id);
      trial->reported = true;  // handlers still queued must not report
      trial->out.close(ignored);
      trial->err.close(ignored);
      trial->channel.close(ignored);
      trial->timeout_timer.cancel();
      trial->kill_timer.cancel();
      trial->drain_timer.cancel();
    }
    child_signals_.cancel(ignored);
    interrupts_.cancel(ignored);
    shutting_down_ = true;
    // Let the cancelled handlers run so they release their trials while the
    // io_context is still whole.
    ioc_.restart();
    ioc_.poll();
    trials_.clear();
  }

  Status Launch(const LaunchRequest& request) override;

  void Terminate(const std::string& run_id) override {
    auto it = trials_.find(run_id);
    if (it == trials_.end() || it->second->reported || it->second->pid <= 0) return;
    if (!it->second->exit.timed_out) it->second->exit.terminated = true;
    BeginTermination(it->second);
  }

  void TerminateAll() override {
    for (auto& [id, trial] : trials_) Terminate(id);
  }

  std::size_t active() const override { return trials_.size() + pending_launch_errors_; }

  void Poll(std::chrono::milliseconds max_wait) override {
    if (ioc_.stopped()) ioc_.restart();
    const auto deadline = std::chrono::steady_clock::now() + max_wait;
    const std::size_t before = delivered_;
    while (delivered_ == before && std::chrono::steady_clock::now() < deadline) {
      if (ioc_.run_one_until(deadline) == 0) break;
    }
    for (int i = 0; i < kMaxHandlersPerPoll && ioc_.poll_one() > 0; ++i) {
    }
  }

 private:
  using TrialPtr = std::shared_ptr<Trial>;

  void WaitChildSignal() {
    child_signals_.async_wait([this](const boost::system::error_code& ec, int) {
      if (ec) return;
      ReapChildren();
      WaitChildSignal();
    });
  }

  void WaitInterrupt() {
    interrupts_.async_wait([this](const boost::system::error_code& ec, int signal_number) {
      if (ec) return;
      ++delivered_;
      events_.OnInterrupt(signal_number);
      WaitInterrupt();
    });
  }

  // SIGCHLDs coalesce, so every live trial is checked on each one.
  void ReapChildren() {
    std::vector<TrialPtr> exited;
    for (auto& [id, trial] : trials_) {
      if (trial->pid <= 0 || trial->reaped) continue;
      int status = 0;
      pid_t r = ::waitpid(trial->pid, &status, WNOHANG);
      if (r == trial->pid) {
        trial->reaped = true;
        trial->wait_status = status;
        exited.push_back(trial);
      }
    }
    for (const TrialPtr& trial : exited) OnReaped(trial);
    containment_.ReapOrphans();
  }

  void OnReaped(const TrialPtr& trial) {
    trial->timeout_timer.cancel();
    // The trial is its leader: what it left running ends now, which also
    // closes the pipes a background child held open.
    containment_.KillTree(trial->run_id);
    if (trial->open_streams == 0) {
      Report(trial);
      return;
    }
    trial->drain_timer.expires_after(kOutputDrainLimit);
    trial->drain_timer.async_wait([this, trial](const boost::system::error_code& ec) {
      if (!ec) Report(trial);
    });
  }

  void BeginTermination(const TrialPtr& trial) {
    if (trial->termination_started) return;
    trial->termination_started = true;
    ::kill(-trial->pid, SIGTERM);
    trial->kill_timer.expires_after(options_.kill_grace);
    trial->kill_timer.async_wait([this, trial](const boost::system::error_code& ec) {
      if (!ec && !trial->reported) containment_.KillTree(trial->run_id);
    });
  }

  template <typename Stream>
  void Read(const TrialPtr& trial, Stream& stream, std::vector<char>& buf, StreamKind kind) {
    stream.async_read_some(asio::buffer(buf), [this, trial, &stream, &buf, kind](
                                                  const boost::system::error_code& ec, std::size_t n) {
      if (trial->reported) return;
      if (n > 0) OnData(*trial, kind, std::string_view(buf.data(), n));
      if (ec) {
        OnEof(trial, kind);
        return;
      }
      Read(trial, stream, buf, kind);
    });
  }

  void DeliverPoints(Trial& trial, std::vector<MetricPoint>& points) {
    if (points.empty()) return;
    ++delivered_;
    events_.OnMetrics(trial.run_id, std::move(points));
    points.clear();
  }

  void OnStdoutLine(Trial& trial, std::string_view line, bool oversized, std::vector<MetricPoint>& points) {
    if (oversized) {
      ++trial.exit.oversized_stdout_lines;
      return;
    }
    auto parsed = trial.stdout_parser.Parse(line, NowSeconds());
    points.insert(points.end(), std::make_move_iterator(parsed.begin()), std::make_move_iterator(parsed.end()));
  }

  void OnStderrLine(Trial& trial, std::string_view line) {
    if (trial.tail_limit == 0) return;
    trial.stderr_tail.emplace_back(line);
    if (trial.stderr_tail.size() > trial.tail_limit) trial.stderr_tail.pop_front();
  }

  void OnChannelLine(Trial& trial, std::string_view line, bool oversized, std::vector<MetricPoint>& points) {
    if (oversized) {
      ++trial.exit.bad_channel_lines;
      if (trial.exit.channel_error.empty()) trial.exit.channel_error = OversizedChannelLineError();
      return;
    }
    ChannelLine parsed = trial.channel_parser.Parse(line, NowSeconds());
    if (parsed.bad) ++trial.exit.bad_channel_lines;
    if (!parsed.limit_error.empty() && trial.exit.channel_error.empty()) trial.exit.channel_error = parsed.limit_error;
    points.insert(points.end(), std::make_move_iterator(parsed.points.begin()),
                  std::make_move_iterator(parsed.points.end()));
    if (parsed.message) {
      DeliverPoints(trial, points);  // keep the order in which the trial wrote them
      ++delivered_;
      events_.OnChannelMessage(trial.run_id, *parsed.message);
    }
  }

  // Runs the splitter of `kind` over `chunk` (or finishes it when `at_eof`).
  void SplitLines(Trial& trial, StreamKind kind, std::string_view chunk, bool at_eof) {
    std::vector<MetricPoint> points;
    auto on_line = [&](std::string_view line, bool oversized) {
      switch (kind) {
        case StreamKind::kStdout: OnStdoutLine(trial, line, oversized, points); break;
        case StreamKind::kStderr: OnStderrLine(trial, line); break;
        case StreamKind::kChannel: OnChannelLine(trial, line, oversized, points); break;
      }
    };
    LineSplitter& splitter = kind == StreamKind::kStdout   ? trial.out_lines
                             : kind == StreamKind::kStderr ? trial.err_lines
                                                           : trial.channel_lines;
    if (at_eof) {
      splitter.Finish(on_line);
    } else {
      splitter.Feed(chunk, on_line);
    }
    DeliverPoints(trial, points);
  }

  void OnData(Trial& trial, StreamKind kind, std::string_view chunk) {
    if (kind == StreamKind::kStdout) {
      OpenLogOnce(trial.out_log, trial.log_dir, kStdoutLogName);
      WriteAll(trial.out_log, chunk);
    }
    if (kind == StreamKind::kStderr) {
      OpenLogOnce(trial.err_log, trial.log_dir, kStderrLogName);
      WriteAll(trial.err_log, chunk);
    }
    SplitLines(trial, kind, chunk, /*at_eof=*/false);
  }

  void OnEof(const TrialPtr& trial, StreamKind kind) {
    SplitLines(*trial, kind, {}, /*at_eof=*/true);
    if (--trial->open_streams == 0 && trial->reaped) Report(trial);
  }

  void Report(const TrialPtr& trial) {
    if (trial->reported) return;
    // Flush what a grandchild left unterminated in pipes we stop reading.
    for (StreamKind kind : {StreamKind::kStdout, StreamKind::kStderr, StreamKind::kChannel}) {
      SplitLines(*trial, kind, {}, /*at_eof=*/true);
    }
    trial->reported = true;
    containment_.KillTree(trial->run_id);
    containment_.Finished(trial->run_id);
    boost::system::error_code ignored;
    trial->timeout_timer.cancel();
    trial->kill_timer.cancel();
    trial->drain_timer.cancel();
    trial->out.close(ignored);
    trial->err.close(ignored);
    trial->channel.close(ignored);
    TrialExit exit = std::move(trial->exit);
    if (WIFEXITED(trial->wait_status)) exit.exit_code = WEXITSTATUS(trial->wait_status);
    if (WIFSIGNALED(trial->wait_status)) exit.signal = WTERMSIG(trial->wait_status);
    for (const std::string& line : trial->stderr_tail) {
      if (!exit.stderr_tail.empty()) exit.stderr_tail += '\n';
      exit.stderr_tail += line;
    }
    trials_.erase(trial->run_id);
    ++delivered_;
    events_.OnTrialExited(trial->run_id, exit);
  }

  void ReportLaunchError(const std::string& run_id, std::string message) {
    ++pending_launch_errors_;
    asio::post(ioc_, [this, run_id, message = std::move(message)] {
      --pending_launch_errors_;
      if (shutting_down_) return;
      TrialExit exit;
      exit.launch_error = message;
      ++delivered_;
      events_.OnTrialExited(run_id, exit);
    });
  }

  TrialEvents& events_;
  RunnerOptions options_;
  // Before the io_context: outlives every trial and handler.
  TrialContainment containment_;
  asio::io_context ioc_;
  asio::signal_set child_signals_;
  asio::signal_set interrupts_;
  std::map<std::string, TrialPtr> trials_;
  std::size_t pending_launch_errors_ = 0;
  bool shutting_down_ = false;
  // Events handed to the observer so far; Poll waits until this moves.
  std::size_t delivered_ = 0;

};

// Finds the program: argv[0] with a '/' is used as given (relative to the
// working dir, as a shell would), otherwise searched on the trial's PATH.
std::string ResolveProgram(const LaunchRequest& request, const std::string& path_env) {
  const std::string& name = request.argv[0];
  if (name.find('/') != std::string::npos) return name;
  std::vector<boost::filesystem::path> dirs;
  std::size_t start = 0;
  while (start <= path_env.size()) {
    std::size_t end = path_env.find(':', start);
    if (end == std::string::npos) end = path_env.size();
    dirs.emplace_back(end > start ? path_env.substr(start, end - start) : std::string("."));
    start = end + 1;
  }
  return bp::search_path(name, dirs).string();
}

Status LocalRunner::Launch(const LaunchRequest& request) {
  if (Status valid = ValidateLaunchRequest(request); !valid.ok()) return valid;
  if (trials_.count(request.run_id) != 0) return Error::Conflict("run " + request.run_id + " is already running");

  std::error_code fs_error;
  std::filesystem::create_directories(request.log_dir, fs_error);
  if (fs_error) return Error::Io("cannot create " + request.log_dir.string() + ": " + fs_error.message());

  auto trial = std::make_shared<Trial>(ioc_, options_.stderr_tail_lines);
  trial->run_id = request.run_id;
  trial->log_dir = request.log_dir;

  int channel_fds[2];
  if (::pipe2(channel_fds, O_CLOEXEC) != 0) return Error::Io(std::string("pipe2: ") + std::strerror(errno));
  (void)::fcntl(channel_fds[0], F_SETPIPE_SZ, kChannelPipeBytes);

  bp::environment env = boost::this_process::environment();
  env[kRunIdEnv] = request.run_id;  // the request may override it
  for (const auto& [name, value] : request.env) env[name] = value;
  env[kMetricsFdEnv] = std::to_string(channel_fds[1]);
  const char* path_env = std::getenv("PATH");
  auto path_it = request.env.find("PATH");
  std::string path = path_it != request.env.end() ? path_it->second : (path_env ? path_env : "");
  std::string program = ResolveProgram(request, path);
  if (program.empty()) {
    ::close(channel_fds[0]);
    ::close(channel_fds[1]);
    ReportLaunchError(request.run_id, "program not found on PATH: " + request.argv[0]);
    return OkStatus();
  }
  std::vector<std::string> args(request.argv.begin() + 1, request.argv.end());
  std::string dir = request.working_dir.empty() ? std::filesystem::current_path(fs_error).string()
                                                : request.working_dir.string();

  // vfork (what posix_spawn uses) is about twice as fast as fork for a large
  // controller. Signals stay blocked until the child has dropped our handlers.
  const std::string cgroup_procs = containment_.Prepare(request.run_id);
  sigset_t all_signals;
  sigset_t parent_mask;
  ::sigfillset(&all_signals);
  ::pthread_sigmask(SIG_BLOCK, &all_signals, &parent_mask);
  std::error_code launch_error;
  bp::child child;
  try {
    child = bp::child(bp::exe = program, bp::args = args, bp::std_in < bp::null, bp::std_out > trial->out,
                      bp::std_err > trial->err, bp::env = env, bp::start_dir = dir, bp::posix::use_vfork,
                      ChildSetup{{}, channel_fds[1], ::getpid(), cgroup_procs.empty() ? nullptr : cgroup_procs.c_str(), &parent_mask}, launch_error);
    ::pthread_sigmask(SIG_SETMASK, &parent_mask, nullptr);
  } catch (const std::exception& e) {
    ::pthread_sigmask(SIG_SETMASK, &parent_mask, nullptr);
    ::close(channel_fds[0]);
    ::close(channel_fds[1]);
    containment_.Finished(request.run_id);
    ReportLaunchError(request.run_id, std::string("cannot start ") + program + ": " + e.what());
    return OkStatus();
  }
  ::close(channel_fds[1]);
  if (launch_error || !child.valid()) {
    ::close(channel_fds[0]);
    containment_.Finished(request.run_id);
    ReportLaunchError(request.run_id, "cannot start " + program + ": " + launch_error.message());
    return OkStatus();
  }
  trial->pid = child.id();
  child.detach();  // we reap it ourselves on SIGCHLD
  // Also set from this side so a Terminate right after Launch finds the group.
  ::setpgid(trial->pid, trial->pid);
  containment_.Started(request.run_id, trial->pid);
  trial->channel.assign(channel_fds[0]);
  trials_.emplace(request.run_id, trial);

  asio::post(ioc_, [this, trial] {
    if (trial->reported) return;
    ++delivered_;
    events_.OnTrialStarted(trial->run_id, trial->pid);
  });
  Read(trial, trial->out, trial->out_buf, StreamKind::kStdout);
  Read(trial, trial->err, trial->err_buf, StreamKind::kStderr);
  Read(trial, trial->channel, trial->channel_buf, StreamKind::kChannel);
  if (request.timeout) {
    trial->timeout_timer.expires_after(std::min(*request.timeout, kLongestTimeout));
    trial->timeout_timer.async_wait([this, trial](const boost::system::error_code& ec) {
      if (ec || trial->reaped || trial->reported) return;
      trial->exit.timed_out = true;
      trial->exit.terminated = false;
      BeginTermination(trial);
    });
  }
  return OkStatus();
}

}  // namespace

std::unique_ptr<TrialRunner> MakeLocalRunner(TrialEvents& events, const RunnerOptions& options) {
  return std::make_unique<LocalRunner>(events, options);
}

}  // namespace sweep
