#include "sweep/run_info_message.h"

#include <string_view>

#include "core/value_json.h"
#include "sweep/channel_tags.h"
#include "sweep/failure_policy.h"
#include "sweep/objective.h"
#include "sweep/review_rows.h"

namespace sweep {
namespace {

// Reads the optional string field `key` into `out`; kInvalidInput when present with another type.
Status ReadString(const Value& doc, const char* key, std::optional<std::string>& out) {
  const Value* field = doc.find(key);
  if (field == nullptr || field->is_null()) return OkStatus();
  if (!field->is_string()) return Error::InvalidInput(std::string("run message: '") + key + "' must be a string");
  out = field->as_string();
  return OkStatus();
}

// set_tags: {"key": "value", ...}, strings only, no reserved keys.
Status ReadSetTags(const Value& doc, std::map<std::string, std::string>& out) {
  const Value* field = doc.find("set_tags");
  if (field == nullptr || field->is_null()) return OkStatus();
  if (!field->is_map()) return Error::InvalidInput("run message: 'set_tags' must be an object of strings");
  for (const auto& [key, value] : field->as_map()) {
    if (!value.is_string()) return Error::InvalidInput("run message: set_tags '" + key + "' must be a string");
    if (key.empty()) return Error::InvalidInput("run message: set_tags has an empty key");
    if (IsReservedTagKey(key)) return Error::InvalidInput("run message: tag '" + key + "' is written by Sweep itself");
    out[key] = value.as_string();
  }
  return OkStatus();
}

}  // namespace

bool IsReservedTagKey(const std::string& key) {
  const std::string_view k = key;
  for (const char* prefix : {kEnvTagPrefix, kGpuTagPrefix, kSweepTagPrefix, kSummaryTagPrefix, kArtifactTagPrefix}) {
    if (k.substr(0, std::string_view(prefix).size()) == prefix) return true;
  }
  return k == kConfigTag || k == kTagRetryOf || k == kTagAttempt;
}

Result<RunInfo> RunInfoFromChannelMessage(const ChannelMessage& message) {
  auto parsed = ParseJson(message.json);
  if (!parsed.ok()) return parsed.error();
  if (!parsed->is_map()) return Error::InvalidInput("run message is not a JSON object");
  RunInfo info;
  if (auto s = ReadString(*parsed, "name", info.labels.name); !s.ok()) return s.error();
  if (auto s = ReadString(*parsed, "notes", info.labels.notes); !s.ok()) return s.error();
  for (const char* key : {kGroupTag, kJobTypeTag}) {
    std::optional<std::string> value;
    if (auto s = ReadString(*parsed, key, value); !s.ok()) return s.error();
    if (value) info.tags[key] = *value;
  }
  if (auto s = ReadSetTags(*parsed, info.tags); !s.ok()) return s.error();
  if (const Value* tags = parsed->find("tags"); tags != nullptr && !tags->is_null()) {
    if (!tags->is_list()) return Error::InvalidInput("run message: 'tags' must be a list of strings");
    for (const Value& tag : tags->as_list()) {
      if (!tag.is_string()) return Error::InvalidInput("run message: 'tags' must be a list of strings");
      info.labels.add_labels.push_back(tag.as_string());
    }
  }
  return info;
}

Status RecordRunInfo(Store& store, const std::string& run_id, const RunInfo& info) {
  if (auto s = store.UpdateRunLabels(run_id, info.labels); !s.ok()) return s;
  if (info.tags.empty()) return OkStatus();
  return store.SetTags(run_id, info.tags);
}

}  // namespace sweep
