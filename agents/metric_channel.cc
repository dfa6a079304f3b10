#include "agents/metric_channel.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "agents/metric_line_parser.h"

namespace sweep {
namespace {

bool IsPassedOnType(const std::string& t) {
  return t == "summary" || t == "config" || t == "artifact" || t == "finish";
}

}  // namespace

ChannelLine MetricChannelParser::Parse(std::string_view line, double now) {
  ChannelLine out;
  std::size_t first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return out;  // blank lines are harmless
  if (line.size() > kMaxChannelLineBytes) {
    out.bad = true;
    return out;
  }
  nlohmann::json doc = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) doc = nlohmann::json::parse(QuoteNonFiniteJsonLiterals(line), nullptr, false);
  auto type_it = doc.is_object() ? doc.find("t") : doc.end();
  if (!doc.is_object() || type_it == doc.end() || !type_it->is_string()) {
    out.bad = true;
    return out;
  }
  const std::string& type = type_it->get_ref<const std::string&>();
  if (IsPassedOnType(type)) {
    out.message = ChannelMessage{type, std::string(line.substr(first))};
    return out;
  }
  auto data = doc.find("data");
  if (type != "log" || data == doc.end() || !data->is_object()) {
    out.bad = true;
    return out;
  }
  std::optional<std::int64_t> step;
  if (auto s = doc.find("step"); s != doc.end() && s->is_number_integer()) step = s->get<std::int64_t>();
  double time = now;
  if (auto t = doc.find("time"); t != doc.end() && t->is_number()) time = t->get<double>();
  for (auto it = data->begin(); it != data->end(); ++it) {
    double value = 0;
    if (it->is_number()) {
      value = it->get<double>();
    } else if (it->is_boolean()) {
      value = it->get<bool>() ? 1.0 : 0.0;
    } else if (auto non_finite = it->is_string() ? NonFiniteJsonValue(it->get_ref<const std::string&>())
                                                 : std::nullopt) {
      value = *non_finite;
    } else {
      continue;
    }
    auto counter = next_step_.find(it.key());
    if (counter == next_step_.end()) counter = next_step_.emplace(it.key(), 0).first;
    std::int64_t point_step = step.value_or(counter->second);
    counter->second = point_step == INT64_MAX ? point_step : point_step + 1;
    out.points.push_back(MetricPoint{it.key(), point_step, value, time});
  }
  return out;
}

}  // namespace sweep
