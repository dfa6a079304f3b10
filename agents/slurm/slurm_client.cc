#include "agents/slurm/slurm_client.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "agents/host/command_output.h"

namespace sweep {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "123" or "123_4": anything else would reach squeue/scancel as an option or
// a job list, so it is refused up front.
bool IsValidJobId(std::string_view id) {
  const std::size_t underscore = id.find('_');
  if (underscore == std::string_view::npos) return AllDigits(id);
  return AllDigits(id.substr(0, underscore)) && AllDigits(id.substr(underscore + 1));
}

std::string FirstLine(std::string_view s) {
  while (!s.empty() && (s.front() == '\n' || s.front() == ' ')) s.remove_prefix(1);
  const std::size_t nl = s.find('\n');
  return std::string(s.substr(0, nl));
}

// Runs a Slurm client. A program that cannot be started is an environment
// problem (no Slurm on this machine), reported as kIo rather than the
// kNotFound RunCommand uses, which the CLI reserves for unknown ids.
Result<CommandOutput> RunSlurm(const std::vector<std::string>& argv) {
  Result<CommandOutput> out = RunCommand(argv, kSlurmCommandTimeout);
  if (!out.ok() && out.error().code == ErrorCode::kNotFound) {
    return Error::Io("cannot run " + argv[0] + " (is Slurm installed on this machine?): " +
                     out.error().message);
  }
  return out;
}

Error Failed(const std::string& program, const CommandOutput& out) {
  return Error::Io(program + " failed (exit " + std::to_string(out.exit_code) +
                   "): " + FirstLine(out.stderr_text.empty() ? out.stdout_text : out.stderr_text));
}

// Writes `text` to a new 0600 file in `dir`; returns its path.
Result<std::string> WriteScript(const std::string& text, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error::Io("cannot create log directory " + dir + ": " + ec.message());
  std::string path = dir + "/sweep-XXXXXX.sbatch";
  constexpr int kSuffixLength = 7;  // ".sbatch" after the XXXXXX
  const int fd = ::mkstemps(path.data(), kSuffixLength);
  if (fd < 0) return Error::Io("cannot create " + path + ": " + std::strerror(errno));
  std::string_view rest = text;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      return Error::Io("cannot write " + path + ": " + why);
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::close(fd) != 0) return Error::Io("cannot write " + path + ": " + std::strerror(errno));
  return path;
}

}  // namespace

Result<std::string> SubmitSbatch(const std::string& script_text, const std::string& log_dir,
                                 const SlurmCommands& commands) {
  Result<std::string> path = WriteScript(script_text, log_dir);
  if (!path.ok()) return path.error();
  Result<CommandOutput> out = RunSlurm({commands.sbatch, "--parsable", *path});
  if (!out.ok()) return out.error();
  if (out->exit_code != 0) return Failed(commands.sbatch, *out);
  // --parsable prints "jobid" or "jobid;cluster", possibly after warnings
  // on earlier lines; the id is on the last non-empty line.
  std::string_view text = out->stdout_text;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  if (const std::size_t nl = text.rfind('\n'); nl != std::string_view::npos) {
    text.remove_prefix(nl + 1);
  }
  text = text.substr(0, text.find(';'));
  if (!AllDigits(text)) {
    return Error::Io(commands.sbatch + " printed no job id: '" + out->stdout_text + "'");
  }
  return std::string(text);
}

Result<std::vector<SlurmJobState>> QueryJobs(const std::string& job_id,
                                             const SlurmCommands& commands) {
  if (!IsValidJobId(job_id)) return Error::InvalidInput("not a Slurm job id: '" + job_id + "'");

  // -r: one line per array task; -t all: finished tasks too, while the
  // controller still holds them (MinJobAge).
  Result<CommandOutput> sq =
      RunSlurm({commands.squeue, "-h", "-r", "-t", "all", "-j", job_id, "-o", "%i|%T|%R"});
  if (!sq.ok()) return sq.error();
  std::vector<SlurmJobState> active;
  if (sq->exit_code == 0) {
    Result<std::vector<SlurmJobState>> parsed = ParseSqueueOutput(sq->stdout_text);
    if (!parsed.ok()) return parsed.error();
    active = std::move(parsed).value();
  } else if (sq->stderr_text.find("Invalid job id") == std::string::npos) {
    // "Invalid job id specified" only means the controller forgot the job.
    return Failed(commands.squeue, *sq);
  }

  std::vector<SlurmJobState> finished;
  Result<CommandOutput> sa = RunCommand(
      {commands.sacct, "-n", "-P", "-j", job_id, "--format=JobID,State,ExitCode"},
      kSlurmCommandTimeout);
  // Without accounting sacct is missing or exits non-zero ("accounting
  // storage is disabled"): squeue's view is all there is.
  if (sa.ok() && sa->exit_code == 0) {
    Result<std::vector<SlurmJobState>> parsed = ParseSacctOutput(sa->stdout_text);
    if (!parsed.ok()) return parsed.error();
    finished = std::move(parsed).value();
  }

  std::vector<SlurmJobState> merged = MergeJobStates(std::move(active), std::move(finished));
  if (merged.empty()) return Error::NotFound("Slurm knows no job " + job_id);
  return merged;
}

Status CancelJob(const std::string& job_id, const SlurmCommands& commands) {
  if (!IsValidJobId(job_id)) return Error::InvalidInput("not a Slurm job id: '" + job_id + "'");
  Result<CommandOutput> out = RunSlurm({commands.scancel, job_id});
  if (!out.ok()) return out.error();
  if (out->exit_code != 0) return Failed(commands.scancel, *out);
  return OkStatus();
}

}  // namespace sweep
