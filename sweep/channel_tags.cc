#include "sweep/channel_tags.h"

#include <algorithm>
#include <filesystem>

#include "agents/host/data_digest.h"
#include "core/value_json.h"
#include "sweep/objective.h"

namespace sweep {
namespace {

std::string TagText(const Value& value) {
  if (value.is_string()) return value.as_string();
  if (value.is_double()) return FormatPythonFloat(value.as_double());
  if (value.is_int()) return std::to_string(value.as_int());
  return ToJson(value);
}

bool IsInside(const std::filesystem::path& file, const std::filesystem::path& folder) {
  std::error_code ec;
  const auto f = std::filesystem::weakly_canonical(file, ec);
  if (ec) return false;
  const auto d = std::filesystem::weakly_canonical(folder, ec);
  if (ec) return false;
  auto [d_end, f_it] = std::mismatch(d.begin(), d.end(), f.begin(), f.end());
  return d_end == d.end() && f_it != f.end();
}

// An "input" message (a data version the client hashed, or a dataset's
// digest from another tool): name and digest required, the rest optional.
Result<DataInput> InputFromMessage(const Value& doc) {
  const Value* name = doc.find("name");
  const Value* digest = doc.find("digest");
  if (name == nullptr || !name->is_string() || name->as_string().empty() || digest == nullptr ||
      !digest->is_string() || digest->as_string().empty())
    return Error::InvalidInput("input message needs a name and a digest");
  if (digest->as_string().size() > kMaxInputDigestChars)
    return Error::InvalidInput("input " + name->as_string() + ": a digest longer than " +
                               std::to_string(kMaxInputDigestChars) + " characters");
  DataInput input;
  input.name = name->as_string();
  input.digest = digest->as_string();
  for (auto [field, out] : {std::pair{"size", &input.size}, std::pair{"files", &input.files}}) {
    const Value* v = doc.find(field);
    if (v != nullptr && (!v->is_int() || v->as_int() < 0))
      return Error::InvalidInput("input " + input.name + ": " + field + " must be a count");
    if (v != nullptr) *out = static_cast<std::uint64_t>(v->as_int());
  }
  if (const Value* rows = doc.find("rows"); rows != nullptr && rows->is_int() && rows->as_int() >= 0)
    input.rows = static_cast<std::uint64_t>(rows->as_int());
  for (auto [field, out] : {std::pair{"path", &input.path}, std::pair{"context", &input.context}}) {
    const Value* v = doc.find(field);
    if (v != nullptr && v->is_string()) *out = v->as_string();
  }
  return input;
}

}  // namespace

Result<std::map<std::string, std::string>> TagsFromChannelMessage(const ChannelMessage& message,
                                                                  const std::string& run_dir) {
  auto parsed = ParseJson(message.json);
  if (!parsed.ok()) return parsed.error();
  const Value& doc = *parsed;
  std::map<std::string, std::string> tags;
  if (message.type == "summary" || message.type == "config") {
    const Value* data = doc.find("data");
    if (data == nullptr || !data->is_map()) return Error::InvalidInput(message.type + " message without a data object");
    if (message.type == "config") {
      tags[kConfigTag] = ToJson(*data);
    } else {
      for (const auto& [key, value] : data->as_map()) tags[kSummaryTagPrefix + key] = TagText(value);
    }
  } else if (message.type == "artifact") {
    const Value* name = doc.find("name");
    const Value* path = doc.find("path");
    const Value* sha = doc.find("sha256");
    const Value* size = doc.find("size");
    if (name == nullptr || !name->is_string() || path == nullptr || !path->is_string() || sha == nullptr ||
        !sha->is_string())
      return Error::InvalidInput("artifact message needs name, path and sha256");
    if (!IsInside(path->as_string(), run_dir))
      return Error::InvalidInput("artifact " + path->as_string() + " is outside the run folder");
    tags[kArtifactTagPrefix + name->as_string()] =
        sha->as_string() + " " + (size != nullptr ? TagText(*size) : "?") + " " + path->as_string();
  } else if (message.type == "input") {
    auto input = InputFromMessage(doc);
    if (!input.ok()) return input.error();
    tags[kInputTagPrefix + input->name] = InputTagValue(*input);
  }
  return tags;
}

}  // namespace sweep
