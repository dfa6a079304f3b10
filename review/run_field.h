// RunField: a named property of a run as the filter and sort languages spell
// it: metric.NAME, param.NAME (dotted nested names allowed), state, id,
// number, exit_code, duration, created_at, started_at, ended_at, reason, name,
// tag. `tag` stands for the run's set of tags: Resolve gives them comma-joined
// (for columns and sorting); the filter compares each one (run_filter.h).
//
// Thread-safety: plain value types; concurrent const access is safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "review/run_row.h"

namespace sweep::review {

// A resolved scalar: numbers (ints widen to double), strings, booleans.
using Scalar = std::variant<double, std::string, bool>;

struct RunField {
  enum class Kind {
    kMetric, kParam, kState, kId, kNumber, kExitCode, kDuration, kCreatedAt, kStartedAt, kEndedAt, kReason, kName, kTag
  };
  Kind kind = Kind::kId;
  std::string name;  // metric or parameter name; empty for the others

  // Parses "metric.loss", "param.opt.lr", "state", ...; nullopt when `text` is
  // none of them (including "metric." with an empty name).
  static std::optional<RunField> Parse(std::string_view text);
};

// The field's value for `row`; nullopt when the run lacks it (no such metric
// or parameter, unknown time, no exit code) or when a parameter value is not a
// scalar (null, list, map).
std::optional<Scalar> Resolve(const RunField& field, const RunRow& row);

// Converts a parameter value to a Scalar; nullopt for null, lists and maps.
std::optional<Scalar> ToScalar(const Value& v);

}  // namespace sweep::review
