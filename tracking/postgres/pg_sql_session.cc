#include "tracking/postgres/pg_sql_session.h"

namespace sweep::pg {

Result<std::vector<sql::SqlRow>> PgSqlSession::Query(const std::string& sql, const std::vector<sql::SqlValue>& params) {
  auto result = conn_.Exec(sql, params);
  if (!result.ok()) return result.error();
  std::vector<sql::SqlRow> rows;
  rows.reserve(static_cast<std::size_t>(result->rows()));
  for (int r = 0; r < result->rows(); ++r) {
    sql::SqlRow row;
    for (int c = 0; c < result->columns(); ++c) {
      if (result->is_null(r, c)) row.emplace_back(std::nullopt);
      else row.emplace_back(result->text(r, c));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace sweep::pg
