#include "tracking/run_params.h"

#include <algorithm>

#include "core/value_json.h"

namespace sweep {

Result<AddedParams> AddNewParams(const std::string& stored_params_json, const Config& reported) {
  auto stored = ParseJson(stored_params_json);
  if (!stored.ok()) return stored.error();
  if (!stored->is_map()) return Error::Internal("stored params are not a JSON object: " + stored_params_json);
  ValueMap merged = stored->as_map();
  AddedParams result;
  for (const auto& [name, value] : reported) {
    const bool known = std::any_of(merged.begin(), merged.end(), [&](const auto& kv) { return kv.first == name; });
    if (known) continue;
    merged.emplace_back(name, value);
    result.added.emplace_back(name, value);
  }
  result.params_json = ToJson(Value(std::move(merged)));
  return result;
}

}  // namespace sweep
