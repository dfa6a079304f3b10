#include "dashboard/server/snapshot.h"

#include <nlohmann/json.hpp>

#include "dashboard/server/web_assets.h"
#include "dashboard/server/html_escape.h"

namespace sweep::dashboard {

Status WriteSnapshotHtml(std::string_view snapshot_json, const std::string& title, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         // The report's own inline script and style only; no network at all.
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
         "style-src 'unsafe-inline'; img-src data: blob:\">\n"
         "<title>Sweep report: "
      << HtmlEscape(title) << "</title>\n<style>" << WebAppCss()
      << "</style>\n</head>\n<body>\n<div id=\"app\"></div>\n"
         "<script type=\"application/json\" id=\"sweep-snapshot\">"
      << EscapeJsonForScript(std::string(snapshot_json)) << "</script>\n<script>" << WebAppJs()
      << "</script>\n</body></html>\n";
  out.flush();
  if (!out) return Error::Io("writing the HTML report failed");
  return OkStatus();
}

Status WriteSweepReport(DashboardData& data, const std::string& sweep_id, double generated_at, std::ostream& out) {
  auto json = data.SnapshotJson(sweep_id, generated_at, kReportTopCurves);
  if (!json.ok()) return json.error();
  const auto doc = nlohmann::json::parse(*json);
  const auto& sweep = doc["sweep"]["sweep"];
  std::string title = sweep["name"].get<std::string>();
  if (title.empty()) title = sweep["id"].get<std::string>();
  return WriteSnapshotHtml(*json, title, out);
}

Status WriteScopeReport(DashboardData& data, const SweepRecord& record, const SweepSpec& spec,
                        std::vector<RunRecord> runs, double generated_at, std::ostream& out) {
  auto json = data.ScopeSnapshotJson(record, spec, std::move(runs), generated_at, kReportTopCurves);
  if (!json.ok()) return json.error();
  return WriteSnapshotHtml(*json, record.name, out);
}

}  // namespace sweep::dashboard
