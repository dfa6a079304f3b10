// MetricLineParser: turns one line of a trial's stdout into metric points, for
// programs that know nothing of the metric channel (metric_channel.h).
//
// A line counts as metrics only when the WHOLE line (leading and trailing
// blanks aside) is one of three shapes; any other line is only logged, so
// `print("Config: lr=0.01 seed=42")` or `print("Best val_loss=0.4")` creates
// no metric and cannot overwrite the objective:
//   * name=value pairs and nothing else, separated by whitespace or commas:
//       "loss=0.25, acc=0.91 lr=1e-3"
//     Names match [A-Za-z_][A-Za-z0-9_./-]*; every value must be a number as
//     std::from_chars reads it (including nan, inf, -inf). One token that is
//     not such a pair ("epoch", "3:", "mode=train") and the line is text.
//   * a JSON object: {"loss": 0.3, "step": 4}. Numeric members become points,
//     booleans become 0/1, anything else (strings, arrays, objects) is skipped.
//     Python's bare NaN / Infinity / -Infinity are accepted as numbers.
//   * a Python dict literal of numbers, as print(dict) writes it (Hugging
//     Face's Trainer logs this way): {'eval_loss': 0.5, 'epoch': 1.0}. Keys
//     are quoted strings; every value must be a number (nan, inf, -inf
//     included) or True/False; anything else and the line is text.
// "step" or "_step" on a line (in either shape) sets the step of the line's
// other points and is not itself reported.
//
// Steps without an explicit "step": each key has its own counter, starting at
// 0 and counting up by one each time the key is printed. We chose per-key
// rather than per-line counting so that a metric printed once per epoch
// (val_acc) gets steps 0, 1, 2 ... even when a per-batch metric is printed in
// between. After an explicit step s, the key's counter continues at s + 1.
//
// Lines longer than kMaxMetricLineBytes yield nothing (the runner still writes
// them to stdout.log). Garbage, binary and invalid UTF-8 yield nothing or the
// valid pairs among them; Parse never throws.
//
// Not thread-safe: one parser per trial (it holds the step counters).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agents/metric_steps.h"
#include "core/trial.h"

namespace sweep {

// Longest stdout line parsed for metrics. A metric line is a few hundred
// bytes; 64 KiB leaves room for a JSON line with thousands of keys while
// bounding per-trial buffering.
inline constexpr std::size_t kMaxMetricLineBytes = 64 * 1024;

class MetricLineParser {
 public:
  // Points on `line` in the order they appear, stamped with `now` (Unix seconds).
  std::vector<MetricPoint> Parse(std::string_view line, double now);

 private:
  std::vector<MetricPoint> ParseJson(std::string_view line, double now);
  std::vector<MetricPoint> ParsePairs(std::string_view line, double now);
  std::vector<MetricPoint> ParsePythonDict(std::string_view line, double now);
  // Numbers the line's points by key (and by its "step"/"_step", removed).
  std::vector<MetricPoint> Number(std::vector<MetricPoint> points, std::optional<std::int64_t> step);

  MetricSteps steps_;
};

// Reads a whole string_view as a double (nan, inf, -inf accepted). Shared
// with the metric channel parser.
std::optional<double> ParseMetricNumber(std::string_view text);

// Python's json.dumps writes NaN, Infinity and -Infinity, which are not JSON,
// and a diverging trial's loss is exactly such a value. This rewrites those
// bare literals (outside strings) to the strings "NaN", "Infinity" and
// "-Infinity" so the line parses; NonFiniteJsonValue reads them back.
std::string QuoteNonFiniteJsonLiterals(std::string_view json);
// The value of a JSON string written by QuoteNonFiniteJsonLiterals, if it is one.
std::optional<double> NonFiniteJsonValue(std::string_view text);

}  // namespace sweep
