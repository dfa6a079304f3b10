#include "sweep/spec/yaml_merge.h"

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "sweep/spec/yaml_value.h"

namespace sweep::spec {
namespace {

using Entry = std::pair<YamlNodePtr, YamlNodePtr>;

YamlError MergeError(const YamlNode& at, const std::string& expected) {
  return YamlError{at.line, at.column, "merge key '<<': expected " + expected + ", got " + DescribeNode(at)};
}

// The entries "<<: value" brings in, in PyYAML's order (a list's mappings
// last to first, so the earlier one is applied last and wins).
std::optional<YamlError> AppendMerged(const YamlNode& value, std::vector<Entry>& merged) {
  if (value.is_map()) {
    merged.insert(merged.end(), value.entries.begin(), value.entries.end());
    return std::nullopt;
  }
  if (!value.is_sequence()) return MergeError(value, "a mapping or a list of mappings");
  for (const auto& item : value.items)
    if (!item->is_map()) return MergeError(*item, "a mapping");
  for (auto it = value.items.rbegin(); it != value.items.rend(); ++it)
    merged.insert(merged.end(), (*it)->entries.begin(), (*it)->entries.end());
  return std::nullopt;
}

}  // namespace

bool IsMergeKey(const YamlNode& key) { return key.is_scalar() && !key.quoted && key.text == "<<"; }

std::optional<YamlError> ResolveMergeKeys(YamlNode& map) {
  std::vector<Entry> merged;
  std::vector<Entry> own;
  bool has_merge = false;
  for (const auto& entry : map.entries) {
    if (!IsMergeKey(*entry.first)) {
      own.push_back(entry);
      continue;
    }
    has_merge = true;
    if (auto error = AppendMerged(*entry.second, merged)) return error;
  }
  if (!has_merge) return std::nullopt;

  std::vector<Entry> out;
  std::unordered_map<std::string_view, std::size_t> place;  // key text -> index in `out`
  std::unordered_set<std::string_view> own_keys;
  for (const auto& entry : merged) {
    if (!entry.first->is_scalar()) {
      out.push_back(entry);  // not text: the spec checks report it
      continue;
    }
    const auto [it, fresh] = place.emplace(entry.first->text, out.size());
    if (fresh) out.push_back(entry);
    else out[it->second].second = entry.second;  // a later merged entry wins, in place
  }
  for (const auto& entry : own) {
    const std::string_view key = entry.first->text;
    const auto it = place.find(key);
    if (entry.first->is_scalar() && it != place.end() && own_keys.insert(key).second) {
      out[it->second] = entry;  // the mapping's own key wins, where the merged one was
    } else {
      if (entry.first->is_scalar()) {
        own_keys.insert(key);
        place.emplace(key, out.size());
      }
      out.push_back(entry);  // new, or written twice: left for the spec checks
    }
  }
  map.entries = std::move(out);
  return std::nullopt;
}

}  // namespace sweep::spec
