// RecordingEvents: a TrialEvents observer for tests that keeps everything it
// is told, plus a log of event names in arrival order. Test-only; not thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "agents/trial_runner.h"

namespace sweep {

class RecordingEvents : public TrialEvents {
 public:
  void OnTrialStarted(const std::string& run_id, int pid) override {
    pids[run_id] = pid;
    log.push_back("start " + run_id);
  }
  void OnMetrics(const std::string& run_id, std::vector<MetricPoint> batch) override {
    for (auto& p : batch) {
      log.push_back("metric " + run_id + " " + p.key);
      points[run_id].push_back(std::move(p));
    }
  }
  void OnTrialExited(const std::string& run_id, const TrialExit& exit) override {
    exits[run_id] = exit;
    log.push_back("exit " + run_id);
  }
  void OnInterrupt(int signal_number) override {
    interrupts.push_back(signal_number);
    log.push_back("interrupt " + std::to_string(signal_number));
  }
  void OnChannelMessage(const std::string& run_id, const ChannelMessage& message) override {
    messages[run_id].push_back(message);
    log.push_back("message " + run_id + " " + message.type);
  }

  std::map<std::string, int> pids;
  std::map<std::string, std::vector<MetricPoint>> points;
  std::map<std::string, TrialExit> exits;
  std::map<std::string, std::vector<ChannelMessage>> messages;
  std::vector<int> interrupts;
  std::vector<std::string> log;
};

}  // namespace sweep
