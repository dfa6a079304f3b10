// Shared pieces of the `sweep` command-line commands. The CLI is a thin
// layer: parse flags, call the libraries, print.
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "core/result.h"
#include "tracking/store.h"

namespace sweep::cli {

// Exit codes (README "Exit codes").
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;

// The environment variable naming the store when --store is not given.
inline constexpr const char* kStoreEnvVar = "SWEEP_STORE";
// The default store, relative to the working directory (DESIGN.md "On disk").
inline constexpr const char* kDefaultStorePath = ".sweep/sweep.db";

struct GlobalOptions {
  std::string store;  // empty: SWEEP_STORE, then kDefaultStorePath
};

// --store flag, else $SWEEP_STORE, else .sweep/sweep.db.
std::string ResolveStorePath(const GlobalOptions& options);
// Folder holding one sub-folder per run: beside the database file.
std::string RunsRootFor(const std::string& store_path);
// The store as a trial is told it ($SWEEP_STORE), so clients it starts
// (`sweep record` for the `mlflow` module's nested runs) write to the same
// one: a database file as an absolute path (a trial may chdir), a URL as is.
std::string StoreLocationForTrials(const std::string& store_path);

// The environment variable naming the artifact content folder; needed for a
// PostgreSQL store whose users are on several machines (a shared folder).
inline constexpr const char* kArtifactDirEnvVar = "SWEEP_ARTIFACT_DIR";
// Where artifact content lives (tracking/content_store.h): $SWEEP_ARTIFACT_DIR,
// else `artifacts/` beside a SQLite database, else (a server store)
// .sweep/artifacts in the working directory.
std::string ContentRootFor(const std::string& store_path);

// Opens the store. With must_exist, a missing database file is a clear
// kNotFound error instead of a new empty store.
Result<std::unique_ptr<Store>> OpenCliStore(const GlobalOptions& options, bool must_exist);

// Prints "sweep: error: <message>" to stderr; returns the exit code for it.
int ReportError(const Error& error);

// Adds --store to a subcommand.
void AddStoreOption(CLI::App& command, GlobalOptions& options);

// Adds subcommand `name` (with --store) whose callback runs `body` on the
// flags CLI11 filled in and exits with its code. `flags` is shared with the
// options the caller adds; `global` must outlive the parse (it is main's).
template <typename Flags>
CLI::App* AddCommand(CLI::App& parent, const char* name, const std::string& help, std::shared_ptr<Flags> flags,
                     GlobalOptions& global, int (*body)(const Flags&, const GlobalOptions&)) {
  CLI::App* cmd = parent.add_subcommand(name, help);
  AddStoreOption(*cmd, global);
  cmd->callback([flags, &global, body] {
    const int rc = body(*flags, global);
    if (rc != kExitOk) throw CLI::RuntimeError(rc);
  });
  return cmd;
}

void RegisterRunCommand(CLI::App& app, GlobalOptions& options);
void RegisterValidateCommand(CLI::App& app);
void RegisterInspectCommands(CLI::App& app, GlobalOptions& options);
void RegisterAgentCommands(CLI::App& app, GlobalOptions& options);
void RegisterAskTellCommands(CLI::App& app, GlobalOptions& options);
void RegisterReviewCommands(CLI::App& app, GlobalOptions& options);
void RegisterReportCommand(CLI::App& app, GlobalOptions& options);
void RegisterUiCommand(CLI::App& app, GlobalOptions& options);
void RegisterRecordCommand(CLI::App& app, GlobalOptions& options);
void RegisterSlurmCommands(CLI::App& app, GlobalOptions& options);
void RegisterProjectsCommand(CLI::App& app, GlobalOptions& options);
void RegisterLabelCommands(CLI::App& app, GlobalOptions& options);
void RegisterHousekeepingCommands(CLI::App& app, GlobalOptions& options);
void RegisterLogsCommand(CLI::App& app, GlobalOptions& options);
void RegisterArtifactCommands(CLI::App& app, GlobalOptions& options);
void RegisterRegistryCommands(CLI::App& app, GlobalOptions& options);

}  // namespace sweep::cli
