#include "sweep/cli/console.h"

#include <algorithm>
#include <cmath>
#include <ctime>

#include "core/value_json.h"

namespace sweep::cli {
namespace {

// Width of text as a terminal shows it: count UTF-8 lead bytes only.
std::size_t DisplayWidth(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// Cells longer than this are cut with an ellipsis so a table stays readable.
constexpr std::size_t kMaxCellWidth = 60;

std::string Clip(const std::string& s) {
  if (DisplayWidth(s) <= kMaxCellWidth) return s;
  std::string out;
  std::size_t width = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80 && ++width > kMaxCellWidth - 1) break;
    out += static_cast<char>(c);
  }
  return out + "…";
}

}  // namespace

void Table::Print(std::FILE* out) const {
  std::vector<std::size_t> widths(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], DisplayWidth(Clip(row[i])));
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      const std::string cell = Clip(row[i]);
      line += cell;
      if (i + 1 < row.size()) line.append(widths[i] - DisplayWidth(cell) + 2, ' ');
    }
    std::fprintf(out, "%s\n", line.c_str());
  };
  print_row(header_);
  for (const auto& row : rows_) print_row(row);
}

std::string FormatMetric(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", value);
  return buf;
}

std::string FormatDuration(double seconds) {
  if (seconds <= 0) return "-";
  char buf[32];
  if (seconds < 1) std::snprintf(buf, sizeof buf, "%.0fms", seconds * 1000);
  else if (seconds < 60) std::snprintf(buf, sizeof buf, "%.1fs", seconds);
  else if (seconds < 3600) std::snprintf(buf, sizeof buf, "%dm%02ds", int(seconds) / 60, int(seconds) % 60);
  else std::snprintf(buf, sizeof buf, "%dh%02dm", int(seconds) / 3600, int(seconds) % 3600 / 60);
  return buf;
}

std::string FormatTimestamp(double unix_seconds) {
  if (unix_seconds <= 0) return "-";
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string FormatParams(const Config& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += ' ';
    out += name + "=" + (value.is_double() ? FormatMetric(value.as_double()) : FormatPythonArg(value));
  }
  return out;
}

void PrintJsonLine(const Value& value) { std::printf("%s\n", ToJson(value).c_str()); }

void ConsoleProgress::OnRunStarted(const RunRecord& /*run*/) {}

void ConsoleProgress::OnRunEnded(const RunRecord& run, std::optional<double> objective) {
  ++ended_;
  std::string metric = "-";
  if (objective) {
    metric = metric_.name + "=" + FormatMetric(*objective);
    if (run.state == TrialState::kFinished && std::isfinite(*objective) &&
        (!best_ || IsBetter(metric_.goal, *objective, *best_))) {
      best_ = *objective;
      metric += " (best)";
    }
  }
  const std::string progress =
      planned_ ? std::to_string(ended_) + "/" + std::to_string(*planned_) : std::to_string(ended_);
  std::string reason;
  if (run.state != TrialState::kFinished && !run.failure_reason.empty()) {
    reason = run.failure_reason.substr(0, run.failure_reason.find('\n'));
    reason = "  (" + reason + ")";
  }
  std::printf("[%s] %s %-8s %s  %s  %s%s\n", progress.c_str(), run.id.c_str(),
              std::string(TrialStateName(run.state)).c_str(), metric.c_str(), FormatParams(run.params).c_str(),
              FormatDuration(run.ended_at - run.started_at).c_str(), reason.c_str());
  std::fflush(stdout);
}

void ConsoleProgress::OnInterrupt(int presses) {
  if (presses == 1) {
    std::fprintf(stderr, "\nsweep: interrupted: no new trials will start; waiting for running ones "
                         "(Ctrl-C again to terminate them)\n");
  } else if (presses == 2) {
    std::fprintf(stderr, "\nsweep: terminating running trials (SIGTERM, then SIGKILL after the grace period)\n");
  }
}

}  // namespace sweep::cli
