#include "sweep/cli/console.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <cmath>
#include <ctime>
#include <optional>

#include "core/value_json.h"
#include "sweep/cli/terminal_text.h"

namespace sweep::cli {
namespace {

// Cells longer than this are cut with an ellipsis so a table stays readable.
constexpr std::size_t kMaxCellWidth = 60;

std::string Clip(const std::string& s) { return FitWidth(TerminalSafe(s), kMaxCellWidth); }



}  // namespace

std::optional<std::size_t> TerminalColumns(std::FILE* out) {
  if (isatty(fileno(out)) != 1) return std::nullopt;
  winsize size{};
  if (ioctl(fileno(out), TIOCGWINSZ, &size) != 0 || size.ws_col == 0) return std::nullopt;
  return size.ws_col;
}

std::size_t Table::ColumnWidth(std::size_t column) const {
  std::size_t width = column < header_.size() ? DisplayWidth(Clip(header_[column])) : 0;
  for (const auto& row : rows_)
    if (column < row.size()) width = std::max(width, DisplayWidth(Clip(row[column])));
  return width;
}

void Table::Print(std::FILE* out) const {
  std::vector<std::size_t> widths(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], DisplayWidth(Clip(row[i])));
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);
  // The last column (a reason, params) is not clipped at kMaxCellWidth: on a
  // terminal it gets what is left of the width, so a row never wraps; into a
  // pipe or a file it is printed whole.
  const std::optional<std::size_t> columns = TerminalColumns(out);
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      const bool last = i + 1 == row.size();
      std::string cell = last ? TerminalSafe(row[i]) : Clip(row[i]);
      if (last && columns) {
        const std::size_t used = DisplayWidth(line);
        cell = FitWidth(cell, *columns > used + 1 ? *columns - used - 1 : 1);
      }
      line += cell;
      if (!last) line.append(widths[i] - DisplayWidth(cell) + 2, ' ');
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
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  std::string out = buf;
  const long offset_minutes = tm.tm_gmtoff / 60;
  if (offset_minutes == 0) return out;
  const long magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", offset_minutes < 0 ? '-' : '+', magnitude / 60, magnitude % 60);
  return out + buf;
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

std::string FormatBytes(std::int64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  constexpr double kStep = 1024.0;
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= kStep && unit + 1 < std::size(kUnits)) {
    value /= kStep;
    ++unit;
  }
  char buffer[32];
  if (unit == 0) std::snprintf(buffer, sizeof buffer, "%lld B", static_cast<long long>(bytes));
  else std::snprintf(buffer, sizeof buffer, "%.1f %s", value, kUnits[unit]);
  return buffer;
}

}  // namespace sweep::cli
