#include "sweep/durable_observer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

namespace sweep {
namespace {

// What reached the user's side, in order.
class Recorder : public ControllerObserver {
 public:
  void OnRunStarted(const RunRecord& run) override { seen.push_back("started " + run.id); }
  void OnRunEnded(const RunRecord& run, std::optional<double>) override { seen.push_back("ended " + run.id); }
  void OnInterrupt(int presses) override { seen.push_back("interrupt " + std::to_string(presses)); }
  std::vector<std::string> seen;
};

// A sync the test holds until it says so, counting how often it ran.
class HeldSync {
 public:
  Status operator()() {
    std::unique_lock lock(mu_);
    ++calls_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return released_; });
    return result_;
  }
  void Release(Status result = OkStatus()) {
    std::lock_guard lock(mu_);
    released_ = true;
    result_ = std::move(result);
    cv_.notify_all();
  }
  // Waits (generously: a loaded machine) until a sync started.
  bool WaitStarted() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30), [this] { return calls_ > 0; });
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int calls_ = 0;
  bool released_ = false;
  Status result_ = OkStatus();
};

RunRecord RunWithId(const std::string& id) {
  RunRecord run;
  run.id = id;
  return run;
}

TEST(DurableObserverTest, EventsWithNoEndWaitingPassStraightThrough) {
  Recorder recorder;
  DurableObserver durable([] { return OkStatus(); }, &recorder);
  durable.OnRunStarted(RunWithId("a"));
  EXPECT_EQ(recorder.seen, std::vector<std::string>{"started a"});
}

TEST(DurableObserverTest, AnEndIsShownOnlyAfterTheSyncAndLaterEventsKeepTheirOrder) {
  Recorder recorder;
  HeldSync sync;
  DurableObserver durable([&sync] { return sync(); }, &recorder);
  durable.OnRunEnded(RunWithId("a"), 1.0);
  durable.OnRunStarted(RunWithId("b"));
  durable.OnInterrupt(1);  // never held back
  ASSERT_TRUE(sync.WaitStarted());
  ASSERT_TRUE(durable.DeliverDurable().ok());
  EXPECT_EQ(recorder.seen, std::vector<std::string>{"interrupt 1"}) << "shown before it was on disk";
  sync.Release();
  ASSERT_TRUE(durable.Flush().ok());
  EXPECT_EQ(recorder.seen, (std::vector<std::string>{"interrupt 1", "ended a", "started b"}));
}

TEST(DurableObserverTest, OneSyncCoversTheEndsQueuedWhileTheLastOneRan) {
  Recorder recorder;
  HeldSync sync;
  DurableObserver durable([&sync] { return sync(); }, &recorder);
  durable.OnRunEnded(RunWithId("a"), std::nullopt);
  ASSERT_TRUE(sync.WaitStarted());
  for (const char* id : {"b", "c", "d"}) durable.OnRunEnded(RunWithId(id), std::nullopt);
  sync.Release();
  ASSERT_TRUE(durable.Flush().ok());
  EXPECT_EQ(recorder.seen, (std::vector<std::string>{"ended a", "ended b", "ended c", "ended d"}));
  // The first sync, one for b..d, and Flush's own: never one per end.
  EXPECT_LE(sync.calls(), 3);
}

TEST(DurableObserverTest, AFailedSyncKeepsTheEndQueuedAndIsReported) {
  Recorder recorder;
  HeldSync sync;
  DurableObserver durable([&sync] { return sync(); }, &recorder);
  durable.OnRunEnded(RunWithId("a"), std::nullopt);
  sync.Release(Error::Io("disk gone"));
  auto flushed = durable.Flush();
  ASSERT_FALSE(flushed.ok());
  EXPECT_NE(flushed.error().message.find("disk gone"), std::string::npos);
  EXPECT_TRUE(recorder.seen.empty());
  EXPECT_FALSE(durable.DeliverDurable().ok());
}

TEST(DurableObserverTest, WithoutAnObserverFlushStillSyncs) {
  HeldSync sync;
  sync.Release();
  DurableObserver durable([&sync] { return sync(); }, nullptr);
  durable.OnRunEnded(RunWithId("a"), std::nullopt);
  ASSERT_TRUE(durable.Flush().ok());
  EXPECT_EQ(sync.calls(), 1);
}

}  // namespace
}  // namespace sweep
