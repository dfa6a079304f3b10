// libFuzzer target: one trial's stdout metric lines (MetricLineParser) and
// metric channel lines (MetricChannelParser). The input is split at '\n' and
// every line goes through both parsers, whose step counters persist across
// the lines of one input as they do across one trial's output.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agents/metric_channel.h"
#include "agents/metric_line_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  sweep::MetricLineParser line_parser;
  sweep::MetricChannelParser channel_parser;
  double now = 1.7e9;
  // The whole input as one line first (exercises the length limits and
  // embedded newlines), then line by line.
  (void)line_parser.Parse(input, now);
  (void)channel_parser.Parse(input, now);
  while (!input.empty()) {
    std::size_t end = input.find('\n');
    std::string_view line = input.substr(0, end);
    (void)line_parser.Parse(line, now);
    (void)channel_parser.Parse(line, now);
    sweep::QuoteNonFiniteJsonLiterals(line);
    now += 1.0;
    if (end == std::string_view::npos) break;
    input.remove_prefix(end + 1);
  }
  return 0;
}
