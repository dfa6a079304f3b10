// JSON text <-> Value. The one place that converts, so the store, the agents
// and the CLI agree on how a parameter value is written down.
#pragma once

#include <string>
#include <string_view>

#include "core/json_limits.h"
#include "core/result.h"
#include "core/value.h"

namespace sweep {

// Compact JSON. Non-finite doubles become the bare tokens NaN/Infinity/-Infinity
// (what Python's json module writes and reads), since a trial may report them.
std::string ToJson(const Value& v);

// Parses JSON (also accepting NaN/Infinity tokens). Integers that fit in
// int64 stay integers; everything else numeric becomes double. Text over
// `max_bytes` or nested deeper than kMaxJsonDepth is refused before parsing
// (core/json_limits.h says why); errors are kInvalidInput.
Result<Value> ParseJson(std::string_view text, std::size_t max_bytes = kMaxJsonBytes);

}  // namespace sweep
