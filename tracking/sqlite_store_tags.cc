// SqliteStore: the key-value tags of sweeps and of runs.
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

}  // namespace sweep::sqlite
