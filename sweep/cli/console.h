// Terminal output for the CLI: aligned tables, number and time formatting,
// and live sweep progress.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "core/search_space.h"
#include "core/value.h"
#include "sweep/controller.h"

namespace sweep::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void Print(std::FILE* out) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

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

// Prints one line per finished trial and the interrupt messages.
class ConsoleProgress : public ControllerObserver {
 public:
  ConsoleProgress(MetricSpec metric, std::optional<std::int64_t> planned) : metric_(std::move(metric)), planned_(planned) {}
  void OnRunStarted(const RunRecord& run) override;
  void OnRunEnded(const RunRecord& run, std::optional<double> objective) override;
  void OnInterrupt(int presses) override;

 private:
  MetricSpec metric_;
  std::optional<std::int64_t> planned_;
  std::int64_t ended_ = 0;
  std::optional<double> best_;
};

}  // namespace sweep::cli
