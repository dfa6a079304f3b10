// PostgresStore: logging metric points (by COPY) and reading them back,
// keeping each run's per-key summary (last, min, max) current.
#include <cmath>
#include <map>

#include "tracking/postgres/pg_codec.h"
#include "tracking/postgres/postgres_store_impl.h"

namespace sweep::pg {
namespace {

// Folds `add` into `into` (a fresh summary when `fresh`): last by highest
// step (later points win ties), min/max ignoring NaN (NaN until a number arrives).
void Merge(MetricSummary& into, bool fresh, const MetricSummary& add) {
  if (fresh) {
    into = add;
    return;
  }
  if (add.last_step >= into.last_step) {
    into.last = add.last;
    into.last_step = add.last_step;
  }
  if (std::isnan(into.min) || add.min < into.min) into.min = add.min;
  if (std::isnan(into.max) || add.max > into.max) into.max = add.max;
  into.count += add.count;
}

}  // namespace

Status PostgresStore::LogMetrics(const std::string& run_id, const std::vector<MetricPoint>& points) {
  return conn_->Transaction([&]() -> Status {
    // Locking the run serializes summary updates of concurrent loggers.
    auto lock = conn_->Exec("SELECT 1 FROM runs WHERE id = $1 FOR UPDATE", {run_id});
    if (!lock.ok()) return lock.error();
    if (lock->rows() == 0) return Error::NotFound("no run with id '" + run_id + "'");
    if (points.empty()) return OkStatus();
    std::string rows;
    std::map<std::string, MetricSummary> batch;  // this batch's summary per key
    for (const MetricPoint& p : points) {
      pg::AppendCopyText(rows, run_id);
      rows += '\t';
      pg::AppendCopyText(rows, p.key);
      rows += '\t' + Int(p.step) + '\t' + pg::FormatDouble(p.value) + '\t' + pg::FormatDouble(p.time) + '\n';
      auto [it, fresh] = batch.try_emplace(p.key);
      Merge(it->second, fresh, MetricSummary{p.value, p.value, p.value, p.step, 1});
    }
    if (Status s = conn_->CopyIn("COPY metrics (run_id, key, step, value, time) FROM STDIN", rows); !s.ok()) return s;
    auto old = conn_->Exec("SELECT key, last, last_step, min, max, count FROM run_summary WHERE run_id = $1", {run_id});
    if (!old.ok()) return old.error();
    for (int i = 0; i < old->rows(); ++i) {
      auto it = batch.find(old->text(i, 0));
      if (it == batch.end()) continue;
      MetricSummary merged{pg::ParseDouble(old->c_str(i, 1)), pg::ParseDouble(old->c_str(i, 3)),
                           pg::ParseDouble(old->c_str(i, 4)), pg::ParseInt64(old->text(i, 2)),
                           pg::ParseInt64(old->text(i, 5))};
      Merge(merged, false, it->second);
      it->second = merged;
    }
    for (const auto& [key, s] : batch) {
      auto r = conn_->Exec(
          "INSERT INTO run_summary (run_id, key, last, last_step, min, max, count) VALUES ($1,$2,$3,$4,$5,$6,$7) "
          "ON CONFLICT (run_id, key) DO UPDATE SET last = EXCLUDED.last, last_step = EXCLUDED.last_step, "
          "min = EXCLUDED.min, max = EXCLUDED.max, count = EXCLUDED.count",
          {run_id, key, pg::FormatDouble(s.last), Int(s.last_step), pg::FormatDouble(s.min),
           pg::FormatDouble(s.max), Int(s.count)});
      if (!r.ok()) return r.error();
    }
    return OkStatus();
  });
}

Result<std::vector<MetricPoint>> PostgresStore::GetMetrics(const std::string& run_id, const std::string& key) {
  if (Status s = RequireRun(run_id); !s.ok()) return s.error();
  auto r = key.empty() ? conn_->Exec("SELECT key, step, value, time FROM metrics WHERE run_id = $1 "
                                     "ORDER BY key, step, time, seq",
                                     {run_id})
                       : conn_->Exec("SELECT key, step, value, time FROM metrics WHERE run_id = $1 AND key = $2 "
                                     "ORDER BY key, step, time, seq",
                                     {run_id, key});
  if (!r.ok()) return r.error();
  std::vector<MetricPoint> out;
  out.reserve(r->rows());
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back({r->text(i, 0), pg::ParseInt64(r->text(i, 1)), pg::ParseDouble(r->c_str(i, 2)),
                   pg::ParseDouble(r->c_str(i, 3))});
  }
  return out;
}

}  // namespace sweep::pg
