#include "tracking/sqlite_sql_session.h"

#include "tracking/sqlite_schema.h"

namespace sweep::sqlite {

Result<std::vector<sql::SqlRow>> SqliteSqlSession::Query(const std::string& sql,
                                                          const std::vector<sql::SqlValue>& params) {
  auto [it, fresh] = translated_.try_emplace(sql, sql);
  if (fresh) {
    for (auto& c : it->second) {
      if (c == '$') c = '?';  // $N -> ?N: the same numbered parameter in SQLite's spelling
    }
  }
  auto stmt = db_.Prepare(it->second.c_str());
  if (!stmt.ok()) return stmt.error();
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    if (params[i]) stmt->Bind(index, std::string_view(*params[i]));
    else stmt->BindNull(index);
  }
  std::vector<sql::SqlRow> rows;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    sql::SqlRow out;
    for (int col = 0; col < stmt->ColumnCount(); ++col) {
      if (stmt->IsNull(col)) out.emplace_back(std::nullopt);
      else out.emplace_back(stmt->Text(col));
    }
    rows.push_back(std::move(out));
  }
  return rows;
}

Status SqliteSqlSession::Write(const std::function<Status()>& body) {
  if (auto s = db_.BeginImmediate(kBusyBudgetMs); !s.ok()) return s;
  Status result = body();
  if (!result.ok()) {
    db_.Rollback();
    return result;
  }
  if (auto s = db_.Commit(kBusyBudgetMs); !s.ok()) {
    db_.Rollback();
    return s;
  }
  return OkStatus();
}

Status SqliteSqlSession::Read(const std::function<Status()>& body) {
  if (auto s = db_.Exec("BEGIN"); !s.ok()) return s;
  Status result = body();
  db_.Rollback();  // nothing was written; ending the snapshot is all that is needed
  return result;
}

}  // namespace sweep::sqlite
