// The JSON document the report page draws from. Internal to sweep_report;
// html_report.cc embeds it (after EscapeJsonForScript) and report_script.cc
// reads it. Layout, chosen to stay small for 10,000 runs:
//   sweep:   {id, name, method, metric, goal: "minimize"|"maximize", generated}
//   params:  [{name, dist, log, cat, cats: [labels]}]   (search-space order)
//   runs:    [[number, id, state, objective, created, duration, exit, reason,
//              [param values]]]  objective: number, null (none) or the
//              strings "NaN"/"Infinity"/"-Infinity"; a categorical parameter's
//              value is its index in cats, a numeric one a number or null.
//   curves:  [{n, id, stopped, s: [steps], v: [values]}]
//   importance: [{p, imp, std, rho, gp}],  importance_note
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "core/search_space.h"
#include "review/report/report_data.h"

namespace sweep::report {

// Curves embedded: the best runs' (the chart's subject) ...
inline constexpr std::size_t kTopCurveRuns = 10;
// ... and stopped runs' (to show where early termination cut), bounded so a
// sweep with thousands of stopped runs still draws a readable chart.
inline constexpr std::size_t kMaxStoppedCurves = 20;
// Points per curve: more than a 1100-pixel-wide chart can show.
inline constexpr std::size_t kMaxCurvePoints = 600;

// Log-scale parameters (IsLogScale, core/search_space.h) get logarithmic axes.

// The JSON text (compact, UTF-8; invalid UTF-8 in strings replaced by U+FFFD).
std::string BuildReportJson(const ReportData& data);

}  // namespace sweep::report
