// `sweep report`: the self-contained HTML report of a sweep. The store ->
// ReportData conversion is sweep/review_rows; this file only writes the file.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "review/report/html_report.h"
#include "sweep/cli/cli.h"
#include "sweep/run_scope.h"
#include "sweep/clock.h"
#include "sweep/review_rows.h"

namespace sweep::cli {
namespace {

struct ReportFlags {
  std::string sweep;
  std::string output = "report.html";
  bool project = false;
};

int WriteReport(const ReportFlags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto sweep = LoadRunScope(**store, flags.sweep, flags.project);
  if (!sweep.ok()) return ReportError(sweep.error());
  auto data = BuildReportData(**store, sweep->record, sweep->spec, sweep->runs, NowSeconds());
  if (!data.ok()) return ReportError(data.error());
  std::ofstream out(flags.output, std::ios::binary);
  if (!out) return ReportError(Error::Io("cannot write " + flags.output));
  if (auto st = report::WriteHtmlReport(*data, out); !st.ok()) return ReportError(st.error());
  out.close();
  if (!out) return ReportError(Error::Io("writing " + flags.output + " failed"));
  std::error_code ec;
  const auto size = std::filesystem::file_size(flags.output, ec);
  std::printf("wrote %s (%llu bytes, %zu runs)\n", flags.output.c_str(), static_cast<unsigned long long>(ec ? 0 : size),
              data->runs.size());
  return kExitOk;
}

}  // namespace

void RegisterReportCommand(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<ReportFlags>();
  CLI::App* cmd = app.add_subcommand("report", "Write a self-contained HTML report of a sweep (charts, runs, importance)");
  cmd->add_option("sweep", flags->sweep, "Sweep id, id prefix or name, or a project")->required();
  cmd->add_flag("--project", flags->project, "The target is a project: all its runs (sweeps and standalone)");
  cmd->add_option("-o,--output", flags->output, "HTML file to write")->capture_default_str();
  AddStoreOption(*cmd, global);
  cmd->callback([flags, &global] {
    const int rc = WriteReport(*flags, global);
    if (rc != kExitOk) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sweep::cli
