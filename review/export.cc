#include "review/export.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "core/value_json.h"

namespace sweep::review {
namespace {

constexpr std::string_view kParamPrefix = "param.";
constexpr std::string_view kMetricPrefix = "metric.";

void AddNumber(std::vector<Value>& cells, const std::optional<double>& v) {
  if (v) cells.emplace_back(*v); else cells.emplace_back();
}

// The cells of one row as Values (null = missing), in ExportColumns order.
struct Table {
  std::vector<std::string> columns;
  std::vector<std::string> params, metrics;

  explicit Table(const std::vector<RunRow>& rows) {
    std::set<std::string> metric_set;
    for (const RunRow& row : rows) {
      for (const auto& [name, value] : row.params) {
        if (std::find(params.begin(), params.end(), name) == params.end()) params.push_back(name);
      }
      for (const auto& [name, value] : row.metrics) metric_set.insert(name);
    }
    metrics.assign(metric_set.begin(), metric_set.end());
    columns = {"id", "number", "state"};
    for (const auto& p : params) columns.push_back(std::string(kParamPrefix) + p);
    for (const auto& m : metrics) columns.push_back(std::string(kMetricPrefix) + m);
    for (const char* c : {"created_at", "started_at", "ended_at", "exit_code"}) columns.emplace_back(c);
  }

  std::vector<Value> Cells(const RunRow& row) const {
    std::vector<Value> cells;
    cells.reserve(columns.size());
    cells.emplace_back(row.id);
    cells.emplace_back(row.number);
    cells.emplace_back(std::string(TrialStateName(row.state)));
    for (const auto& p : params) {
      const Value* v = FindParam(row, p);
      cells.push_back(v != nullptr ? *v : Value());
    }
    for (const auto& m : metrics) AddNumber(cells, FindMetric(row, m));
    AddNumber(cells, row.created_at);
    AddNumber(cells, row.started_at);
    AddNumber(cells, row.ended_at);
    if (row.exit_code) cells.emplace_back(*row.exit_code); else cells.emplace_back();
    return cells;
  }
};

std::string CsvQuote(const std::string& s) {
  const bool needs = s.find_first_of(",\"\r\n") != std::string::npos ||
                     (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!needs) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvCell(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return "";
    case Value::Kind::kBool: return v.as_bool() ? "True" : "False";
    case Value::Kind::kInt: return std::to_string(v.as_int());
    case Value::Kind::kDouble: return std::isnan(v.as_double()) ? "NaN" : FormatPythonFloat(v.as_double());
    case Value::Kind::kString: return CsvQuote(v.as_string());
    default: return CsvQuote(ToJson(v));
  }
}

void WriteObject(const Table& table, const RunRow& row, std::ostream& out) {
  const std::vector<Value> cells = table.Cells(row);
  out << '{';
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out << ',';
    out << ToJson(Value(table.columns[i])) << ':' << ToJson(cells[i]);
  }
  out << '}';
}

}  // namespace

std::vector<std::string> ExportColumns(const std::vector<RunRow>& rows) { return Table(rows).columns; }

void WriteCsv(const std::vector<RunRow>& rows, std::ostream& out) {
  const Table table(rows);
  for (std::size_t i = 0; i < table.columns.size(); ++i) out << (i > 0 ? "," : "") << CsvQuote(table.columns[i]);
  out << '\n';
  for (const RunRow& row : rows) {
    const std::vector<Value> cells = table.Cells(row);
    for (std::size_t i = 0; i < cells.size(); ++i) out << (i > 0 ? "," : "") << CsvCell(cells[i]);
    out << '\n';
  }
}

void WriteJson(const std::vector<RunRow>& rows, std::ostream& out) {
  const Table table(rows);
  out << '[';
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out << (i > 0 ? ",\n" : "\n");
    WriteObject(table, rows[i], out);
  }
  out << "\n]\n";
}

void WriteJsonl(const std::vector<RunRow>& rows, std::ostream& out) {
  const Table table(rows);
  for (const RunRow& row : rows) {
    WriteObject(table, row, out);
    out << '\n';
  }
}

}  // namespace sweep::review
