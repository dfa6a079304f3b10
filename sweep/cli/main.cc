// `sweep`: hyperparameter sweeps with experiment tracking. Dispatch only.
#include <csignal>
#include <cstdio>

#include "sweep/cli/cli.h"
#include "sweep/cli/did_you_mean.h"

int main(int argc, char** argv) {
  // Past a file size limit (`ulimit -f`) the kernel's default for SIGXFSZ
  // kills the process mid-write; ignored, the write fails with EFBIG and the
  // store reports a clear error with what was stored kept intact.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"sweep: run hyperparameter sweeps from W&B-format specs and track every trial"};
  app.set_version_flag("--version", "sweep 0.1.0");
  app.require_subcommand(1);
  app.fallthrough(false);

  sweep::cli::GlobalOptions options;
  sweep::cli::RegisterRunCommand(app, options);
  sweep::cli::RegisterValidateCommand(app);
  sweep::cli::RegisterInspectCommands(app, options);
  sweep::cli::RegisterAgentCommands(app, options);
  sweep::cli::RegisterAskTellCommands(app, options);
  sweep::cli::RegisterReviewCommands(app, options);
  sweep::cli::RegisterReportCommand(app, options);
  sweep::cli::RegisterUiCommand(app, options);
  sweep::cli::RegisterRecordCommand(app, options);
  sweep::cli::RegisterSlurmCommands(app, options);
  sweep::cli::RegisterProjectsCommand(app, options);
  sweep::cli::RegisterLabelCommands(app, options);
  sweep::cli::RegisterHousekeepingCommands(app, options);
  sweep::cli::RegisterLogsCommand(app, options);
  sweep::cli::RegisterArtifactCommands(app, options);
  sweep::cli::RegisterRegistryCommands(app, options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a command's own exit code
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    const std::string hint = sweep::cli::SuggestForCommandLine(app, argc, argv);
    if (!hint.empty()) std::fprintf(stderr, "sweep: %s\n", hint.c_str());
    return sweep::cli::kExitBadInput;
  }
  return sweep::cli::kExitOk;
}
