#include "dashboard/server/http_server.h"

#include <httplib.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace sweep::dashboard {
namespace {

using sweep::testing::SpecText;
using sweep::testing::TempDir;

// How long a live change may take to reach an open event stream here: the
// 1 s target, with room for a loaded 2-core machine.
constexpr auto kEventDeadline = std::chrono::seconds(20);

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    writer_ = sweep::testing::OpenTestStore(dir_);
    ASSERT_NE(writer_, nullptr);
    SweepRecord s;
    s.name = "demo";
    s.method = "grid";
    s.metric_name = "loss";
    s.spec_text = SpecText("train.py").Minimize("loss").Values("lr", "0.1, 0.2").str();
    sweep_ = writer_->CreateSweep(s).value();
  }

  void Serve(ServerOptions options) {
    auto reader = OpenStoreReadOnly((dir_.path() / ".sweep/sweep.db").string());
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    options.port = 0;
    options.poll_interval = std::chrono::milliseconds(50);
    server_ = std::make_unique<DashboardServer>(std::make_shared<DashboardData>(std::move(reader).value()), options);
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }

  std::string ClaimRun() {
    auto run = writer_->ClaimRun(
        sweep_.id,
        [](const std::vector<RunRecord>&) -> Result<std::optional<NewRun>> {
          return std::optional<NewRun>(NewRun{{{"lr", Value(0.1)}}, std::nullopt});
        },
        ClaimContext{});
    return (**run).id;
  }

  TempDir dir_;
  std::unique_ptr<Store> writer_;
  SweepRecord sweep_;
  std::unique_ptr<DashboardServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpServerTest, ServesThePageAndTheApiWithASecurityPolicy) {
  Serve({});
  auto page = client_->Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("app.js"), std::string::npos);
  const std::string csp = page->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  auto js = client_->Get("/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_GT(js->body.size(), 10'000u);
  auto sweeps = client_->Get("/api/sweeps");
  ASSERT_TRUE(sweeps);
  EXPECT_EQ(sweeps->status, 200);
  EXPECT_NE(sweeps->body.find(sweep_.id), std::string::npos);
  EXPECT_FALSE(sweeps->get_header_value("Content-Security-Policy").empty());
  auto missing = client_->Get("/api/runs/zzzzzzzz");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  auto write = client_->Post("/api/sweeps", "{}", "application/json");
  ASSERT_TRUE(write);
  EXPECT_EQ(write->status, 405);  // read-only
}

// On loopback, a Host header naming another site (DNS rebinding) is refused.
TEST_F(HttpServerTest, LoopbackRefusesForeignHostHeaders) {
  Serve({});
  auto evil = client_->Get("/api/sweeps", {{"Host", "evil.example:80"}});
  ASSERT_TRUE(evil);
  EXPECT_EQ(evil->status, 403);
}

TEST_F(HttpServerTest, TokenIsRequiredWhenSet) {
  ServerOptions options;
  options.token = "s3cret";
  Serve(options);
  auto bare = client_->Get("/api/sweeps");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->status, 401);
  auto wrong = client_->Get("/api/sweeps", {{"Authorization", "Bearer nope"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto bearer = client_->Get("/api/sweeps", {{"Authorization", "Bearer s3cret"}});
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->status, 200);
  // The printed link carries it once; the cookie it sets carries it after.
  auto link = client_->Get("/?token=s3cret");
  ASSERT_TRUE(link);
  EXPECT_EQ(link->status, 200);
  EXPECT_NE(link->get_header_value("Set-Cookie").find("sweep_token=s3cret"), std::string::npos);
  auto cookie = client_->Get("/api/sweeps", {{"Cookie", "other=1; sweep_token=s3cret"}});
  ASSERT_TRUE(cookie);
  EXPECT_EQ(cookie->status, 200);
}

// The artifact browser: a run's files listed and downloaded (never shown
// inline), and a path out of its folder refused without a byte of what lies
// outside.
TEST_F(HttpServerTest, RunFilesDownloadButNeverLeaveTheRunFolder) {
  const std::string id = ClaimRun();
  const auto run_dir = dir_.path() / "runs" / id;
  std::filesystem::create_directories(run_dir);
  dir_.Write("runs/" + id + "/diff.patch", "+changed\n");
  dir_.Write("outside.txt", "do not serve");
  std::filesystem::create_symlink(dir_.path() / "outside.txt", run_dir / "link.txt");
  ASSERT_TRUE(writer_->MarkRunStarted(id, {"train"}, 1, run_dir.string(), 1).ok());
  Serve({});
  auto list = client_->Get("/api/runs/" + id + "/files");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  EXPECT_NE(list->body.find("diff.patch"), std::string::npos);
  EXPECT_EQ(list->body.find("link.txt"), std::string::npos) << list->body;
  auto file = client_->Get("/api/runs/" + id + "/file?path=diff.patch");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->status, 200);
  EXPECT_EQ(file->body, "+changed\n");
  EXPECT_EQ(file->get_header_value("Content-Disposition"), "attachment; filename=\"diff.patch\"");
  EXPECT_EQ(file->get_header_value("Content-Type"), "application/octet-stream");
  for (const std::string& bad : std::vector<std::string>{"..%2Foutside.txt", "%2Fetc%2Fpasswd", "link.txt", "", (dir_.path() / "outside.txt").string()}) {
    auto refused = client_->Get("/api/runs/" + id + "/file?path=" + bad);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 400) << bad;
    EXPECT_EQ(refused->body.find("do not serve"), std::string::npos) << bad;
  }
}

