// SqliteStore: creating, finding and listing sweeps, and their state.
#include <string_view>
#include <utility>

#include "core/goal_name.h"
#include "tracking/sqlite_store_impl.h"

namespace sweep::sqlite {
namespace {


// The statements that read whole sweeps, in SweepFromRow's column order.
#define SWEEP_SELECT_SWEEPS \
  "SELECT id, name, method, metric_name, goal, spec_text, spec_path, seed, state, created_at, updated_at, project " \
  "FROM sweeps "
constexpr char kSweepById[] = SWEEP_SELECT_SWEEPS "WHERE id = ?1";
constexpr char kNewestSweepByName[] = SWEEP_SELECT_SWEEPS "WHERE name = ?1 ORDER BY created_at DESC, rowid DESC LIMIT 1";
constexpr char kAllSweeps[] = SWEEP_SELECT_SWEEPS "ORDER BY created_at, rowid";
#undef SWEEP_SELECT_SWEEPS

Result<SweepRecord> SweepFromRow(const Statement& s) {
  SweepRecord r;
  r.id = s.Text(0);
  r.name = s.Text(1);
  r.method = s.Text(2);
  r.metric_name = s.Text(3);
  r.goal = ParseGoal(s.Text(4)).value_or(Goal::kMinimize);
  r.spec_text = s.Text(5);
  r.spec_path = s.Text(6);
  r.seed = static_cast<std::uint64_t>(s.Int(7));
  auto state = ParseSweepState(s.Text(8));
  if (!state) return Error::Internal("sweep " + r.id + " has unknown state " + s.Text(8));
  r.state = *state;
  r.created_at = s.Double(9);
  r.updated_at = s.Double(10);
  r.project = s.Text(11);
  return r;
}

Result<SweepRecord> Unwrap(Result<std::optional<SweepRecord>> r) {
  if (!r.ok()) return r.error();
  return std::move(**r);
}

}  // namespace

Result<SweepRecord> SqliteStore::CreateSweep(SweepRecord sweep) {
  return Write([&]() -> Result<SweepRecord> {
    if (sweep.id.empty()) {
      auto id = NewId("SELECT 1 FROM sweeps WHERE id = ?1");
      if (!id.ok()) return id.error();
      sweep.id = *id;
    } else if (!IsIdPrefix(sweep.id) || sweep.id.size() != kIdLength) {
      return Error::InvalidInput("sweep id must be " + std::to_string(kIdLength) +
                                 " lowercase base-36 characters: " + sweep.id);
    } else if (RequireSweep(sweep.id).ok()) {
      return Error::Conflict("a sweep with id " + sweep.id + " already exists");
    }
    if (sweep.created_at == 0) sweep.created_at = NowSeconds();
    if (sweep.updated_at == 0) sweep.updated_at = sweep.created_at;
    auto stmt = db_->Prepare(
        "INSERT INTO sweeps (id, name, method, metric_name, goal, spec_text, spec_path, seed, state, "
        "created_at, updated_at, project) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, sweep.id).Bind(2, sweep.name).Bind(3, sweep.method).Bind(4, sweep.metric_name);
    stmt->Bind(5, GoalName(sweep.goal)).Bind(6, sweep.spec_text).Bind(7, sweep.spec_path);
    // The seed is a full 64-bit value; SQLite stores it bit-for-bit as int64.
    stmt->Bind(8, static_cast<std::int64_t>(sweep.seed)).Bind(9, SweepStateName(sweep.state));
    if (sweep.project.empty()) sweep.project = kDefaultProject;
    stmt->Bind(10, sweep.created_at).Bind(11, sweep.updated_at).Bind(12, sweep.project);
    if (auto s = stmt->Run(); !s.ok()) return s.error();
    return sweep;
  });
}

Result<SweepRecord> SqliteStore::GetSweep(const std::string& id_or_name) {
  return Read([&]() -> Result<SweepRecord> {
    if (auto found = FirstSweep(kSweepById, id_or_name); !found.ok() || found->has_value()) {
      return Unwrap(std::move(found));
    }
    if (auto found = FirstSweep(kNewestSweepByName, id_or_name); !found.ok() || found->has_value()) {
      return Unwrap(std::move(found));
    }
    auto id = ResolvePrefix("SELECT id FROM sweeps WHERE id GLOB ?1 ORDER BY id", "sweep", id_or_name);
    if (!id.ok()) return id.error();
    return Unwrap(FirstSweep(kSweepById, *id));
  });
}

Result<std::vector<SweepRecord>> SqliteStore::ListSweeps() {
  auto stmt = db_->Prepare(kAllSweeps);
  if (!stmt.ok()) return stmt.error();
  std::vector<SweepRecord> out;
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    auto rec = SweepFromRow(*stmt);
    if (!rec.ok()) return rec.error();
    out.push_back(std::move(rec).value());
  }
  return out;
}

Status SqliteStore::SetSweepState(const std::string& sweep_id, SweepState state) {
  return Write([&]() -> Status {
    auto stmt = db_->Prepare("UPDATE sweeps SET state = ?1, updated_at = ?2 WHERE id = ?3");
    if (!stmt.ok()) return stmt.error();
    stmt->Bind(1, SweepStateName(state)).Bind(2, NowSeconds()).Bind(3, sweep_id);
    if (auto s = stmt->Run(); !s.ok()) return s;
    if (db_->Changes() == 0) return Error::NotFound("no sweep with id " + sweep_id);
    return OkStatus();
  });
}

Result<std::optional<SweepRecord>> SqliteStore::FirstSweep(const char* sql, const std::string& arg) {
  auto stmt = db_->Prepare(sql);
  if (!stmt.ok()) return stmt.error();
  stmt->Bind(1, arg);
  auto row = stmt->Step();
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<SweepRecord>();
  auto rec = SweepFromRow(*stmt);
  if (!rec.ok()) return rec.error();
  return std::optional<SweepRecord>(std::move(rec).value());
}

}  // namespace sweep::sqlite
