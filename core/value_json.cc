#include "core/value_json.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace sweep {
namespace {

using Json = nlohmann::ordered_json;

Value FromJson(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null: return Value();
    case Json::value_t::boolean: return Value(j.get<bool>());
    case Json::value_t::number_integer: return Value(j.get<std::int64_t>());
    case Json::value_t::number_unsigned: {
      const auto u = j.get<std::uint64_t>();
      if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return Value(static_cast<std::int64_t>(u));
      return Value(static_cast<double>(u));
    }
    case Json::value_t::number_float: return Value(j.get<double>());
    case Json::value_t::string: return Value(j.get<std::string>());
    case Json::value_t::array: {
      ValueList list;
      list.reserve(j.size());
      for (const auto& item : j) list.push_back(FromJson(item));
      return Value(std::move(list));
    }
    case Json::value_t::object: {
      ValueMap map;
      map.reserve(j.size());
      for (auto it = j.begin(); it != j.end(); ++it) map.emplace_back(it.key(), FromJson(it.value()));
      return Value(std::move(map));
    }
    default: return Value();
  }
}

void AppendJson(const Value& v, std::string& out) {
  switch (v.kind()) {
    case Value::Kind::kNull: out += "null"; return;
    case Value::Kind::kBool: out += v.as_bool() ? "true" : "false"; return;
    case Value::Kind::kInt: out += std::to_string(v.as_int()); return;
    case Value::Kind::kDouble: {
      const double d = v.as_double();
      if (std::isnan(d)) out += "NaN";
      else if (std::isinf(d)) out += d > 0 ? "Infinity" : "-Infinity";
      else out += FormatPythonFloat(d);
      return;
    }
    case Value::Kind::kString: out += Json(v.as_string()).dump(-1, ' ', false, Json::error_handler_t::replace); return;
    case Value::Kind::kList: {
      out += '[';
      bool first = true;
      for (const auto& item : v.as_list()) {
        if (!first) out += ',';
        first = false;
        AppendJson(item, out);
      }
      out += ']';
      return;
    }
    case Value::Kind::kMap: {
      out += '{';
      bool first = true;
      for (const auto& [k, item] : v.as_map()) {
        if (!first) out += ',';
        first = false;
        out += Json(k).dump(-1, ' ', false, Json::error_handler_t::replace);
        out += ':';
        AppendJson(item, out);
      }
      out += '}';
      return;
    }
  }
}

// nlohmann rejects NaN/Infinity; Python's json writes them. Replace those bare
// tokens (outside strings) with sentinel strings (a JSON-escaped U+0001
// prefix no real payload starts with), then map them back.
constexpr const char* kNanSentinel = "\x01NaN";
constexpr const char* kPosInfSentinel = "\x01Infinity";
constexpr const char* kNegInfSentinel = "\x01-Infinity";

std::string QuoteNonFiniteTokens(std::string_view text, bool& replaced) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) out += text[++i];
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      out += c;
      continue;
    }
    auto starts = [&](std::string_view tok) { return text.substr(i, tok.size()) == tok; };
    if (starts("NaN")) {
      out += "\"\\u0001NaN\"";
      i += 2;
      replaced = true;
    } else if (starts("-Infinity")) {
      out += "\"\\u0001-Infinity\"";
      i += 8;
      replaced = true;
    } else if (starts("Infinity")) {
      out += "\"\\u0001Infinity\"";
      i += 7;
      replaced = true;
    } else {
      out += c;
    }
  }
  return out;
}

Value RestoreNonFinite(Value v) {
  if (v.is_string()) {
    const auto& s = v.as_string();
    if (s == kNanSentinel) return Value(std::numeric_limits<double>::quiet_NaN());
    if (s == kPosInfSentinel) return Value(std::numeric_limits<double>::infinity());
    if (s == kNegInfSentinel) return Value(-std::numeric_limits<double>::infinity());
    return v;
  }
  if (v.is_list()) {
    ValueList list;
    for (const auto& item : v.as_list()) list.push_back(RestoreNonFinite(item));
    return Value(std::move(list));
  }
  if (v.is_map()) {
    ValueMap map;
    for (const auto& [k, item] : v.as_map()) map.emplace_back(k, RestoreNonFinite(item));
    return Value(std::move(map));
  }
  return v;
}

}  // namespace

std::string ToJson(const Value& v) {
  std::string out;
  AppendJson(v, out);
  return out;
}

Result<Value> ParseJson(std::string_view text, std::size_t max_bytes) {
  if (Status bounded = CheckJsonLimits(text, max_bytes); !bounded.ok()) return bounded.error();
  bool replaced = false;
  const std::string prepared = QuoteNonFiniteTokens(text, replaced);
  Json j = Json::parse(prepared, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error::InvalidInput("invalid JSON");
  Value v = FromJson(j);
  return replaced ? RestoreNonFinite(std::move(v)) : v;
}

}  // namespace sweep
