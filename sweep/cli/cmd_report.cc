// `sweep report`: the one-file HTML report of a sweep, a snapshot of the
// dashboard's front-end with the data embedded (dashboard/server/snapshot.h).
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "dashboard/server/snapshot.h"
#include "sweep/cli/cli.h"
#include "sweep/cli/stored_sweep.h"
#include "sweep/clock.h"
#include "sweep/run_scope.h"

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
  // A sweep, or a project (its sweeps' and standalone runs), as the review commands resolve it.
  auto scope = LoadCliRunScope(**store, flags.sweep, flags.project);
  if (!scope.ok()) return ReportError(scope.error());
  const std::size_t run_count = scope->runs.size();
  dashboard::DashboardData data(std::move(store).value());
  std::ofstream out(flags.output, std::ios::binary);
  if (!out) return ReportError(Error::Io("cannot write " + flags.output));
  const Status written =
      scope->is_project
          ? dashboard::WriteScopeReport(data, scope->record, scope->spec, std::move(scope->runs), NowSeconds(), out)
          : dashboard::WriteSweepReport(data, scope->record.id, NowSeconds(), out);
  if (!written.ok()) {
    out.close();
    std::filesystem::remove(flags.output);
    return ReportError(written.error());
  }
  out.close();
  if (!out) return ReportError(Error::Io("writing " + flags.output + " failed"));
  std::error_code ec;
  const auto size = std::filesystem::file_size(flags.output, ec);
  std::printf("wrote %s (%zu runs, %llu bytes)\n", flags.output.c_str(), run_count,
              static_cast<unsigned long long>(ec ? 0 : size));
  return kExitOk;
}

}  // namespace

void RegisterReportCommand(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<ReportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Write a sweep's dashboard as one self-contained HTML file (no server, no network needed to view it)");
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
