// The metric channel: a pipe dedicated to one trial, besides stdout, over
// which our client libraries report metrics and run metadata.
//
// PROTOCOL (version 1; clients are written against this text)
//   * The trial inherits the pipe's write end as an open file descriptor whose
//     number is in the environment variable SWEEP_METRICS_FD (decimal). A
//     program that does not know the protocol can ignore it.
//   * The trial writes UTF-8 JSON objects, one per line ("\n"-terminated; a
//     final unterminated line is accepted at EOF). Writes of up to PIPE_BUF
//     (4096) bytes are atomic, so threads writing whole lines do not
//     interleave.
//   * Limits: a line longer than kMaxChannelLineBytes, or nested deeper than
//     kMaxJsonDepth (core/json_limits.h), is dropped and FAILS the run with
//     the reason: no real client writes one, and nothing downstream has to
//     walk it.
//   * Every object has a string member "t", the message type:
//       {"t":"log","step":<int>,"time":<float>,"data":{"key":<number>,...}}
//           Metric points, one per numeric (or boolean: 0/1) member of "data";
//           other members are skipped. Python's bare NaN, Infinity and
//           -Infinity (json.dumps' default) are accepted as numbers. "step" is optional: without it each
//           key counts its own steps up from 0 (as MetricLineParser does), so
//           a client need not track steps. "time" (Unix seconds) is optional:
//           without it the runner's receive time is used.
//       {"t":"summary","data":{...}}       final/summary values of the run
//       {"t":"config","data":{...}}        configuration the run actually used
//       {"t":"artifact","name":"...","path":"...","sha256":"..."}
//       {"t":"run","name":"...","tags":[...],"notes":"..."}  what the script says about its run
//       {"t":"finish"}                     the client is done (optional)
//     summary, config, artifact, run and finish are handed to the observer
//     unparsed (TrialEvents::OnChannelMessage) with their raw JSON text;
//     interpreting them is the controller's business.
//   * Anything else (invalid JSON, not an object, no or unknown "t", a "log"
//     without an object "data") is counted as a bad line and ignored.
//   * Nothing written on the channel appears in stdout.log.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agents/metric_steps.h"
#include "core/trial.h"

namespace sweep {

// Environment variable naming the channel's file descriptor in the trial.
inline constexpr const char* kMetricsFdEnv = "SWEEP_METRICS_FD";

// Longest channel line accepted. Larger than stdout's limit because a summary
// or config message may carry a whole nested configuration.
inline constexpr std::size_t kMaxChannelLineBytes = 1024 * 1024;

// A channel message other than "log", passed on as received.
struct ChannelMessage {
  std::string type;  // "summary", "config", "artifact" or "finish"
  std::string json;  // the whole line, a JSON object
};

// What one channel line turned into. At most one of `points` / `message` is
// filled; `bad` is set when the line was not a valid message, and
// `limit_error` too (saying which limit) when it broke one of the limits
// above.
struct ChannelLine {
  std::vector<MetricPoint> points;
  std::optional<ChannelMessage> message;
  bool bad = false;
  std::string limit_error;
};

// Why a line over kMaxChannelLineBytes is refused (ChannelLine::limit_error).
std::string OversizedChannelLineError();

// Parses channel lines for one trial (it holds the per-key step counters).
// Never throws. Not thread-safe.
class MetricChannelParser {
 public:
  // `now` (Unix seconds) stamps points of a "log" message without "time".
  ChannelLine Parse(std::string_view line, double now);

 private:
  // The common flat "log" line without a JSON DOM; false leaves it to the
  // general path (metric_channel.cc says which lines qualify).
  bool ParseFlatLog(std::string_view line, double now, ChannelLine& out);

  MetricSteps steps_;
  std::vector<std::pair<std::string_view, double>> scratch_;  // reused across lines: no allocation per line
};

}  // namespace sweep
