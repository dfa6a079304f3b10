// DurableObserver: hands a sweep's progress to the user's observer (the
// console, the --events stream) only once the store holds it on stable
// storage, so a run the user saw end survives a power cut
// (tracking/sqlite_store.h states the store's durability rule).
//
// A run's end is queued and a sync requested; a background thread runs the
// sync (Store::SyncWrites), and one sync covers every end queued before it
// (group commit). The controller keeps launching trials meanwhile: a 4 ms disk
// flush per trial would otherwise cost more than the trial. Events after a
// queued end wait behind it, so the user's observer sees them in the order
// they happened; with no end waiting they pass straight through.
// OnInterrupt and OnTick are never held back; the controller calls
// DeliverDurable on each turn of its loop and Flush before it returns.
//
// Lifetimes: `next` (may be null) and what `sync` uses must outlive this
// object. Thread-safety: one thread (the controller's) calls everything;
// `sync` runs on the sync thread, which touches only it and the counters.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "core/result.h"
#include "sweep/controller_observer.h"

namespace sweep {

class DurableObserver final : public ControllerObserver {
 public:
  // `sync` puts every write made so far on stable storage (Store::SyncWrites).
  DurableObserver(std::function<Status()> sync, ControllerObserver* next);
  // Stops the sync thread. Events still queued are dropped: call Flush.
  ~DurableObserver() override;
  DurableObserver(const DurableObserver&) = delete;
  DurableObserver& operator=(const DurableObserver&) = delete;

  void OnRunStarted(const RunRecord& run) override;
  void OnRunEnded(const RunRecord& run, std::optional<double> objective) override;
  void OnInterrupt(int presses) override;
  void OnGiveUp(const std::string& message) override;
  void OnRunTakenOver(const RunRecord& run) override;
  void OnMetrics(const std::string& run_id, const std::vector<MetricPoint>& points) override;
  void OnTick() override;

  // Delivers the queued events whose sync completed; never blocks. The
  // error of a failed sync (the events it covered stay queued).
  Status DeliverDurable();
  // Syncs everything written so far, waits for it, delivers every queued
  // event. The sweep's outcome is reported after this.
  Status Flush();

 private:
  using Delivery = std::function<void(ControllerObserver&)>;
  struct Queued {
    std::uint64_t sync = 0;  // the sync it waits for; 0: none of its own
    Delivery deliver;
  };
  // Passes `deliver` on at once when nothing waits, else queues it.
  void InOrder(Delivery deliver);
  std::uint64_t RequestSync();
  void SyncLoop();

  const std::function<Status()> sync_;
  ControllerObserver* next_;
  std::deque<Queued> queue_;  // controller thread only

  std::mutex mu_;
  std::condition_variable wake_;   // the sync thread waits for requests
  std::condition_variable synced_cv_;
  std::uint64_t requested_ = 0;    // guarded by mu_
  std::uint64_t attempted_ = 0;    // guarded by mu_: the last request a sync started for
  std::uint64_t synced_ = 0;       // guarded by mu_
  std::optional<Error> error_;     // guarded by mu_: the first failed sync
  bool stopping_ = false;          // guarded by mu_
  std::thread thread_;             // started on the first request
};

}  // namespace sweep
