// `sweep ui`: serves the live dashboard over the store until Ctrl-C. Thin
// over dashboard/server: open the store read-only, start, print the URL.
#include <spawn.h>
#include <sys/wait.h>

#include <csignal>
#include <cstdio>
#include <thread>

#include "dashboard/server/http_server.h"
#include "sweep/cli/cli.h"
#include "tracking/postgres/postgres_store.h"

extern char** environ;

namespace sweep::cli {
namespace {

struct UiFlags {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string token;
  bool open = false;
  bool actions = false;
};

// Hands the URL to the desktop's browser (xdg-open), without a shell.
void OpenInBrowser(const std::string& url) {
  const char* argv[] = {"xdg-open", url.c_str(), nullptr};
  pid_t pid = 0;
  if (posix_spawnp(&pid, "xdg-open", nullptr, nullptr, const_cast<char* const*>(argv), environ) != 0) {
    std::fprintf(stderr, "sweep: could not run xdg-open; open the URL yourself\n");
  }
}

int ServeUi(const UiFlags& flags, const GlobalOptions& global) {
  const std::string location = ResolveStorePath(global);
  auto store = OpenStoreReadOnly(location);
  if (!store.ok()) {
    if (store.error().code == ErrorCode::kNotFound && !IsPostgresUrl(location)) {
      return ReportError(Error::NotFound("no store at " + location + " (run `sweep run <spec>` first, or pass --store / set " +
                                         kStoreEnvVar + ")"));
    }
    return ReportError(store.error());
  }
  dashboard::ServerOptions options;
  options.host = flags.host;
  options.port = flags.port;
  options.token = flags.token;
  if (options.token.empty() && !dashboard::IsLoopbackHost(flags.host)) options.token = dashboard::NewToken();
  // Ctrl-C and SIGTERM end the server from a watcher thread: blocked here,
  // before the server's threads start, so they inherit the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  // Actions write through a store opened for each one, as the CLI's do.
  dashboard::WriterFactory writer;
  if (flags.actions) writer = [location] { return OpenStore(location); };
  dashboard::DashboardServer server(std::make_shared<dashboard::DashboardData>(std::move(store).value(), writer), options);
  if (auto st = server.Start(); !st.ok()) return ReportError(st.error());
  const std::string shown_host = flags.host.find(':') != std::string::npos ? "[" + flags.host + "]" : flags.host;
  std::string url = "http://" + shown_host + ":" + std::to_string(server.port()) + "/";
  if (!options.token.empty()) url += "?token=" + options.token;
  std::printf("sweep ui: serving %s (%s) at %s\nPress Ctrl-C to stop.\n", location.c_str(),
              flags.actions ? "read-only, runs can be stopped" : "read-only", url.c_str());
  std::fflush(stdout);
  if (flags.open) OpenInBrowser(url);
  std::thread watcher([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    server.Stop();
  });
  server.Wait();
  watcher.join();
  return kExitOk;
}

}  // namespace

void RegisterUiCommand(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<UiFlags>();
  CLI::App* cmd = app.add_subcommand("ui", "Serve the live dashboard (sweeps, runs, charts) over the store until Ctrl-C");
  cmd->add_option("--host", flags->host, "Address to listen on; anything but loopback requires a token")
      ->capture_default_str();
  cmd->add_option("--port", flags->port, "Port to listen on (0: any free port)")->capture_default_str()->check(
      CLI::Range(0, 65535));
  cmd->add_option("--token", flags->token,
                  "Token every request must carry (default: none on 127.0.0.1, a random one printed in the URL otherwise)");
  cmd->add_flag("--open", flags->open, "Open the URL in the desktop's browser (xdg-open)");
  cmd->add_flag("--actions", flags->actions,
                "Let the page stop running runs (as `sweep stop`); without it the dashboard only reads");
  AddStoreOption(*cmd, global);
  cmd->callback([flags, &global] {
    const int rc = ServeUi(*flags, global);
    if (rc != kExitOk) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sweep::cli
