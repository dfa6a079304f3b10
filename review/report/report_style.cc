#include "review/report/report_assets.h"

namespace sweep::report {

const char kReportErrorHook[] = R"JS(
window.onerror = function (msg, src, line) {
  var b = document.body || document.documentElement;
  b.dataset.errors = (b.dataset.errors ? b.dataset.errors + ' | ' : '') + msg + ' (line ' + line + ')';
};
)JS";

const char kReportStyle[] = R"CSS(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;
  color:#1d2330;background:#f6f7f9;font-size:14px}
header,section{background:#fff;margin:16px auto;max-width:1180px;padding:16px 24px;border-radius:8px;
  box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{margin:0 0 4px;font-size:24px} h2{font-size:17px;margin:0 0 4px}
.meta,.help{color:#5b6475;margin:4px 0 10px} code{font-size:12px;background:#eef0f4;padding:1px 4px;border-radius:3px}
.counts{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:8px}
.counts li{background:#eef0f4;border-radius:12px;padding:3px 10px}
.counts .st-finished{background:#e3f4e6}.counts .st-failed,.counts .st-crashed{background:#fbe3e3}
.counts .st-stopped{background:#fff1d6}.counts .st-killed{background:#ececec}
.best h2{font-size:15px;margin-top:8px}
table.kv th{text-align:left;padding:1px 12px 1px 0;font-weight:600} table.kv td{font-family:monospace}
svg{display:block;font-size:11px} svg text{fill:#333}
.axis line,.axis path{stroke:#9aa3b2;fill:none;shape-rendering:crispEdges}
.grid line{stroke:#eceef2;shape-rendering:crispEdges}
#scatter{display:flex;flex-wrap:wrap;gap:12px}
.note{color:#8a5a00;background:#fff7e6;padding:8px 12px;border-radius:6px}
.tablewrap{max-height:640px;overflow:auto;border:1px solid #e3e6eb}
table.runs{border-collapse:collapse;font-size:12px;width:100%}
table.runs th{position:sticky;top:0;background:#eef0f4;cursor:pointer;text-align:left;padding:4px 8px;
  white-space:nowrap;user-select:none}
table.runs td{padding:2px 8px;border-top:1px solid #f0f1f4;white-space:nowrap;max-width:360px;
  overflow:hidden;text-overflow:ellipsis}
table.runs tr.failed td,table.runs tr.crashed td{background:#fdf1f1}
table.runs tr.stopped td{background:#fffaf0}
button{margin:8px 0;padding:4px 12px}
.legend span{display:inline-block;margin-right:14px}
.legend i{display:inline-block;width:14px;height:3px;vertical-align:middle;margin-right:4px}
)CSS";

}  // namespace sweep::report
