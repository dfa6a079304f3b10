// Writing runs as CSV, a JSON array or JSON Lines, ready for pandas:
// pd.read_csv(f), pd.DataFrame(json.load(f)), pd.read_json(f, lines=True).
//
// Columns, in order: id, number, state, param.NAME (every parameter any run
// has, first-appearance order), metric.NAME (every metric, by name),
// created_at, started_at, ended_at (Unix seconds), exit_code.
//
// CSV: RFC 4180 quoting (fields with , " CR LF or edge spaces are quoted,
// quotes doubled); a missing value is an empty cell; NaN is written NaN and
// infinities inf / -inf (what pandas reads as floats); floats use the
// shortest round-trip digits; booleans True/False; list and map parameter
// values as JSON text. JSON: one flat object per run with the same keys;
// missing values are null; non-finite numbers NaN / Infinity / -Infinity (as
// Python's json module writes and reads); parameter values keep their JSON
// type (maps stay objects).
//
// Thread-safety: pure functions writing to the caller's stream.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "review/run_row.h"

namespace sweep::review {

// The column names the writers use for `rows`.
std::vector<std::string> ExportColumns(const std::vector<RunRow>& rows);

void WriteCsv(const std::vector<RunRow>& rows, std::ostream& out);
void WriteJson(const std::vector<RunRow>& rows, std::ostream& out);
void WriteJsonl(const std::vector<RunRow>& rows, std::ostream& out);

}  // namespace sweep::review
