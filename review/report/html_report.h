// WriteHtmlReport: renders a sweep as one self-contained HTML file (inline CSS,
// inline JavaScript, SVG drawn in the browser; no network access when opened).
//
// The data is embedded once as JSON inside <script type="application/json">,
// escaped so that no user-provided string (sweep name, parameter values,
// failure reasons) can close the script element or inject markup; the page's
// script draws every chart from it and marks each chart container with
// data-drawn="<elements drawn>", and script errors with body[data-errors].
//
// Chart container ids: #header, #history, #parallel, #importance,
// #scatter-<index> (one per parameter, in search-space order; the parameter
// name is in the container's data-param), #curves, #runs, #failures.
//
// Thread-safety: a pure function of its arguments; safe to call concurrently
// on different streams.
#pragma once

#include <ostream>

#include "core/result.h"
#include "review/report/report_data.h"

namespace sweep::report {

// Writes the report to `out`. Fails (kIo) only when the stream fails.
// Runs are expected in any order; they are shown by `number`.
Status WriteHtmlReport(const ReportData& data, std::ostream& out);

}  // namespace sweep::report
