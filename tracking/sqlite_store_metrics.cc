// SqliteStore: logging metric points and reading them back, keeping each
// run's per-key summary (last, min, max) current as points arrive.
#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <utility>

#include "tracking/sqlite_store_impl.h"

namespace sweep::sqlite {

// Mirrors metric NaN handling in the schema: NULL min/max means "no finite
// comparison yet".
struct SummaryRow {
  bool exists = false;
  MetricSummary s;
  bool has_minmax = false;
};

namespace {

void Accumulate(SummaryRow& row, const MetricPoint& p) {
  if (!row.exists || p.step >= row.s.last_step) {
    // Later points at the same step win: "last" is the latest report.
    row.s.last = p.value;
    row.s.last_step = p.step;
  }
  if (!std::isnan(p.value)) {
    if (!row.has_minmax) {
      row.s.min = row.s.max = p.value;
      row.has_minmax = true;
    } else {
      row.s.min = std::min(row.s.min, p.value);
      row.s.max = std::max(row.s.max, p.value);
    }
  }
  row.s.count += 1;
  row.exists = true;
}

}  // namespace

Status SqliteStore::LogMetrics(const std::string& run_id, const std::vector<MetricPoint>& points) {
  if (points.empty()) return OkStatus();
  std::unordered_map<std::string, std::int64_t> new_keys;
  Status status = Write([&]() -> Status {
    auto seq = RunSeq(run_id);
    if (!seq.ok()) return seq.error();
    // Per-key summaries of this batch, merged with the stored ones once.
    std::unordered_map<std::int64_t, SummaryRow> summaries;
    auto insert = db_->Prepare("INSERT INTO metrics (run_seq, key_id, step, ord, time, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!insert.ok()) return insert.error();
    Statement ins = std::move(insert).value();
    const std::string* last_key = nullptr;
    std::int64_t key_id = 0;
    SummaryRow* summary = nullptr;
    for (const MetricPoint& p : points) {
      if (last_key == nullptr || *last_key != p.key) {
        auto id = KeyId(p.key, new_keys);
        if (!id.ok()) return id.error();
        key_id = *id;
        last_key = &p.key;
        auto [it, inserted] = summaries.try_emplace(key_id);
        if (inserted) {
          if (auto s = LoadSummary(*seq, key_id, it->second); !s.ok()) return s;
        }
        summary = &it->second;
      }
      ins.Bind(1, *seq).Bind(2, key_id).Bind(3, p.step).Bind(4, summary->s.count).Bind(5, p.time).Bind(6, p.value);
      auto done = ins.Step();
      if (!done.ok()) return done.error();
      ins.Reset();
      Accumulate(*summary, p);
    }
    auto up = db_->Prepare(
        "INSERT OR REPLACE INTO run_summary (run_seq, key_id, last, min, max, last_step, count) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!up.ok()) return up.error();
    Statement upsert = std::move(up).value();
    for (const auto& [kid, row] : summaries) {
      upsert.Bind(1, *seq).Bind(2, kid).Bind(3, row.s.last);
      if (row.has_minmax) {
        upsert.Bind(4, row.s.min).Bind(5, row.s.max);
      } else {
        upsert.BindNull(4).BindNull(5);
      }
      upsert.Bind(6, row.s.last_step).Bind(7, row.s.count);
      auto done = upsert.Step();
      if (!done.ok()) return done.error();
      upsert.Reset();
    }
    return OkStatus();
  });
  // Key ids are cached only once committed, so a rollback cannot leave ids
  // in the cache that the database never kept.
  if (status.ok()) key_ids_.merge(new_keys);
  return status;
}

Result<std::vector<MetricPoint>> SqliteStore::GetMetrics(const std::string& run_id, const std::string& key) {
  return Read([&]() -> Result<std::vector<MetricPoint>> {
    auto seq = RunSeq(run_id);
    if (!seq.ok()) return seq.error();
    // Keys in name order, each series read along the index in (step, time) order.
    std::vector<std::pair<std::string, std::int64_t>> keys;
    std::int64_t total = 0;
    {
      auto stmt = db_->Prepare(
          "SELECT k.key, k.id, s.count FROM run_summary s JOIN metric_keys k ON k.id = s.key_id "
          "WHERE s.run_seq = ?1 ORDER BY k.key");
      if (!stmt.ok()) return stmt.error();
      stmt->Bind(1, *seq);
      for (;;) {
        auto row = stmt->Step();
        if (!row.ok()) return row.error();
        if (!*row) break;
        std::string k = stmt->Text(0);
        if (key.empty() || k == key) {
          keys.emplace_back(std::move(k), stmt->Int(1));
          total += stmt->Int(2);
        }
      }
    }
    std::vector<MetricPoint> out;
    out.reserve(static_cast<std::size_t>(total));
    // Read in primary-key order (step, then logging order) so SQLite streams
    // the b-tree without a sort; a step reported with decreasing times is
    // rare and re-sorted below.
    auto stmt = db_->Prepare(
        "SELECT step, time, value FROM metrics WHERE run_seq = ?1 AND key_id = ?2 ORDER BY step, ord");
    if (!stmt.ok()) return stmt.error();
    Statement series = std::move(stmt).value();
    for (const auto& [name, id] : keys) {
      const std::size_t begin = out.size();
      series.Bind(1, *seq).Bind(2, id);
      for (;;) {
        auto row = series.Step();
        if (!row.ok()) return row.error();
        if (!*row) break;
        out.push_back(MetricPoint{name, series.Int(0), series.Double(2), series.Double(1)});
      }
      series.Reset();
      auto by_step_time = [](const MetricPoint& a, const MetricPoint& b) {
        return a.step != b.step ? a.step < b.step : a.time < b.time;
      };
      const auto first = out.begin() + static_cast<std::ptrdiff_t>(begin);
      if (!std::is_sorted(first, out.end(), by_step_time)) std::stable_sort(first, out.end(), by_step_time);
    }
    return out;
  });
}

Result<std::int64_t> SqliteStore::KeyId(const std::string& key, std::unordered_map<std::string, std::int64_t>& fresh) {
  if (auto it = key_ids_.find(key); it != key_ids_.end()) return it->second;
  if (auto it = fresh.find(key); it != fresh.end()) return it->second;
  {
    auto stmt = db_->Prepare("SELECT id FROM metric_keys WHERE key = ?1");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, key);
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    if (*row) return fresh[key] = stmt->Int(0);
  }
  auto stmt = db_->Prepare("INSERT INTO metric_keys (key) VALUES (?1)");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, key);
  if (auto s = stmt->Run(); !s.ok()) return s.error();
  return fresh[key] = db_->LastInsertRowid();
}

Status SqliteStore::LoadSummary(std::int64_t seq, std::int64_t key_id, SummaryRow& out) {
  auto stmt = db_->Prepare(
      "SELECT last, min, max, last_step, count FROM run_summary WHERE run_seq = ?1 AND key_id = ?2");
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, seq).Bind(2, key_id);
  auto row = stmt->Step();
  if (!row.ok()) return row.error();
  if (!*row) return OkStatus();
  out.exists = true;
  out.s.last = stmt->Double(0);
  out.has_minmax = !stmt->IsNull(1);
  out.s.min = stmt->Double(1);
  out.s.max = stmt->Double(2);
  out.s.last_step = stmt->Int(3);
  out.s.count = stmt->Int(4);
  return OkStatus();
}

}  // namespace sweep::sqlite
