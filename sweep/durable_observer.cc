#include "sweep/durable_observer.h"

#include <signal.h>
#include <pthread.h>

#include <utility>

namespace sweep {

DurableObserver::DurableObserver(std::function<Status()> sync, ControllerObserver* next)
    : sync_(std::move(sync)), next_(next) {}

DurableObserver::~DurableObserver() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t DurableObserver::RequestSync() {
  std::lock_guard lock(mu_);
  if (!thread_.joinable()) {
    // Signals stay with the controller's thread (SIGCHLD, Ctrl-C, and the
    // runner's vfork, which blocks them only on its own thread).
    sigset_t all, previous;
    ::sigfillset(&all);
    ::pthread_sigmask(SIG_BLOCK, &all, &previous);
    thread_ = std::thread([this] { SyncLoop(); });
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  }
  ++requested_;
  wake_.notify_one();
  return requested_;
}

void DurableObserver::SyncLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || requested_ > attempted_; });
    if (stopping_) return;
    const std::uint64_t target = requested_;  // every request so far: one sync covers them
    attempted_ = target;
    lock.unlock();
    Status status = sync_();
    lock.lock();
    if (!status.ok()) {
      if (!error_) error_ = status.error();
      synced_cv_.notify_all();
      continue;  // tried again on the next request; the events it covered stay queued
    }
    synced_ = target;
    synced_cv_.notify_all();
  }
}

void DurableObserver::InOrder(Delivery deliver) {
  if (next_ == nullptr) return;
  if (queue_.empty()) {
    deliver(*next_);
    return;
  }
  queue_.push_back(Queued{0, std::move(deliver)});
}

void DurableObserver::OnRunStarted(const RunRecord& run) {
  InOrder([run](ControllerObserver& next) { next.OnRunStarted(run); });
}

void DurableObserver::OnRunEnded(const RunRecord& run, std::optional<double> objective) {
  if (next_ == nullptr) return;  // nothing to show; Flush syncs before the outcome
  queue_.push_back(Queued{RequestSync(), [run, objective](ControllerObserver& next) { next.OnRunEnded(run, objective); }});
}

void DurableObserver::OnInterrupt(int presses) {
  if (next_ != nullptr) next_->OnInterrupt(presses);
}

void DurableObserver::OnGiveUp(const std::string& message) {
  InOrder([message](ControllerObserver& next) { next.OnGiveUp(message); });
}

void DurableObserver::OnRunTakenOver(const RunRecord& run) {
  InOrder([run](ControllerObserver& next) { next.OnRunTakenOver(run); });
}

void DurableObserver::OnMetrics(const std::string& run_id, const std::vector<MetricPoint>& points) {
  if (next_ == nullptr) return;
  if (queue_.empty()) {
    next_->OnMetrics(run_id, points);  // the common case: no copy
    return;
  }
  queue_.push_back(Queued{0, [run_id, points](ControllerObserver& next) { next.OnMetrics(run_id, points); }});
}

void DurableObserver::OnTick() {
  if (next_ != nullptr) next_->OnTick();
}

Status DurableObserver::DeliverDurable() {
  std::uint64_t synced = 0;
  std::optional<Error> error;
  {
    std::lock_guard lock(mu_);
    synced = synced_;
    error = error_;
  }
  while (!queue_.empty() && queue_.front().sync <= synced) {
    Delivery deliver = std::move(queue_.front().deliver);
    queue_.pop_front();
    deliver(*next_);
  }
  if (error) return *error;
  return OkStatus();
}

Status DurableObserver::Flush() {
  const std::uint64_t target = RequestSync();
  {
    std::unique_lock lock(mu_);
    synced_cv_.wait(lock, [&] { return synced_ >= target || error_.has_value(); });
  }
  return DeliverDurable();
}

}  // namespace sweep
