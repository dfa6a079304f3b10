// Terminal output for the CLI: aligned tables, number and time formatting.
// The live view of a running sweep is live_view.h.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "core/search_space.h"
#include "core/value.h"

namespace sweep::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Every cell is printed through TerminalSafe (terminal_text.h): cells hold
  // params, tags and reasons a trial or a spec wrote.
  void Print(std::FILE* out) const;
  // Columns a column takes (cells clipped as Print clips them).
  std::size_t ColumnWidth(std::size_t column) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Columns of the terminal `out` is, or nullopt when it is not one.
std::optional<std::size_t> TerminalColumns(std::FILE* out);

// 6 significant digits, the way people read metrics; "-" for nothing.
std::string FormatMetric(double value);
// "850ms", "12.3s", "4m05s", "2h03m".
std::string FormatDuration(double seconds);
// The CLI's one way to print a wall time: local time with its offset from
// UTC, "2026-11-23 19:45:02 UTC+01:00" ("... UTC" where local time is UTC),
// so a time read off the terminal is never ambiguous. "-" for nothing (<= 0).
// JSON keeps Unix seconds.
std::string FormatTimestamp(double unix_seconds);
// "512 B", "1.5 KiB", "12.0 MiB", "3.2 GiB".
std::string FormatBytes(std::int64_t bytes);
// "lr=0.01 batch=32 opt=adam".
std::string FormatParams(const Config& params);
// One JSON document per line on stdout.
void PrintJsonLine(const Value& value);

}  // namespace sweep::cli
