// The report page's inline stylesheet and scripts, written by hand so the
// page needs no network and no third-party code. Internal to sweep_report.
#pragma once

namespace sweep::report {

// Installed first, in its own <script>, so even a syntax error in the main
// script is recorded: window errors go to <body data-errors="...">.
extern const char kReportErrorHook[];
// Reads the JSON in #report-data and draws every chart (see report_json.h
// for the layout); sets <body data-status="done"> when it finished.
extern const char kReportScript[];
extern const char kReportStyle[];

}  // namespace sweep::report
