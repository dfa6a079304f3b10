// DashboardServer: `sweep ui`'s HTTP server. Serves the embedded front-end
// (web_assets.h) and the JSON API over a DashboardData, and pushes each
// sweep's changes to the page as server-sent events, polling the store's
// change stamps (Store::ListRunsChangedSince) every `poll_interval`.
//
// Safety: binds `host` (127.0.0.1 by default). A non-empty `token` is
// required on every request (Authorization: Bearer, the sweep_token cookie,
// or ?token= which also sets the cookie); without it, 401. When the host is
// a loopback address the Host header must name it too (no DNS rebinding).
// Every response carries a Content-Security-Policy that allows only the
// server's own script and style, so injected markup cannot run script.
// The API is read-only (GET) unless the DashboardData has actions enabled:
// then POST /api/runs/ID/stop is served to requests that pass the CSRF
// guard (an X-Sweep-Action: 1 header, and an Origin, if any, equal to the
// Host); any other POST gets 403.
//
// Thread-safety: Start, Stop and port may be called from any one thread;
// requests are served on the server's own worker threads.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/result.h"
#include "dashboard/server/dashboard_data.h"

namespace sweep::dashboard {

// How often an open page's event stream asks the store what changed:
// well under the 1 s a change may take to show.
inline constexpr std::chrono::milliseconds kDefaultPollInterval{250};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (see DashboardServer::port)
  std::string token;  // empty: none required (only sensible on loopback)
  std::chrono::milliseconds poll_interval = kDefaultPollInterval;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackHost(const std::string& host);

// A random token (32 hex digits from the system's random device).
std::string NewToken();

class DashboardServer {
 public:
  DashboardServer(std::shared_ptr<DashboardData> data, ServerOptions options);
  ~DashboardServer();  // stops
  DashboardServer(const DashboardServer&) = delete;
  DashboardServer& operator=(const DashboardServer&) = delete;

  // Binds and starts serving on a background thread, and warms the newest
  // sweeps' caches on another (DashboardData::Warm). kIo when the address
  // cannot be bound (in use, not local).
  Status Start();
  // The bound port (the chosen one when options.port was 0).
  int port() const;
  // Blocks until Stop is called (from another thread or a signal watcher).
  void Wait();
  // Ends open event streams and stops serving. Idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sweep::dashboard