// The run page's lineage is a GET of the read-only API: 200 with the
// versions for a run, 404 for an unknown one.
TEST_F(HttpServerTest, RunLineageIsServed) {
  const std::string id = ClaimRun();
  NewArtifactVersion v;
  v.project = "demo";
  v.name = "data";
  v.type = "dataset";
  v.producer_run = id;
  v.files = {{"train.csv", std::string(64, 'b'), 10}};
  ASSERT_TRUE(writer_->LogArtifactVersion(v).ok());
  Serve({});
  auto lineage = client_->Get("/api/runs/" + id + "/lineage");
  ASSERT_TRUE(lineage);
  EXPECT_EQ(lineage->status, 200);
  const auto doc = nlohmann::json::parse(lineage->body);
  ASSERT_EQ(doc["produced"].size(), 1u);
  EXPECT_EQ(doc["produced"][0]["ref"], "data:v0");
  auto missing = client_->Get("/api/runs/zzzzzzzz/lineage");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

// Actions (sweep ui --actions): POST only, and only with the CSRF guard;
// the stop goes through the store as `sweep stop` does. Off by default.
TEST_F(HttpServerTest, StopRunNeedsActionsAndTheCsrfGuard) {
  const std::string id = ClaimRun();
  auto reader = OpenStoreReadOnly((dir_.path() / ".sweep/sweep.db").string());
  ASSERT_TRUE(reader.ok());
  const std::string db = (dir_.path() / ".sweep/sweep.db").string();
  ServerOptions options;
  options.port = 0;
  DashboardServer server(std::make_shared<DashboardData>(std::move(reader).value(), [db] { return OpenStore(db); }), options);
  ASSERT_TRUE(server.Start().ok());
  httplib::Client client("127.0.0.1", server.port());
  const std::string path = "/api/runs/" + id + "/stop";
  auto bare = client.Post(path, "", "text/plain");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->status, 403);  // no guard header: what a form on another site sends
  auto foreign = client.Post(path, {{"X-Sweep-Action", "1"}, {"Origin", "http://evil.example"}}, "", "text/plain");
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 403);
  EXPECT_FALSE(writer_->GetRun(id)->stop_requested);
  const std::string origin = "http://127.0.0.1:" + std::to_string(server.port());
  auto ok = client.Post(path, {{"X-Sweep-Action", "1"}, {"Origin", origin}}, "", "text/plain");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_TRUE(writer_->GetRun(id)->stop_requested);
  EXPECT_EQ(client.Get(path)->status, 404);  // never by GET

  Serve({});  // without --actions: no POST at all
  auto off = client_->Post(path, {{"X-Sweep-Action", "1"}}, "", "text/plain");
  ASSERT_TRUE(off);
  EXPECT_EQ(off->status, 405);
}

TEST_F(HttpServerTest, EventStreamPushesANewRunAndANewPoint) {
  Serve({});
  const std::string first = ClaimRun();
  auto page = client_->Get("/api/sweeps/" + sweep_.id);
  ASSERT_TRUE(page);
  const std::string mark = nlohmann::json::parse(page->body)["mark"];
  std::string received;
  std::string second;
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    second = ClaimRun();
    ASSERT_TRUE(writer_->LogMetrics(first, {{"loss", 1, 0.25, 1}}).ok());
  });
  const auto start = std::chrono::steady_clock::now();
  httplib::Client stream("127.0.0.1", server_->port());
  stream.set_read_timeout(std::chrono::duration_cast<std::chrono::seconds>(kEventDeadline).count(), 0);
  stream.Get("/api/sweeps/" + sweep_.id + "/events?mark=" + mark, [&](const char* data, std::size_t n) {
    received.append(data, n);
    const bool done = !second.empty() && received.find(second) != std::string::npos &&
                      received.find("0.25") != std::string::npos;
    return !done && std::chrono::steady_clock::now() - start < kEventDeadline;
  });
  writer.join();
  EXPECT_NE(received.find("data: "), std::string::npos);
  EXPECT_NE(received.find(second), std::string::npos) << received;
  EXPECT_NE(received.find("0.25"), std::string::npos) << received;
}

}  // namespace
}  // namespace sweep::dashboard
