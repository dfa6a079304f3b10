#include "dashboard/server/run_columns.h"

#include <charconv>
#include <cmath>
#include <map>
#include <optional>

#include "dashboard/server/api_json.h"
#include "sweep/objective.h"

namespace sweep::dashboard {
namespace {

// Appends JSON text to one string: numbers by std::to_chars (the shortest
// text that reads back the same double), strings through nlohmann's
// escaping (which also replaces invalid UTF-8, as DumpJson does).
class JsonText {
 public:
  std::string& str() { return out_; }
  void Raw(std::string_view text) { out_ += text; }
  void Null() { out_ += "null"; }
  void Int(std::int64_t v) { Chars(v); }
  void Double(double v) {
    if (std::isnan(v)) return Raw("\"NaN\"");
    if (std::isinf(v)) return Raw(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    Chars(v);
  }
  // Unix seconds; 0 means "not reached" (api_json.h).
  void Time(double t) { t > 0 ? Double(t) : Null(); }
  void String(const std::string& s) {
    bool plain = true;
    for (unsigned char c : s) plain = plain && c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    if (plain) {
      out_ += '"';
      out_ += s;
      out_ += '"';
    } else {
      out_ += DumpJson(Json(s));
    }
  }
  void Value(const sweep::Value& v) {
    if (v.is_int()) return Int(v.as_int());
    if (v.is_double()) return Double(v.as_double());
    if (v.is_string()) return String(v.as_string());
    out_ += DumpJson(ValueJson(v));
  }

 private:
  template <typename T>
  void Chars(T v) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, end);
  }
  std::string out_;
};

// Writes "name":[cell(run) for each run].
template <typename Cell>
void Column(JsonText& out, std::string_view name, const std::vector<RunRecord>& runs, Cell cell) {
  out.Raw(",\"");
  out.Raw(name);
  out.Raw("\":[");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (i) out.Raw(",");
    cell(runs[i]);
  }
  out.Raw("]");
}

// Writes "field":{"key":[...],...} with one column per key that any run
// has, null where a run has none. `lookup(run, key)` gives a pointer or null.
template <typename Lookup, typename Write>
void KeyedColumns(JsonText& out, std::string_view field, const std::vector<RunRecord>& runs,
                  const std::vector<std::string>& keys, Lookup lookup, Write write) {
  out.Raw(",\"");
  out.Raw(field);
  out.Raw("\":{");
  for (std::size_t k = 0; k < keys.size(); ++k) {
    if (k) out.Raw(",");
    out.String(keys[k]);
    out.Raw(":[");
    for (std::size_t i = 0; i < runs.size(); ++i) {
      if (i) out.Raw(",");
      const auto* value = lookup(i, runs[i], keys[k]);
      value ? write(*value) : out.Null();
    }
    out.Raw("]");
  }
  out.Raw("}");
}

}  // namespace

std::string RunColumnsJson(const std::vector<RunRecord>& runs, const MetricSpec& metric) {
  JsonText out;
  out.str().reserve(runs.size() * 160);
  out.Raw("{\"count\":");
  out.Int(static_cast<std::int64_t>(runs.size()));
  Column(out, "id", runs, [&](const RunRecord& r) { out.String(r.id); });
  Column(out, "n", runs, [&](const RunRecord& r) { out.Int(r.number); });
  Column(out, "state", runs, [&](const RunRecord& r) { out.String(std::string(TrialStateName(r.state))); });
  Column(out, "obj", runs, [&](const RunRecord& r) {
    const auto objective = ObjectiveOf(r, metric);
    objective ? out.Double(*objective) : out.Null();
  });
  Column(out, "created", runs, [&](const RunRecord& r) { out.Time(r.created_at); });
  Column(out, "started", runs, [&](const RunRecord& r) { out.Time(r.started_at); });
  Column(out, "ended", runs, [&](const RunRecord& r) { out.Time(r.ended_at); });
  Column(out, "exit", runs, [&](const RunRecord& r) { r.exit_code ? out.Int(*r.exit_code) : out.Null(); });
  Column(out, "signal", runs, [&](const RunRecord& r) { r.signal ? out.Int(*r.signal) : out.Null(); });
  Column(out, "reason", runs, [&](const RunRecord& r) { out.String(r.failure_reason); });
  Column(out, "host", runs, [&](const RunRecord& r) { out.String(r.host); });
  Column(out, "name", runs, [&](const RunRecord& r) { out.String(r.name); });
  Column(out, "labels", runs, [&](const RunRecord& r) {
    out.Raw("[");
    for (std::size_t i = 0; i < r.labels.size(); ++i) {
      if (i) out.Raw(",");
      out.String(r.labels[i]);
    }
    out.Raw("]");
  });

  // Parameters in first-seen order (spec order for a sweep's runs).
  std::vector<std::string> param_names;
  std::map<std::string, bool> seen;
  for (const RunRecord& r : runs)
    for (const auto& [name, value] : r.params)
      if (seen.emplace(name, true).second) param_names.push_back(name);
  KeyedColumns(
      out, "params", runs, param_names,
      [](std::size_t, const RunRecord& r, const std::string& name) -> const sweep::Value* {
        for (const auto& [n, v] : r.params)
          if (n == name) return &v;
        return nullptr;
      },
      [&](const sweep::Value& v) { out.Value(v); });

  // Metrics: each run's summaries with the reported values (WithReportedSummary).
  std::vector<std::map<std::string, MetricSummary>> summaries;
  summaries.reserve(runs.size());
  std::map<std::string, bool> keys_seen;
  for (const RunRecord& r : runs) {
    summaries.push_back(WithReportedSummary(r));
    for (const auto& [key, s] : summaries.back()) keys_seen.emplace(key, true);
  }
  std::vector<std::string> keys;
  for (const auto& [key, unused] : keys_seen) keys.push_back(key);
  KeyedColumns(
      out, "m", runs, keys,
      [&](std::size_t i, const RunRecord&, const std::string& key) -> const double* {
        auto it = summaries[i].find(key);
        return it == summaries[i].end() ? nullptr : &it->second.last;
      },
      [&](double v) { out.Double(v); });
  out.Raw("}");
  return std::move(out.str());
}

}  // namespace sweep::dashboard
