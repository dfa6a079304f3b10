// `sweep logs RUN [--stderr] [-f]`: a run's output, followed while it runs.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "sweep/cli/cli.h"
#include "sweep/cli/terminal_text.h"

namespace sweep::cli {
namespace {

// How often -f looks for new output, and re-reads the run's state.
constexpr std::chrono::milliseconds kFollowPollInterval{200};
// Bytes read at a time: a multi-gigabyte log streams in bounded memory.
constexpr std::size_t kReadChunkBytes = 64 * 1024;

struct LogsFlags {
  std::string run;
  bool stderr_log = false;
  bool follow = false;
};

// Writes log bytes to stdout: escaped for a terminal (the log is the trial's
// own text), byte for byte into a pipe or a file.
class LogPrinter {
 public:
  LogPrinter() : escape_(isatty(fileno(stdout)) == 1) {}

  void Print(std::string bytes) {
    if (!escape_) {
      std::fwrite(bytes.data(), 1, bytes.size(), stdout);
      return;
    }
    // A UTF-8 character cut by the chunk boundary waits for the next chunk,
    // so it is not shown as invalid bytes.
    bytes.insert(0, held_);
    held_ = IncompleteUtf8Suffix(bytes);
    bytes.resize(bytes.size() - held_.size());
    const std::string safe = TerminalSafe(bytes, LineBreaks::kKeep);
    std::fwrite(safe.data(), 1, safe.size(), stdout);
  }

  void Finish() {
    if (!held_.empty()) {
      const std::string safe = TerminalSafe(held_, LineBreaks::kKeep);
      std::fwrite(safe.data(), 1, safe.size(), stdout);
      held_.clear();
    }
    std::fflush(stdout);
  }

 private:
  static std::string IncompleteUtf8Suffix(const std::string& bytes) {
    constexpr std::size_t kLongestSequence = 4;
    for (std::size_t back = 1; back <= std::min(bytes.size(), kLongestSequence - 1); ++back) {
      const unsigned char c = static_cast<unsigned char>(bytes[bytes.size() - back]);
      if ((c & 0xC0) == 0x80) continue;  // a continuation byte: look further back
      const std::size_t needed = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      return needed > back ? bytes.substr(bytes.size() - back) : std::string();
    }
    return {};
  }

  bool escape_;
  std::string held_;
};

// Prints what `in` holds past its position; false when nothing was there.
bool Drain(std::ifstream& in, LogPrinter& printer) {
  bool any = false;
  std::string chunk(kReadChunkBytes, '\0');
  while (true) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const std::streamsize got = in.gcount();
    if (got <= 0) break;
    any = true;
    printer.Print(chunk.substr(0, static_cast<std::size_t>(got)));
  }
  in.clear();  // at EOF: clear it, so a later read sees what the trial appends
  std::fflush(stdout);
  return any;
}

int ShowLogs(const LogsFlags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto run = (*store)->GetRun(flags.run);
  if (!run.ok()) return ReportError(run.error());
  const char* file_name = flags.stderr_log ? "stderr.log" : "stdout.log";
  LogPrinter printer;
  std::ifstream in;
  while (true) {
    if (!in.is_open() && !run->run_dir.empty()) in.open(std::filesystem::path(run->run_dir) / file_name, std::ios::binary);
    if (in.is_open()) Drain(in, printer);
    if (!flags.follow || IsTerminal(run->state)) break;
    std::this_thread::sleep_for(kFollowPollInterval);
    auto latest = (*store)->GetRun(run->id);
    if (!latest.ok()) return ReportError(latest.error());
    *run = std::move(latest).value();
  }
  if (in.is_open()) Drain(in, printer);  // what was written between the last read and the end
  printer.Finish();
  if (!in.is_open()) {
    if (run->run_dir.empty()) {
      return ReportError(Error::NotFound("run " + run->id + " has no output: it never started (" +
                                         std::string(TrialStateName(run->state)) + ")"));
    }
    // The runner creates a log on the stream's first byte: a run that
    // printed nothing there has an empty log, not a missing one.
    std::error_code ec;
    if (std::filesystem::is_directory(run->run_dir, ec)) return kExitOk;
    return ReportError(Error::NotFound("run " + run->id + " has no " + file_name + " in " + run->run_dir));
  }
  return kExitOk;
}

}  // namespace

void RegisterLogsCommand(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<LogsFlags>();
  CLI::App* cmd = app.add_subcommand("logs", "A run's output (stdout.log, or stderr.log with --stderr); -f follows a live run");
  cmd->add_option("run", flags->run, "Run id or id prefix")->required();
  cmd->add_flag("--stderr", flags->stderr_log, "Show stderr.log instead of stdout.log");
  cmd->add_flag("-f,--follow", flags->follow, "Keep printing what the run writes until it ends, like tail -f");
  AddStoreOption(*cmd, global);
  cmd->callback([flags, &global] {
    const int rc = ShowLogs(*flags, global);
    if (rc != kExitOk) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sweep::cli
