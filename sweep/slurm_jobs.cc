#include "sweep/slurm_jobs.h"

#include <algorithm>
#include <cstdlib>

namespace sweep {

Status RecordSlurmJob(Store& store, const std::string& sweep_id, const std::string& job_id, int agents) {
  return store.SetSweepTags(sweep_id, {{kSlurmJobTagPrefix + job_id, std::to_string(agents)}});
}

Result<std::vector<RecordedSlurmJob>> SlurmJobsOf(Store& store, const std::string& sweep_id) {
  auto tags = store.GetSweepTags(sweep_id);
  if (!tags.ok()) return tags.error();
  const std::string prefix = kSlurmJobTagPrefix;
  std::vector<RecordedSlurmJob> jobs;
  for (const auto& [key, value] : *tags) {
    if (key.rfind(prefix, 0) != 0) continue;
    jobs.push_back(RecordedSlurmJob{key.substr(prefix.size()), std::atoi(value.c_str())});
  }
  // Tags come back in key (string) order; "9" would sort after "10".
  std::sort(jobs.begin(), jobs.end(), [](const RecordedSlurmJob& a, const RecordedSlurmJob& b) {
    return a.job_id.size() != b.job_id.size() ? a.job_id.size() < b.job_id.size() : a.job_id < b.job_id;
  });
  return jobs;
}

Result<CancelReport> CancelSweep(Store& store, const std::string& sweep_id, const SlurmCommands& commands) {
  if (auto s = store.SetSweepState(sweep_id, SweepState::kStopped); !s.ok()) return s.error();
  auto jobs = SlurmJobsOf(store, sweep_id);
  if (!jobs.ok()) return jobs.error();
  CancelReport report;
  for (const auto& job : *jobs) {
    if (auto s = CancelJob(job.job_id, commands); s.ok()) {
      report.cancelled.push_back(job.job_id);
    } else {
      report.failures.push_back(s.error());
    }
  }
  return report;
}

}  // namespace sweep
