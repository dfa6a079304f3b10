// The only user of cpp-httplib (DESIGN.md): routes, authentication, security
// headers and the event streams. What the API answers is DashboardData's.
#include "dashboard/server/http_server.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <thread>

#include "dashboard/server/api_json.h"
#include "dashboard/server/web_assets.h"

namespace sweep::dashboard {
namespace {

// Worker threads: each open page holds one for its event stream, so a few
// tabs and their requests never starve each other.
constexpr std::size_t kWorkerThreads = 32;
// An idle event stream sends a comment this often, so proxies and the
// browser keep it open and a closed tab is noticed.
constexpr auto kKeepAliveInterval = std::chrono::seconds(15);
// Sweeps warmed at start: the newest are the ones a user opens first; the
// sweeps list reads every sweep's runs anyway, but only these get their
// runs document written ahead.
constexpr std::size_t kWarmSweeps = 3;
constexpr int kTokenBytes = 16;
constexpr const char* kTokenCookie = "sweep_token";

// Only the server's own files may run or style; data is fetched from the
// server alone; nothing may frame the page or be posted anywhere.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

constexpr const char* kJson = "application/json; charset=utf-8";
// The header a state-changing request must carry (ActionAllowed).
constexpr const char* kActionHeader = "X-Sweep-Action";
// Bytes sent per step of a file download.
constexpr std::size_t kFileChunkBytes = 1 << 16;

int HttpStatusFor(const Error& error) {
  switch (error.code) {
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kInvalidInput: return 400;
    case ErrorCode::kConflict: return 409;
    default: return 500;
  }
}

// Sends `body` through a sized content provider: httplib compresses plain
// bodies whenever the browser accepts it, with brotli at its slowest level
// (seconds for a 5 MB sweep on localhost, where compression buys nothing).
void SendUncompressed(httplib::Response& res, std::string body, const char* type) {
  auto text = std::make_shared<std::string>(std::move(body));
  res.set_content_provider(text->size(), type,
                           [text](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             return sink.write(text->data() + offset, std::min(length, text->size() - offset));
                           });
}

void Reply(httplib::Response& res, const Result<std::string>& body) {
  if (body.ok()) {
    SendUncompressed(res, *body, kJson);
    return;
  }
  res.status = HttpStatusFor(body.error());
  res.set_content(DumpJson({{"error", body.error().message}}), kJson);
}

// Streams a run's file as a download: never rendered by the browser (a
// run's HTML file must not run script in the dashboard's origin), never
// read whole into memory.
void SendFile(httplib::Response& res, const std::filesystem::path& file) {
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(file, ec);
  auto in = std::make_shared<std::ifstream>(file, std::ios::binary);
  if (ec || !*in) {
    Reply(res, Error::Io("cannot read " + file.filename().string()));
    return;
  }
  // The name as the browser saves it: plain characters only.
  std::string name = file.filename().string();
  for (char& c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_')) c = '_';
  res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
  res.set_header("Cache-Control", "no-store");
  res.set_content_provider(size, "application/octet-stream",
                           [in](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             std::string chunk(std::min<std::size_t>(length, kFileChunkBytes), '\0');
                             in->seekg(static_cast<std::streamoff>(offset));
                             in->read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
                             if (in->gcount() <= 0) return false;
                             return sink.write(chunk.data(), static_cast<std::size_t>(in->gcount()));
                           });
}

// The CSRF guard of every state-changing request: it must carry the
// X-Sweep-Action header (a page on another site cannot set it without a
// CORS preflight, which this server never grants) and, when the browser
// sends an Origin, that origin must be this server's own Host.
bool ActionAllowed(const httplib::Request& req) {
  if (req.get_header_value(kActionHeader) != "1") return false;
  const std::string origin = req.get_header_value("Origin");
  if (origin.empty()) return true;  // not a browser's cross-site request
  return origin == "http://" + req.get_header_value("Host");
}

// Constant-time comparison: the token must not leak through timing.
bool SameToken(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string CookieValue(const httplib::Request& req, const std::string& name) {
  const std::string cookies = req.get_header_value("Cookie");
  const std::string prefix = name + "=";
  std::size_t pos = 0;
  while (pos < cookies.size()) {
    while (pos < cookies.size() && (cookies[pos] == ' ' || cookies[pos] == ';')) ++pos;
    const std::size_t end = std::min(cookies.find(';', pos), cookies.size());
    if (cookies.compare(pos, prefix.size(), prefix) == 0) return cookies.substr(pos + prefix.size(), end - pos - prefix.size());
    pos = end;
  }
  return "";
}

std::size_t PointsParam(const httplib::Request& req) {
  if (!req.has_param("points")) return 0;
  try {
    return static_cast<std::size_t>(std::stoul(req.get_param_value("points")));
  } catch (const std::exception&) {
    return 0;
  }
}

std::vector<std::string> SplitIds(const std::string& text) {
  std::vector<std::string> ids;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t end = std::min(text.find(',', pos), text.size());
    if (end > pos) ids.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return ids;
}

}  // namespace

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

std::string NewToken() {
  std::random_device device;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < kTokenBytes; ++i) {
    const unsigned byte = device() & 0xFF;
    token += kHex[byte >> 4];
    token += kHex[byte & 0xF];
  }
  return token;
}

struct DashboardServer::Impl {
  std::shared_ptr<DashboardData> data;
  ServerOptions options;
  httplib::Server http;
  std::thread thread;
  std::thread warm_thread;
  int port = 0;
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::condition_variable stopped_cv;
  bool stopped = false;

