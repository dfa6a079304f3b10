// The metric value of one member of a JSON metrics object, for the stdout
// line parser and the metric channel parser (private to agents/: it exposes
// nlohmann::json).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "agents/metric_line_parser.h"

namespace sweep {

// Numbers as they are, booleans as 1/0, and the strings that
// QuoteNonFiniteJsonLiterals wrote for NaN and ±Infinity; nullopt for
// anything else (strings, arrays, objects, null are not metrics).
inline std::optional<double> JsonMetricValue(const nlohmann::json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  if (v.is_string()) return NonFiniteJsonValue(v.get_ref<const std::string&>());
  return std::nullopt;
}

}  // namespace sweep
