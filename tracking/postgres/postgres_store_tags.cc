// PostgresStore: the key-value tags of sweeps and of runs.
#include "tracking/postgres/postgres_store_impl.h"
#include "tracking/run_params.h"

namespace sweep::pg {

Status PostgresStore::SetSweepTags(const std::string& sweep_id, const std::map<std::string, std::string>& tags) {
  return conn_->Transaction([&]() -> Status {
    auto known = conn_->Exec("SELECT 1 FROM sweeps WHERE id = $1", {sweep_id});
    if (!known.ok()) return known.error();
    if (known->rows() == 0) return Error::NotFound("no sweep with id '" + sweep_id + "'");
    for (const auto& [key, value] : tags) {
      auto r = conn_->Exec(
          "INSERT INTO sweep_tags (sweep_id, key, value) VALUES ($1,$2,$3) "
          "ON CONFLICT (sweep_id, key) DO UPDATE SET value = EXCLUDED.value",
          {sweep_id, key, value});
      if (!r.ok()) return r.error();
    }
    return OkStatus();
  });
}

Result<std::map<std::string, std::string>> PostgresStore::GetSweepTags(const std::string& sweep_id) {
  // One statement: the existence check and the tags come from one snapshot.
  auto r = conn_->Exec(
      "SELECT s.id, t.key, t.value FROM sweeps s LEFT JOIN sweep_tags t ON t.sweep_id = s.id WHERE s.id = $1",
      {sweep_id});
  if (!r.ok()) return r.error();
  if (r->rows() == 0) return Error::NotFound("no sweep with id '" + sweep_id + "'");
  std::map<std::string, std::string> out;
  for (int i = 0; i < r->rows(); ++i) {
    if (r->is_null(i, 1)) continue;  // the sweep has no tags
    out[r->text(i, 1)] = r->text(i, 2);
  }
  return out;
}

Status PostgresStore::SetTags(const std::string& run_id, const std::map<std::string, std::string>& tags) {
  return conn_->Transaction([&]() -> Status {
    if (Status s = RequireRun(run_id); !s.ok()) return s;
    for (const auto& [key, value] : tags) {
      auto r = conn_->Exec(
          "INSERT INTO tags (run_id, key, value) VALUES ($1,$2,$3) "
          "ON CONFLICT (run_id, key) DO UPDATE SET value = EXCLUDED.value",
          {run_id, key, value});
      if (!r.ok()) return r.error();
    }
    return OkStatus();
  });
}

Status PostgresStore::AddRunParams(const std::string& run_id, const Config& params) {
  return conn_->Transaction([&]() -> Status {
    auto stored = conn_->Exec("SELECT params FROM runs WHERE id = $1 FOR UPDATE", {run_id});
    if (!stored.ok()) return stored.error();
    if (stored->rows() == 0) return Error::NotFound("no run with id '" + run_id + "'");
    auto merged = AddNewParams(stored->text(0, 0), params);
    if (!merged.ok()) return merged.error();
    if (merged->added.empty()) return OkStatus();
    auto r = conn_->Exec("UPDATE runs SET params = $2 WHERE id = $1", {run_id, merged->params_json});
    if (!r.ok()) return r.error();
    return InsertParams(run_id, merged->added);
  });
}

}  // namespace sweep::pg
