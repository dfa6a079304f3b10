#include "review/run_field.h"

#include <array>
#include <utility>

namespace sweep::review {
namespace {

constexpr std::string_view kMetricPrefix = "metric.";
constexpr std::string_view kParamPrefix = "param.";

constexpr std::array<std::pair<std::string_view, RunField::Kind>, 11> kPlainFields = {{
    {"state", RunField::Kind::kState},
    {"id", RunField::Kind::kId},
    {"number", RunField::Kind::kNumber},
    {"exit_code", RunField::Kind::kExitCode},
    {"duration", RunField::Kind::kDuration},
    {"created_at", RunField::Kind::kCreatedAt},
    {"started_at", RunField::Kind::kStartedAt},
    {"ended_at", RunField::Kind::kEndedAt},
    {"name", RunField::Kind::kName},
    {"tag", RunField::Kind::kTag},
    {"reason", RunField::Kind::kReason},
}};

std::optional<Scalar> FromOptional(const std::optional<double>& d) {
  if (!d) return std::nullopt;
  return Scalar(*d);
}

}  // namespace

std::optional<RunField> RunField::Parse(std::string_view text) {
  if (text.starts_with(kMetricPrefix) && text.size() > kMetricPrefix.size()) {
    return RunField{Kind::kMetric, std::string(text.substr(kMetricPrefix.size()))};
  }
  if (text.starts_with(kParamPrefix) && text.size() > kParamPrefix.size()) {
    return RunField{Kind::kParam, std::string(text.substr(kParamPrefix.size()))};
  }
  for (const auto& [name, kind] : kPlainFields) {
    if (name == text) return RunField{kind, ""};
  }
  return std::nullopt;
}

std::optional<Scalar> ToScalar(const Value& v) {
  if (v.is_number()) return Scalar(v.as_number());
  if (v.is_string()) return Scalar(v.as_string());
  if (v.is_bool()) return Scalar(v.as_bool());
  return std::nullopt;
}

std::optional<Scalar> Resolve(const RunField& field, const RunRow& row) {
  switch (field.kind) {
    case RunField::Kind::kMetric:
      return FromOptional(FindMetric(row, field.name));
    case RunField::Kind::kParam: {
      const Value* v = FindParam(row, field.name);
      return v == nullptr ? std::nullopt : ToScalar(*v);
    }
    case RunField::Kind::kState:
      return Scalar(std::string(TrialStateName(row.state)));
    case RunField::Kind::kId:
      return Scalar(row.id);
    case RunField::Kind::kNumber:
      return Scalar(static_cast<double>(row.number));
    case RunField::Kind::kExitCode:
      if (!row.exit_code) return std::nullopt;
      return Scalar(static_cast<double>(*row.exit_code));
    case RunField::Kind::kDuration:
      return FromOptional(Duration(row));
    case RunField::Kind::kCreatedAt:
      return FromOptional(row.created_at);
    case RunField::Kind::kStartedAt:
      return FromOptional(row.started_at);
    case RunField::Kind::kEndedAt:
      return FromOptional(row.ended_at);
    case RunField::Kind::kName:
      return Scalar(row.name);
    case RunField::Kind::kTag: {
      std::string joined;
      for (const auto& label : row.labels) joined += (joined.empty() ? "" : ",") + label;
      return Scalar(joined);
    }
    case RunField::Kind::kReason:
      if (row.reason.empty()) return std::nullopt;
      return Scalar(row.reason);
  }
  return std::nullopt;
}

}  // namespace sweep::review
