// What a trial's channel messages (agents/metric_channel.h) record on its run.
// Metric points go through LogMetrics; the other messages become tags:
//   summary   {"data": {k: v}}  -> "summary.<k>" (numbers as Python writes them,
//                                  strings as is, anything else as JSON)
//   config    {"data": {...}}   -> "config" (the whole configuration the trial
//                                  used, defaults included; the last one wins)
//   artifact  {name, path, sha256, size} -> "artifact.<name>" = "<sha256> <size> <path>"
//   input     {name, digest, size, files, rows, path, context} -> "input.<name>" (a data
//             version: agents/host/data_digest.h)
//   finish                      -> nothing (the exit status is what counts)
#pragma once

#include <map>
#include <string>

#include "agents/metric_channel.h"
#include "core/result.h"

namespace sweep {

inline constexpr const char* kConfigTag = "config";
inline constexpr const char* kArtifactTagPrefix = "artifact.";

// kInvalidInput for malformed messages and for artifacts outside `run_dir`
// (a trial may only point at files in its own folder).
Result<std::map<std::string, std::string>> TagsFromChannelMessage(const ChannelMessage& message,
                                                                  const std::string& run_dir);

}  // namespace sweep
