#include "tracking/run_labels.h"

#include <algorithm>

#include "core/value_json.h"

namespace sweep {
namespace {

Status CheckLabel(const std::string& label) {
  if (label.empty()) return Error::InvalidInput("a tag cannot be empty");
  if (label.size() > kMaxLabelBytes)
    return Error::InvalidInput("tag '" + label.substr(0, kMaxLabelBytes) + "...' is longer than " +
                               std::to_string(kMaxLabelBytes) + " bytes");
  for (unsigned char c : label) {
    if (c <= ' ' || c == 0x7f) return Error::InvalidInput("tag '" + label + "' has a space or control character");
  }
  return OkStatus();
}

}  // namespace

Result<std::vector<std::string>> ApplyLabelUpdate(std::vector<std::string> current, const RunLabelsUpdate& update) {
  if (update.name && update.name->size() > kMaxRunNameBytes)
    return Error::InvalidInput("a run name is at most " + std::to_string(kMaxRunNameBytes) + " bytes");
  if (update.notes && update.notes->size() > kMaxNotesBytes)
    return Error::InvalidInput("notes are at most " + std::to_string(kMaxNotesBytes) + " bytes");
  for (const auto& label : update.add_labels) {
    if (auto s = CheckLabel(label); !s.ok()) return s.error();
    current.push_back(label);
  }
  std::sort(current.begin(), current.end());
  current.erase(std::unique(current.begin(), current.end()), current.end());
  std::erase_if(current, [&](const std::string& label) {
    return std::find(update.remove_labels.begin(), update.remove_labels.end(), label) != update.remove_labels.end();
  });
  return current;
}

std::string LabelsToJson(const std::vector<std::string>& labels) {
  ValueList list(labels.begin(), labels.end());
  return ToJson(Value(std::move(list)));
}

}  // namespace sweep
