// PostgresStore: creating, finding and listing sweeps, and their state.
#include <string>

#include "core/goal_name.h"
#include "tracking/postgres/pg_codec.h"
#include "tracking/postgres/postgres_store_impl.h"

namespace sweep::pg {
namespace {

constexpr const char* kSweepColumns =
    "id, name, method, metric_name, goal, spec_text, spec_path, seed, state, created_at, updated_at, project";

bool IsValidId(const std::string& id) {
  if (id.size() != static_cast<size_t>(kIdLength)) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

Result<SweepRecord> SweepFromRow(const PgResult& r, int i) {
  SweepRecord s;
  s.id = r.text(i, 0);
  s.name = r.text(i, 1);
  s.method = r.text(i, 2);
  s.metric_name = r.text(i, 3);
  auto goal = ParseGoal(r.text(i, 4));
  auto state = pg::ParseSweepState(r.text(i, 8));
  if (!goal || !state) return Error::Internal("sweep " + s.id + " has an unknown goal or state in the database");
  s.goal = *goal;
  s.spec_text = r.text(i, 5);
  s.spec_path = r.text(i, 6);
  s.seed = static_cast<std::uint64_t>(pg::ParseInt64(r.text(i, 7)));
  s.state = *state;
  s.created_at = pg::ParseDouble(r.c_str(i, 9));
  s.updated_at = pg::ParseDouble(r.c_str(i, 10));
  s.project = r.text(i, 11);
  return s;
}

}  // namespace

Result<SweepRecord> PostgresStore::CreateSweep(SweepRecord sweep) {
  if (sweep.created_at == 0) sweep.created_at = NowSeconds();
  if (sweep.updated_at == 0) sweep.updated_at = sweep.created_at;
  const bool generate = sweep.id.empty();
  if (!generate && !IsValidId(sweep.id)) {
    return Error::InvalidInput("sweep id '" + sweep.id + "' is not 8 lowercase base-36 characters");
  }
  if (sweep.project.empty()) sweep.project = kDefaultProject;
  Status st = conn_->Transaction([&]() -> Status {
    for (int draw = 0; draw < kMaxIdDraws; ++draw) {
      if (generate) sweep.id = NewId();
      auto r = conn_->Exec(
          std::string("INSERT INTO sweeps (") + kSweepColumns +
              ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (id) DO NOTHING",
          {sweep.id, sweep.name, sweep.method, sweep.metric_name, std::string(GoalName(sweep.goal)),
           sweep.spec_text, sweep.spec_path, Int(static_cast<std::int64_t>(sweep.seed)),
           std::string(pg::SweepStateText(sweep.state)), pg::FormatDouble(sweep.created_at),
           pg::FormatDouble(sweep.updated_at), sweep.project});
      if (!r.ok()) return r.error();
      if (r->affected() == 1) return OkStatus();
      if (!generate) return Error::Conflict("a sweep with id " + sweep.id + " already exists");
    }
    return Error::Internal("could not draw an unused sweep id");
  });
  if (!st.ok()) return st.error();
  return sweep;
}

Result<SweepRecord> PostgresStore::GetSweep(const std::string& id_or_name) {
  if (id_or_name.empty()) return Error::NotFound("no sweep with an empty id or name");
  const std::string cols = kSweepColumns;
  auto exact = conn_->Exec("SELECT " + cols + " FROM sweeps WHERE id = $1", {id_or_name});
  if (!exact.ok()) return exact.error();
  if (exact->rows() == 1) return SweepFromRow(*exact, 0);
  auto named =
      conn_->Exec("SELECT " + cols + " FROM sweeps WHERE name = $1 ORDER BY created_at DESC, id LIMIT 1", {id_or_name});
  if (!named.ok()) return named.error();
  if (named->rows() == 1) return SweepFromRow(*named, 0);
  auto pre = conn_->Exec("SELECT " + cols + " FROM sweeps WHERE left(id, length($1)) = $1 ORDER BY id LIMIT $2",
                         {id_or_name, Int(kMaxCandidatesListed + 1)});
  if (!pre.ok()) return pre.error();
  if (pre->rows() == 1) return SweepFromRow(*pre, 0);
  if (pre->rows() == 0) return Error::NotFound("no sweep with id, id prefix or name '" + id_or_name + "'");
  return Error::InvalidInput("sweep id prefix '" + id_or_name + "' is ambiguous: " + Candidates(*pre));
}

Result<std::vector<SweepRecord>> PostgresStore::ListSweeps() {
  auto r = conn_->Exec(std::string("SELECT ") + kSweepColumns + " FROM sweeps ORDER BY created_at, id");
  if (!r.ok()) return r.error();
  std::vector<SweepRecord> out;
  for (int i = 0; i < r->rows(); ++i) {
    auto s = SweepFromRow(*r, i);
    if (!s.ok()) return s.error();
    out.push_back(std::move(*s));
  }
  return out;
}

Status PostgresStore::SetSweepState(const std::string& sweep_id, SweepState state) {
  return conn_->Transaction([&]() -> Status {
    auto r = conn_->Exec("UPDATE sweeps SET state = $2, updated_at = $3 WHERE id = $1",
                         {sweep_id, std::string(pg::SweepStateText(state)), pg::FormatDouble(NowSeconds())});
    if (!r.ok()) return r.error();
    if (r->affected() == 0) return Error::NotFound("no sweep with id '" + sweep_id + "'");
    return OkStatus();
  });
}

}  // namespace sweep::pg
