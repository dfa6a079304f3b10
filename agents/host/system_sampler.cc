#include "agents/host/system_sampler.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <set>

#include "agents/host/process_table.h"
#include "core/wall_clock.h"

namespace sweep {
namespace {

constexpr double kPercent = 100.0;

}  // namespace

SystemSampler::SystemSampler(GpuInventory* gpus, std::filesystem::path proc_root)
    : gpus_(gpus),
      proc_root_(std::move(proc_root)),
      ticks_per_second_(static_cast<double>(::sysconf(_SC_CLK_TCK))),
      page_bytes_(static_cast<double>(::sysconf(_SC_PAGESIZE))) {}

void SystemSampler::Track(const std::string& run_id, int pid, std::vector<int> gpu_indices,
                          double now) {
  Run run;
  run.pid = pid;
  run.gpu_indices = std::move(gpu_indices);
  run.last_time = now;
  runs_[run_id] = std::move(run);
}

void SystemSampler::Track(const std::string& run_id, int pid, std::vector<int> gpu_indices) {
  Track(run_id, pid, std::move(gpu_indices), NowSeconds());
}

void SystemSampler::Untrack(const std::string& run_id) { runs_.erase(run_id); }

std::vector<std::pair<std::string, std::vector<MetricPoint>>> SystemSampler::Sample(double now) {
  std::vector<std::pair<std::string, std::vector<MetricPoint>>> out;
  if (runs_.empty()) return out;

  // One /proc scan and one GPU query serve every run.
  const ProcessTable table = ProcessTable::Read(proc_root_);
  std::map<int, GpuSample> gpu_readings;
  if (gpus_ != nullptr) {
    std::set<int> wanted;
    for (const auto& [id, run] : runs_) wanted.insert(run.gpu_indices.begin(), run.gpu_indices.end());
    if (!wanted.empty()) {
      auto samples = gpus_->Sample(std::vector<int>(wanted.begin(), wanted.end()));
      if (samples.ok()) {
        for (const GpuSample& s : *samples) gpu_readings[s.index] = s;
      }
    }
  }

  for (auto& [run_id, run] : runs_) {
    std::vector<MetricPoint> points;
    const std::int64_t step = run.next_step;
    auto add = [&](std::string key, double value) {
      if (!std::isnan(value)) points.push_back({std::move(key), step, value, now});
    };

    const std::vector<ProcessStat> tree = table.Tree(run.pid);
    if (!tree.empty()) {
      std::uint64_t delta_ticks = 0;
      double rss_bytes = 0;
      std::map<int, std::uint64_t> ticks;
      for (const ProcessStat& p : tree) {
        ticks[p.pid] = p.cpu_ticks;
        rss_bytes += static_cast<double>(p.rss_pages) * page_bytes_;
        auto last = run.last_ticks.find(p.pid);
        // A pid first seen (or reused, so its counter went backwards) started
        // after the previous sample: all of its time falls in this interval.
        const bool known = last != run.last_ticks.end() && last->second <= p.cpu_ticks;
        delta_ticks += known ? p.cpu_ticks - last->second : p.cpu_ticks;
      }
      const double elapsed = now - run.last_time;
      if (elapsed > 0) {
        add("system/cpu_percent", kPercent * (delta_ticks / ticks_per_second_) / elapsed);
      }
      add("system/rss_bytes", rss_bytes);
      run.last_ticks = std::move(ticks);
      run.last_time = now;
    }

    for (int index : run.gpu_indices) {
      auto it = gpu_readings.find(index);
      if (it == gpu_readings.end()) continue;
      const std::string prefix = "system/gpu." + std::to_string(index) + ".";
      add(prefix + "utilization_percent", it->second.utilization_percent);
      add(prefix + "memory_used_bytes", it->second.memory_used_bytes);
      add(prefix + "power_watts", it->second.power_watts);
      add(prefix + "temperature_c", it->second.temperature_c);
    }
    if (!points.empty()) {
      ++run.next_step;
      out.emplace_back(run_id, std::move(points));
    }
  }
  return out;
}

}  // namespace sweep
