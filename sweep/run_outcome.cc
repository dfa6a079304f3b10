#include "sweep/run_outcome.h"

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

namespace sweep {
namespace {

// Between what happened and the stderr tail in a failure reason.
constexpr std::string_view kStderrMarker = "; last stderr:\n";

std::string WithStderr(std::string reason, const std::string& stderr_tail) {
  std::string tail = CapStderrTail(stderr_tail);
  if (tail.empty()) return reason;
  return reason + std::string(kStderrMarker) + tail;
}

// `line` cut to kMaxReasonLineChars UTF-8 characters, never inside one.
std::string CapLine(std::string_view line) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const bool starts_char = (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80;
    if (starts_char && ++chars > kMaxReasonLineChars) {
      return std::string(line.substr(0, i)) + "… (" + std::to_string(line.size() - i) + " more bytes in stderr.log)";
    }
  }
  return std::string(line);
}

std::string_view Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

// "30m" for 1800: a timeout as a spec writes it.
std::string SpecDuration(double seconds) {
  constexpr std::pair<double, const char*> kUnits[] = {{86400, "d"}, {3600, "h"}, {60, "m"}};
  for (const auto& [unit_seconds, suffix] : kUnits) {
    const double n = seconds / unit_seconds;
    if (n >= 1 && n == std::floor(n)) return std::to_string(static_cast<long long>(n)) + suffix;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%gs", seconds);
  return buf;
}

std::string KeysText(const std::map<std::string, MetricSummary>& summary) {
  // Many keys (per-layer gradients) would bury the message: name the first few.
  constexpr std::size_t kMaxKeysNamed = 12;
  std::string keys;
  std::size_t named = 0;
  for (const auto& [key, s] : summary) {
    if (key.rfind("system/", 0) == 0 || s.count == 0) continue;  // sampled by Sweep, not reported by the trial
    if (named == kMaxKeysNamed) return keys + ", …";
    keys += (named++ == 0 ? "'" : ", '") + key + "'";
  }
  return keys;
}

}  // namespace

std::string ChannelLimitReason(const std::string& error) { return "broke the metric channel's limits: " + error; }

std::string CapStderrTail(std::string_view stderr_tail) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= stderr_tail.size()) {
    std::size_t end = stderr_tail.find('\n', start);
    if (end == std::string_view::npos) end = stderr_tail.size();
    lines.push_back(CapLine(stderr_tail.substr(start, end - start)));
    start = end + 1;
  }
  while (!lines.empty() && Trim(lines.back()).empty()) lines.pop_back();
  // Keep the newest lines that fit: the exception is at the end of a traceback.
  std::size_t first = lines.size(), bytes = 0;
  while (first > 0 && bytes + lines[first - 1].size() + 1 <= kMaxReasonTailBytes) bytes += lines[--first].size() + 1;
  std::string out;
  for (std::size_t i = first; i < lines.size(); ++i) out += (i == first ? "" : "\n") + lines[i];
  return out;
}

std::string FailureHeadline(std::string_view reason) {
  const auto marker = reason.find(kStderrMarker);
  if (marker == std::string_view::npos) return std::string(reason.substr(0, reason.find('\n')));
  std::string_view tail = reason.substr(marker + kStderrMarker.size());
  std::string_view last;
  while (!tail.empty()) {
    const auto newline = tail.find('\n');
    const std::string_view line = Trim(tail.substr(0, newline));
    if (!line.empty()) last = line;
    if (newline == std::string_view::npos) break;
    tail.remove_prefix(newline + 1);
  }
  std::string headline(reason.substr(0, marker));
  if (!last.empty()) headline += ": " + std::string(last);
  return headline;
}

std::string SignalName(int signal_number) {
  // sigabbrev_np is glibc >= 2.32 (Debian 12 ships 2.36).
  if (const char* abbrev = sigabbrev_np(signal_number)) return std::string("SIG") + abbrev;
  return "signal " + std::to_string(signal_number);
}

RunOutcome ClassifyExit(const TrialExit& exit, EndRequest request, const MetricSpec& metric,
                        const std::map<std::string, MetricSummary>& summary, double ended_at,
                        std::optional<double> timeout_seconds) {
  RunOutcome out;
  out.exit_code = exit.exit_code;
  out.signal = exit.signal;
  out.ended_at = ended_at;

  if (!exit.launch_error.empty()) {
    out.state = TrialState::kFailed;
    out.failure_reason = "could not start: " + exit.launch_error;
    return out;
  }
  if (request == EndRequest::kEarlyStop) {
    out.state = TrialState::kStopped;
    out.failure_reason = "stopped early by the early-termination rule";
    return out;
  }
  if (request == EndRequest::kSweepRuntime) {
    out.state = TrialState::kKilled;
    out.failure_reason = "the sweep's max_runtime was reached";
    return out;
  }
  if (request == EndRequest::kControllerError) {
    out.state = TrialState::kCrashed;
    out.failure_reason = "controller error";  // the controller adds which
    return out;
  }
  if (request == EndRequest::kStopRequest) {
    out.state = TrialState::kKilled;
    out.failure_reason = kStoppedByUserReason;
    return out;
  }
  if (request == EndRequest::kUserInterrupt) {
    out.state = TrialState::kKilled;
    out.failure_reason = "interrupted by the user";
    return out;
  }
  if (exit.timed_out) {
    out.state = TrialState::kKilled;
    out.failure_reason = "exceeded its timeout";
    if (timeout_seconds) out.failure_reason += " of " + SpecDuration(*timeout_seconds);
    return out;
  }
  if (!exit.channel_error.empty()) {
    out.state = TrialState::kFailed;
    out.failure_reason = ChannelLimitReason(exit.channel_error);
    return out;
  }
  if (exit.signal) {
    out.state = TrialState::kFailed;
    out.failure_reason = WithStderr("killed by " + SignalName(*exit.signal), exit.stderr_tail);
    return out;
  }
  if (!exit.exit_code || *exit.exit_code != 0) {
    out.state = TrialState::kFailed;
    out.failure_reason = WithStderr(
        exit.exit_code ? "exited with code " + std::to_string(*exit.exit_code) : "exit status unknown",
        exit.stderr_tail);
    return out;
  }
  if (!metric.name.empty()) {
    auto it = summary.find(metric.name);
    if (it == summary.end() || it->second.count == 0) {
      out.state = TrialState::kFailed;
      const std::string reported = KeysText(summary);
      out.failure_reason = WithStderr("exited 0 but never reported the metric '" + metric.name + "' (" +
                                          (reported.empty() ? "it reported no metrics" : "it reported " + reported) +
                                          ")",
                                      exit.stderr_tail);
      return out;
    }
    if (!std::isfinite(it->second.last)) {
      out.state = TrialState::kFailed;
      out.failure_reason = "the metric '" + metric.name + "' ended as " +
                           (std::isnan(it->second.last) ? std::string("NaN") : std::string("infinite"));
      return out;
    }
  }
  out.state = TrialState::kFinished;
  return out;
}

}  // namespace sweep
