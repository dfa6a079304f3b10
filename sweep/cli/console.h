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
// "2026-11-23 19:45:02" in local time.
std::string FormatTimestamp(double unix_seconds);
// "lr=0.01 batch=32 opt=adam".
std::string FormatParams(const Config& params);
// One JSON document per line on stdout.
void PrintJsonLine(const Value& value);

}  // namespace sweep::cli
