// SqliteStore: the key-value tags of sweeps and of runs, and params a run adds later.
#include "tracking/run_params.h"
#include "tracking/sqlite_store_impl.h"

namespace sweep::sqlite {

Status SqliteStore::SetSweepTags(const std::string& sweep_id, const std::map<std::string, std::string>& tags) {
  return Write([&]() -> Status {
    if (auto s = RequireSweep(sweep_id); !s.ok()) return s;
    for (const auto& [k, v] : tags) {
      auto stmt = db_->Prepare("INSERT OR REPLACE INTO sweep_tags (sweep_id, key, value) VALUES (?1, ?2, ?3)");
      if (!stmt.ok()) return stmt.error();
      stmt->Bind(1, sweep_id).Bind(2, k).Bind(3, v);
      if (auto s = stmt->Run(); !s.ok()) return s;
    }
    return OkStatus();
  });
}

Result<std::map<std::string, std::string>> SqliteStore::GetSweepTags(const std::string& sweep_id) {
  return Read([&]() -> Result<std::map<std::string, std::string>> {
    if (auto s = RequireSweep(sweep_id); !s.ok()) return s.error();
    auto stmt = db_->Prepare("SELECT key, value FROM sweep_tags WHERE sweep_id = ?1");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, sweep_id);
    std::map<std::string, std::string> out;
    for (;;) {
      auto row = stmt->Step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      out[stmt->Text(0)] = stmt->Text(1);
    }
    return out;
  });
}

Status SqliteStore::SetTags(const std::string& run_id, const std::map<std::string, std::string>& tags) {
  return Write([&]() -> Status {
    auto seq = RunSeq(run_id);
    if (!seq.ok()) return seq.error();
    for (const auto& [k, v] : tags) {
      auto stmt = db_->Prepare("INSERT OR REPLACE INTO tags (run_seq, key, value) VALUES (?1, ?2, ?3)");
      if (!stmt.ok()) return stmt.error();
      stmt->Bind(1, *seq).Bind(2, k).Bind(3, v);
      if (auto s = stmt->Run(); !s.ok()) return s;
    }
    return OkStatus();
  });
}

Status SqliteStore::AddRunParams(const std::string& run_id, const Config& params) {
  return Write([&]() -> Status {
    auto stmt = db_->Prepare("SELECT seq, params FROM runs WHERE id = ?1");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, run_id);
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    if (!*row) return Error::NotFound("no run with id " + run_id);
    const std::int64_t seq = stmt->Int(0);
    auto merged = AddNewParams(stmt->Text(1), params);
    if (!merged.ok()) return merged.error();
    if (merged->added.empty()) return OkStatus();
    auto update = db_->Prepare("UPDATE runs SET params = ?1 WHERE seq = ?2");
    if (!update.ok()) return update.error();
    update->Bind(1, merged->params_json).Bind(2, seq);
    if (auto s = update->Run(); !s.ok()) return s;
    return InsertParams(seq, merged->added);
  });
}

}  // namespace sweep::sqlite