  bool Authorized(const httplib::Request& req, httplib::Response& res) const;
  bool HostAllowed(const httplib::Request& req) const;
  void Routes();
  void EventStream(const std::string& sweep_id, std::string mark, httplib::Response& res);
};

bool DashboardServer::Impl::HostAllowed(const httplib::Request& req) const {
  if (!options.token.empty() || !IsLoopbackHost(options.host)) return true;
  const std::string host = req.get_header_value("Host");
  const std::string port_suffix = ":" + std::to_string(port);
  for (const char* name : {"127.0.0.1", "localhost", "[::1]"}) {
    if (host == std::string(name) + port_suffix) return true;
  }
  return host == options.host + port_suffix;
}

bool DashboardServer::Impl::Authorized(const httplib::Request& req, httplib::Response& res) const {
  if (options.token.empty()) return true;
  const std::string bearer = req.get_header_value("Authorization");
  if (bearer.rfind("Bearer ", 0) == 0 && SameToken(bearer.substr(7), options.token)) return true;
  if (SameToken(CookieValue(req, kTokenCookie), options.token)) return true;
  if (req.has_param("token") && SameToken(req.get_param_value("token"), options.token)) {
    // The link printed at start-up carries the token once; the cookie
    // carries it for the page's own requests (fetch, EventSource).
    res.set_header("Set-Cookie", std::string(kTokenCookie) + "=" + options.token +
                                     "; Path=/; HttpOnly; SameSite=Strict");
    return true;
  }
  return false;
}

void DashboardServer::Impl::EventStream(const std::string& sweep_id, std::string mark, httplib::Response& res) {
  auto state = std::make_shared<std::string>(std::move(mark));
  auto last_sent = std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
  auto first = std::make_shared<bool>(true);
  // The run count last sent: a deletion changes it without changing a run.
  auto count = std::make_shared<std::optional<std::size_t>>();
  res.set_header("Cache-Control", "no-store");
  res.set_chunked_content_provider(
      "text/event-stream", [this, sweep_id, state, last_sent, first, count](std::size_t, httplib::DataSink& sink) {
        if (!*first) std::this_thread::sleep_for(options.poll_interval);
        *first = false;
        if (stopping.load()) return false;
        auto changes = data->Changes(sweep_id, *state);
        std::string event;
        if (changes.ok() && !*count) *count = changes->count;  // what the page's document held
        if (!changes.ok()) {
          event = "event: failure\ndata: " + DumpJson({{"error", changes.error().message}}) + "\n\n";
        } else if (changes->any || state->empty() || (*count && **count != changes->count)) {
          *state = changes->mark;
          *count = changes->count;
          event = "id: " + changes->mark + "\ndata: " + changes->json + "\n\n";
        } else if (std::chrono::steady_clock::now() - *last_sent > kKeepAliveInterval) {
          event = ": alive\n\n";
        }
        if (!event.empty()) {
          if (!sink.is_writable() || !sink.write(event.data(), event.size())) return false;
          *last_sent = std::chrono::steady_clock::now();
        }
        return changes.ok();
      });
}

void DashboardServer::Impl::Routes() {
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Content-Security-Policy", kContentSecurityPolicy);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    if (!HostAllowed(req)) {
      res.status = 403;
      res.set_content("Host not allowed\n", "text/plain");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!Authorized(req, res)) {
      res.status = 401;
      res.set_content("A token is required: open the URL `sweep ui` printed.\n", "text/plain");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.method == "POST" && data->actions_enabled() && ActionAllowed(req)) {
      return httplib::Server::HandlerResponse::Unhandled;  // an action (sweep ui --actions)
    }
    if (req.method != "GET" && req.method != "HEAD") {
      // Read-only, unless actions are on and the request passes the CSRF guard.
      res.status = req.method == "POST" && data->actions_enabled() ? 403 : 405;
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  auto asset = [](std::string_view body, const char* type) {
    return [body, type](const httplib::Request&, httplib::Response& res) {
      // The bundle lives as long as the program: no copy, no compression.
      res.set_content_provider(body.size(), type, [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        return sink.write(body.data() + offset, std::min(length, body.size() - offset));
      });
    };
  };
  http.Get("/", asset(WebIndexHtml(), "text/html; charset=utf-8"));
  http.Get("/index.html", asset(WebIndexHtml(), "text/html; charset=utf-8"));
  http.Get("/app.js", asset(WebAppJs(), "text/javascript; charset=utf-8"));
  http.Get("/app.css", asset(WebAppCss(), "text/css; charset=utf-8"));

  http.Get("/api/sweeps", [this](const httplib::Request&, httplib::Response& res) { Reply(res, data->SweepsJson()); });
  http.Get(R"(/api/sweeps/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    Reply(res, data->SweepJson(req.matches[1]));
  });
  http.Get(R"(/api/sweeps/([^/]+)/importance)", [this](const httplib::Request& req, httplib::Response& res) {
    Reply(res, data->ImportanceJson(req.matches[1]));
  });
  http.Get(R"(/api/sweeps/([^/]+)/filter)", [this](const httplib::Request& req, httplib::Response& res) {
    Reply(res, data->FilterJson(req.matches[1], req.get_param_value("q")));
  });
  http.Get(R"(/api/sweeps/([^/]+)/curves)", [this](const httplib::Request& req, httplib::Response& res) {
    Reply(res, data->CurvesJson(req.matches[1], req.get_param_value("key"), SplitIds(req.get_param_value("runs")),
                                PointsParam(req), req.get_param_value("x")));
  });
  http.Get(R"(/api/sweeps/([^/]+)/events)", [this](const httplib::Request& req, httplib::Response& res) {
    // A reconnecting EventSource sends the last id it saw: resume from there.
    std::string mark = req.get_header_value("Last-Event-ID");
    if (mark.empty()) mark = req.get_param_value("mark");
    EventStream(req.matches[1], mark, res);
  });
  http.Get(R"(/api/runs/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    Reply(res, data->RunJson(req.matches[1]));
  });
  http.Get(R"(/api/runs/([^/]+)/metrics)", [this](const httplib::Request& req, httplib::Response& res) {
    Reply(res, data->RunMetricsJson(req.matches[1], PointsParam(req)));
  });
  http.Get(R"(/api/runs/([^/]+)/log)", [this](const httplib::Request& req, httplib::Response& res) {
    const LogStream stream = req.get_param_value("stream") == "stderr" ? LogStream::kStderr : LogStream::kStdout;
    std::optional<std::uint64_t> offset;
    if (req.has_param("offset")) {
      try {
        offset = std::stoull(req.get_param_value("offset"));
      } catch (const std::exception&) {
        Reply(res, Error::InvalidInput("offset must be a byte count"));
        return;
      }
    }
    Reply(res, data->LogJson(req.matches[1], stream, offset));
  });
  http.Get(R"(/api/runs/([^/]+)/lineage)", [this](const httplib::Request& req, httplib::Response& res) {
    Reply(res, data->RunLineageJson(req.matches[1]));
  });
  http.Get(R"(/api/runs/([^/]+)/files)", [this](const httplib::Request& req, httplib::Response& res) {
    Reply(res, data->RunFilesJson(req.matches[1]));
  });
  http.Get(R"(/api/runs/([^/]+)/file)", [this](const httplib::Request& req, httplib::Response& res) {
    auto file = data->RunFile(req.matches[1], req.get_param_value("path"));
    if (!file.ok()) {
      Reply(res, file.error());
      return;
    }
    SendFile(res, *file);
  });
  http.Post(R"(/api/runs/([^/]+)/stop)", [this](const httplib::Request& req, httplib::Response& res) {
    const Status st = data->StopRun(req.matches[1]);
    Reply(res, st.ok() ? Result<std::string>(DumpJson({{"stopping", true}})) : Result<std::string>(st.error()));
  });
  http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) res.set_content(DumpJson({{"error", "not found"}}), kJson);
  });
}

