// OpenPostgresStore, and the lookups that PostgresStore's other files share.
// The class is declared in postgres_store_impl.h; its methods live in
// postgres_store_*.cc, one concern each.
#include "tracking/postgres/postgres_store.h"

#include "tracking/postgres/pg_schema.h"
#include "tracking/postgres/postgres_store_impl.h"

namespace sweep {
namespace pg {

std::string Int(std::int64_t v) { return std::to_string(v); }
Param OptInt(const std::optional<std::int64_t>& v) { return v ? Param(Int(*v)) : std::nullopt; }
Param OptInt(const std::optional<int>& v) { return v ? Param(Int(*v)) : std::nullopt; }

std::string PostgresStore::NewId() {
  static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::uniform_int_distribution<int> pick(0, 35);
  std::string id(kIdLength, '0');
  for (char& c : id) c = kAlphabet[pick(rng_)];
  return id;
}

std::string Candidates(const PgResult& r) {
  std::string out;
  for (int i = 0; i < r.rows() && i < kMaxCandidatesListed; ++i) out += (i ? ", " : "") + r.text(i, 0);
  if (r.rows() > kMaxCandidatesListed) out += ", ...";
  return out;
}

Status PostgresStore::RequireRun(const std::string& run_id) {
  auto r = conn_->Exec("SELECT 1 FROM runs WHERE id = $1", {run_id});
  if (!r.ok()) return r.error();
  if (r->rows() == 0) return Error::NotFound("no run with id '" + run_id + "'");
  return OkStatus();
}

Result<std::string> PostgresStore::RunState(const std::string& run_id) {
  auto r = conn_->Exec("SELECT state FROM runs WHERE id = $1", {run_id});
  if (!r.ok()) return r.error();
  if (r->rows() == 0) return Error::NotFound("no run with id '" + run_id + "'");
  return r->text(0, 0);
}

}  // namespace pg

bool IsPostgresUrl(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url) {
  auto conn = pg::PgConnection::Open(url);
  if (!conn.ok()) return conn.error();
  if (Status s = pg::Migrate(**conn); !s.ok()) return s.error();
  return std::unique_ptr<Store>(new pg::PostgresStore(std::move(*conn)));
}

Result<std::unique_ptr<Store>> OpenPostgresStoreReadOnly(const std::string& url) {
  auto conn = pg::PgConnection::Open(url, /*read_only=*/true);
  if (!conn.ok()) return conn.error();
  if (Status s = pg::RequireCurrentSchema(**conn); !s.ok()) return s.error();
  return std::unique_ptr<Store>(new pg::PostgresStore(std::move(*conn)));
}

}  // namespace sweep
