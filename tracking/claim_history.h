// ClaimHistory: a sweep's runs as a store last read them for a claim, kept
// between claims so that the next claim reads only the runs that changed
// since (each store stamps changed runs; see the SQLite schema v3 and the
// PostgreSQL schema v3). Shared by both stores; header-only because the
// PostgreSQL store's library does not link the SQLite one.
//
// Thread-safety: none; one per store, used by the store's thread.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tracking/store.h"

namespace sweep {

class ClaimHistory {
 public:
  // Every run, in number order: what ProposeFn receives.
  const std::vector<RunRecord>& runs() const { return runs_; }

  // Folds in runs read again because they changed: a known id is replaced,
  // a new one appended; number order is kept.
  void Merge(std::vector<RunRecord> changed) {
    bool resort = false;
    for (RunRecord& run : changed) {
      if (auto it = index_of_id_.find(run.id); it != index_of_id_.end()) {
        runs_[it->second] = std::move(run);
        continue;
      }
      if (!runs_.empty() && runs_.back().number >= run.number) resort = true;
      index_of_id_.emplace(run.id, runs_.size());
      runs_.push_back(std::move(run));
    }
    if (resort) {
      std::sort(runs_.begin(), runs_.end(), [](const RunRecord& a, const RunRecord& b) { return a.number < b.number; });
      Reindex();
    }
  }

  // Replaces everything with a full read (already in number order).
  void Replace(std::vector<RunRecord> all) {
    runs_ = std::move(all);
    Reindex();
  }

 private:
  void Reindex() {
    index_of_id_.clear();
    for (std::size_t i = 0; i < runs_.size(); ++i) index_of_id_.emplace(runs_[i].id, i);
  }

  std::vector<RunRecord> runs_;
  std::unordered_map<std::string, std::size_t> index_of_id_;
};

}  // namespace sweep