DashboardServer::DashboardServer(std::shared_ptr<DashboardData> data, ServerOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->data = std::move(data);
  impl_->options = std::move(options);
}

DashboardServer::~DashboardServer() { Stop(); }

Status DashboardServer::Start() {
  impl_->http.new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  impl_->Routes();
  const auto& o = impl_->options;
  impl_->port = o.port == 0 ? impl_->http.bind_to_any_port(o.host) : (impl_->http.bind_to_port(o.host, o.port) ? o.port : -1);
  if (impl_->port <= 0) {
    return Error::Io("cannot listen on " + o.host + ":" + std::to_string(o.port) +
                     " (in use, or not an address of this machine); pick another with --port");
  }
  impl_->warm_thread = std::thread([data = impl_->data] { data->Warm(kWarmSweeps); });
  impl_->thread = std::thread([this] {
    impl_->http.listen_after_bind();
    std::lock_guard lock(impl_->mu);
    impl_->stopped = true;
    impl_->stopped_cv.notify_all();
  });
  return OkStatus();
}

int DashboardServer::port() const { return impl_->port; }

void DashboardServer::Wait() {
  std::unique_lock lock(impl_->mu);
  impl_->stopped_cv.wait(lock, [this] { return impl_->stopped || !impl_->thread.joinable(); });
}

void DashboardServer::Stop() {
  if (!impl_) return;
  impl_->stopping = true;
  impl_->http.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  if (impl_->warm_thread.joinable()) impl_->warm_thread.join();
}

}  // namespace sweep::dashboard
