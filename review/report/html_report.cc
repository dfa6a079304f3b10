#include "review/report/html_report.h"

#include <array>
#include <cmath>
#include <ctime>
#include <string>

#include "core/value.h"
#include "review/report/html_escape.h"
#include "review/report/report_assets.h"
#include "review/report/report_json.h"

namespace sweep::report {
namespace {

constexpr std::array kAllStates = {TrialState::kQueued,  TrialState::kRunning, TrialState::kFinished,
                                   TrialState::kFailed,  TrialState::kCrashed, TrialState::kKilled,
                                   TrialState::kStopped};

std::string FormatUtc(double epoch_seconds) {
  if (!(epoch_seconds > 0)) return "-";
  const std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

const ReportRun* BestRun(const ReportData& data) {
  const ReportRun* best = nullptr;
  for (const ReportRun& r : data.runs) {
    if (!r.objective || !std::isfinite(*r.objective)) continue;
    if (best == nullptr || IsBetter(data.goal, *r.objective, *best->objective)) best = &r;
  }
  return best;
}

// The summary is rendered here rather than in script so it reads even with
// scripts disabled; every user-provided string goes through HtmlEscape.
void WriteHeader(const ReportData& data, std::ostream& out) {
  const std::string& title = data.sweep_name.empty() ? data.sweep_id : data.sweep_name;
  out << "<header id=\"header\"><h1>" << HtmlEscape(title) << "</h1>\n<p class=\"meta\">sweep <code>"
      << HtmlEscape(data.sweep_id) << "</code> &middot; method <b>" << HtmlEscape(data.method)
      << "</b> &middot; metric <b>" << HtmlEscape(data.metric_name) << "</b> ("
      << (data.goal == Goal::kMaximize ? "maximize" : "minimize") << ") &middot; generated "
      << FormatUtc(data.generated_at) << "</p>\n<ul class=\"counts\"><li><b>" << data.runs.size()
      << "</b> runs</li>";
  for (TrialState s : kAllStates) {
    std::size_t n = 0;
    for (const ReportRun& r : data.runs) n += r.state == s;
    if (n == 0) continue;
    out << "<li class=\"st-" << TrialStateName(s) << "\"><b>" << n << "</b> " << TrialStateName(s)
        << "</li>";
  }
  out << "</ul>\n";
  if (const ReportRun* best = BestRun(data)) {
    out << "<div class=\"best\"><h2>Best run: #" << best->number << " <code>" << HtmlEscape(best->id)
        << "</code> &mdash; " << HtmlEscape(data.metric_name) << " = "
        << HtmlEscape(FormatPythonFloat(*best->objective)) << "</h2><table class=\"kv\">";
    for (const auto& [name, value] : best->params) {
      out << "<tr><th>" << HtmlEscape(name) << "</th><td>" << HtmlEscape(FormatPythonArg(value))
          << "</td></tr>";
    }
    out << "</table></div>\n";
  } else {
    out << "<div class=\"best\"><h2>No run has reported a finite value of the metric yet.</h2></div>\n";
  }
  out << "</header>\n";
}

void WriteSection(std::ostream& out, const char* id, const char* title, const char* help) {
  out << "<section><h2>" << title << "</h2><p class=\"help\">" << help << "</p><div id=\"" << id
      << "\" class=\"chart\"></div></section>\n";
}

}  // namespace

Status WriteHtmlReport(const ReportData& data, std::ostream& out) {
  const std::string title = data.sweep_name.empty() ? data.sweep_id : data.sweep_name;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>Sweep report: "
      << HtmlEscape(title) << "</title>\n<style>" << kReportStyle << "</style>\n<script>"
      << kReportErrorHook << "</script>\n</head>\n<body>\n";
  WriteHeader(data, out);
  out << "<main>\n";
  WriteSection(out, "history", "Optimization history",
               "Each finished run's metric by run number, and the best so far. Red crosses on the "
               "axis: failed, crashed or killed runs.");
  WriteSection(out, "parallel", "Parameters &rarr; metric",
               "Drag along an axis to filter runs (click an axis to clear its filter). Orange: the "
               "best 10% of runs.");
  WriteSection(out, "importance", "Parameter importance and correlation",
               "Importance &plusmn; standard deviation, and Spearman rank correlation with the metric.");
  WriteSection(out, "scatter", "Each parameter against the metric",
               "Orange: the best 10% of runs. Log-scale parameters on log axes.");
  WriteSection(out, "curves", "Metric over steps",
               "The best runs' curves; dashed: runs stopped early by the termination rule.");
  WriteSection(out, "runs", "Runs", "Click a column header to sort.");
  WriteSection(out, "failures", "Failures", "Failed, crashed and killed runs grouped by reason.");
  out << "</main>\n<script type=\"application/json\" id=\"report-data\">"
      << EscapeJsonForScript(BuildReportJson(data)) << "</script>\n<script>" << kReportScript
      << "</script>\n</body></html>\n";
  out.flush();
  if (!out) return Error::Io("writing the HTML report failed");
  return OkStatus();
}

}  // namespace sweep::report
