// The channel message in which a client names and describes its run:
//   {"t": "run", "name": "...", "tags": ["baseline", ...], "notes": "...",
//    "group": "...", "job_type": "...", "set_tags": {"key": "value", ...}}
// (every field optional), what `wandb.init(name=, tags=, notes=, group=,
// job_type=)`, `sweep_client.init(name=, tags=, notes=)` and the `mlflow`
// module's set_tag send. Name, tags and notes become the run's name, labels
// and notes (Store::UpdateRunLabels); group and job_type, which W&B also
// stores per run, the key/value tags "group" and "job_type"; set_tags are
// key/value tags as given (MLflow's run tags: "mlflow.parentRunId", ...).
// The tags are added to those the run already has.
#pragma once

#include <map>
#include <string>

#include "agents/metric_channel.h"
#include "core/result.h"
#include "tracking/store.h"

namespace sweep {

inline constexpr const char* kRunInfoMessageType = "run";
inline constexpr const char* kGroupTag = "group";
inline constexpr const char* kJobTypeTag = "job_type";

struct RunInfo {
  RunLabelsUpdate labels;
  std::map<std::string, std::string> tags;
};

// Key/value tags Sweep itself writes (the captured environment, summaries,
// artifacts, the configuration, retry links): a set_tags key that is one of
// them, or starts with one of their prefixes, would overwrite a recorded fact.
bool IsReservedTagKey(const std::string& key);

// kInvalidInput for a message that is not an object or has fields of the
// wrong type (a non-string name, a tag list with a non-string, set_tags not
// an object of strings) or a set_tags key that is empty or reserved.
Result<RunInfo> RunInfoFromChannelMessage(const ChannelMessage& message);

// Applies `info` to the run: labels first, then tags.
Status RecordRunInfo(Store& store, const std::string& run_id, const RunInfo& info);

}  // namespace sweep
