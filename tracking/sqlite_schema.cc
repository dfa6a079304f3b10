#include "tracking/sqlite_schema.h"

#include <string>
#include <vector>

#include "tracking/sqlite_store.h"

namespace sweep::sqlite {
namespace {

// Migration i takes the schema from version i to i+1. Never edit a shipped
// entry: add a new one, so existing databases upgrade in order.
const std::vector<const char*>& Migrations() {
  static const std::vector<const char*> kMigrations = {
      // v1
      R"sql(
CREATE TABLE sweeps (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  method TEXT NOT NULL,
  metric_name TEXT NOT NULL,
  goal TEXT NOT NULL CHECK (goal IN ('minimize', 'maximize')),
  spec_text TEXT NOT NULL,
  spec_path TEXT NOT NULL,
  seed INTEGER NOT NULL,
  state TEXT NOT NULL,
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL
);
CREATE INDEX sweeps_by_name ON sweeps (name, created_at);

-- seq is the integer key the bulky tables refer to; id is what users see.
CREATE TABLE runs (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  sweep_id TEXT NOT NULL REFERENCES sweeps (id),
  number INTEGER NOT NULL,
  grid_index INTEGER,
  state TEXT NOT NULL,
  params TEXT NOT NULL,          -- typed JSON object, spec order
  argv TEXT NOT NULL DEFAULT '[]',
  created_at REAL NOT NULL,
  started_at REAL NOT NULL DEFAULT 0,
  ended_at REAL NOT NULL DEFAULT 0,
  exit_code INTEGER,
  signal INTEGER,
  failure_reason TEXT NOT NULL DEFAULT '',
  host TEXT NOT NULL DEFAULT '',
  agent_id TEXT NOT NULL DEFAULT '',
  pid INTEGER NOT NULL DEFAULT 0,
  run_dir TEXT NOT NULL DEFAULT '',
  heartbeat_at REAL,
  UNIQUE (sweep_id, number)
);
CREATE INDEX runs_by_state ON runs (sweep_id, state);
-- A grid point is run once. A crashed run (its controller died) does not hold
-- its point, so resume can run it again; NULLs (non-grid runs) never collide.
CREATE UNIQUE INDEX runs_grid_point ON runs (sweep_id, grid_index)
  WHERE grid_index IS NOT NULL AND state <> 'crashed';

-- One row per parameter, for queries such as "runs with lr < 0.01".
CREATE TABLE params (
  run_seq INTEGER NOT NULL REFERENCES runs (seq),
  name TEXT NOT NULL,
  value TEXT NOT NULL,  -- typed JSON
  num REAL,             -- the value when numeric, for range queries
  PRIMARY KEY (run_seq, name)
) WITHOUT ROWID;

CREATE TABLE metric_keys (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE
);

-- One b-tree clustered by series: integer keys keep a point to ~30 bytes and
-- appends land at the end of their series. ord is the point's position in
-- its series (run_summary.count before it), so repeated steps never collide.
-- value NULL encodes NaN (SQLite stores a bound NaN as NULL).
CREATE TABLE metrics (
  run_seq INTEGER NOT NULL,
  key_id INTEGER NOT NULL,
  step INTEGER NOT NULL,
  ord INTEGER NOT NULL,
  time REAL NOT NULL,
  value REAL,
  PRIMARY KEY (run_seq, key_id, step, ord)
) WITHOUT ROWID;

CREATE TABLE run_summary (
  run_seq INTEGER NOT NULL REFERENCES runs (seq),
  key_id INTEGER NOT NULL REFERENCES metric_keys (id),
  last REAL,
  min REAL,   -- NULL until a non-NaN value arrives
  max REAL,
  last_step INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (run_seq, key_id)
) WITHOUT ROWID;

CREATE TABLE tags (
  run_seq INTEGER NOT NULL REFERENCES runs (seq),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_seq, key)
) WITHOUT ROWID;
)sql",
      // v2: sweep-level tags (the Slurm jobs serving a sweep, notes).
      R"sql(
CREATE TABLE sweep_tags (
  sweep_id TEXT NOT NULL REFERENCES sweeps (id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (sweep_id, key)
) WITHOUT ROWID;
)sql",
      // v3: a change marker per run, so a claim reloads only the runs that
      // changed since its last look (SqliteStore's claim cache). Every write
      // that changes what a RunRecord shows stamps the run with a fresh value
      // of one global counter; triggers do it, so every writer (any code path,
      // raw SQL) is covered. Heartbeats (heartbeat_at) are not shown and do
      // not count. Writers are serialized, so stamps are given in commit order.
      R"sql(
ALTER TABLE runs ADD COLUMN changed_seq INTEGER NOT NULL DEFAULT 0;
CREATE TABLE change_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
);
UPDATE runs SET changed_seq = seq;
INSERT INTO change_counter (id, value) VALUES (1, (SELECT coalesce(max(seq), 0) FROM runs));
CREATE INDEX runs_by_change ON runs (sweep_id, changed_seq);
CREATE TRIGGER runs_change_on_insert AFTER INSERT ON runs BEGIN
  UPDATE change_counter SET value = value + 1 WHERE id = 1;
  UPDATE runs SET changed_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE seq = NEW.seq;
END;
CREATE TRIGGER runs_change_on_update AFTER UPDATE OF id, sweep_id, number, grid_index, state, params, argv,
    created_at, started_at, ended_at, exit_code, signal, failure_reason, host, agent_id, pid, run_dir ON runs BEGIN
  UPDATE change_counter SET value = value + 1 WHERE id = 1;
  UPDATE runs SET changed_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE seq = NEW.seq;
END;
CREATE TRIGGER run_summary_change_on_insert AFTER INSERT ON run_summary BEGIN
  UPDATE change_counter SET value = value + 1 WHERE id = 1;
  UPDATE runs SET changed_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE seq = NEW.run_seq;
END;
CREATE TRIGGER run_summary_change_on_update AFTER UPDATE ON run_summary BEGIN
  UPDATE change_counter SET value = value + 1 WHERE id = 1;
  UPDATE runs SET changed_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE seq IN (OLD.run_seq, NEW.run_seq);
END;
CREATE TRIGGER run_summary_change_on_delete AFTER DELETE ON run_summary BEGIN
  UPDATE change_counter SET value = value + 1 WHERE id = 1;
  UPDATE runs SET changed_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE seq = OLD.run_seq;
END;
CREATE TRIGGER tags_change_on_insert AFTER INSERT ON tags BEGIN
  UPDATE change_counter SET value = value + 1 WHERE id = 1;
  UPDATE runs SET changed_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE seq = NEW.run_seq;
END;
CREATE TRIGGER tags_change_on_update AFTER UPDATE ON tags BEGIN
  UPDATE change_counter SET value = value + 1 WHERE id = 1;
  UPDATE runs SET changed_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE seq IN (OLD.run_seq, NEW.run_seq);
END;
CREATE TRIGGER tags_change_on_delete AFTER DELETE ON tags BEGIN
  UPDATE change_counter SET value = value + 1 WHERE id = 1;
  UPDATE runs SET changed_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE seq = OLD.run_seq;
END;
)sql",
      // v4: projects, and what people say about a run. A sweep belongs to a
      // project; standalone runs live in their project's "manual" sweep,
      // which was named after the project, hence its project. A run gets
      // its W&B name (until now the tag "name" of standalone runs), its
      // labels (W&B tags, a sorted JSON list of strings) and notes, and
      // the stop flag `sweep stop` sets for its agent. The stamp trigger is
      // recreated to cover the new columns.
      R"sql(
ALTER TABLE sweeps ADD COLUMN project TEXT NOT NULL DEFAULT 'default';
UPDATE sweeps SET project = name WHERE method = 'manual';
CREATE INDEX sweeps_by_project ON sweeps (project, created_at);
ALTER TABLE runs ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN labels TEXT NOT NULL DEFAULT '[]';
ALTER TABLE runs ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN stop_requested INTEGER NOT NULL DEFAULT 0;
UPDATE runs SET name = coalesce((SELECT t.value FROM tags t WHERE t.run_seq = runs.seq AND t.key = 'name'), '')
  WHERE sweep_id IN (SELECT id FROM sweeps WHERE method = 'manual');
DELETE FROM tags WHERE key = 'name' AND run_seq IN
  (SELECT r.seq FROM runs r JOIN sweeps s ON s.id = r.sweep_id WHERE s.method = 'manual');
DROP TRIGGER runs_change_on_update;
CREATE TRIGGER runs_change_on_update AFTER UPDATE OF id, sweep_id, number, grid_index, state, params, argv,
    created_at, started_at, ended_at, exit_code, signal, failure_reason, host, agent_id, pid, run_dir,
    name, labels, notes, stop_requested ON runs BEGIN
  UPDATE change_counter SET value = value + 1 WHERE id = 1;
  UPDATE runs SET changed_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE seq = NEW.seq;
END;
)sql",
      // v5 (issue 15; renumbered at merge after other v5s): versioned
      // artifacts and the model registry (artifacts.h, model_registry.h).
      // The bytes live in a content store beside the database; these tables
      // hold what names them. Runs are referred to by id, without foreign
      // keys: a registered model keeps its version after `sweep rm` of the run.
      R"sql(
CREATE TABLE artifacts (
  project TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  next_version INTEGER NOT NULL,  -- never reused, even after deletions
  created_at REAL NOT NULL,
  PRIMARY KEY (project, name)
) WITHOUT ROWID;
CREATE TABLE artifact_versions (
  id INTEGER PRIMARY KEY,
  project TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  digest TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}',
  producer_run TEXT NOT NULL DEFAULT '',
  size INTEGER NOT NULL,
  created_at REAL NOT NULL,
  UNIQUE (project, name, version),
  FOREIGN KEY (project, name) REFERENCES artifacts (project, name)
);
CREATE INDEX artifact_versions_by_run ON artifact_versions (producer_run);
CREATE TABLE artifact_files (
  version_id INTEGER NOT NULL REFERENCES artifact_versions (id),
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  PRIMARY KEY (version_id, path)
) WITHOUT ROWID;
CREATE INDEX artifact_files_by_content ON artifact_files (sha256);
CREATE TABLE artifact_aliases (
  project TEXT NOT NULL,
  name TEXT NOT NULL,
  alias TEXT NOT NULL,
  version_id INTEGER NOT NULL REFERENCES artifact_versions (id),
  PRIMARY KEY (project, name, alias)
) WITHOUT ROWID;
CREATE TABLE artifact_uses (
  version_id INTEGER NOT NULL REFERENCES artifact_versions (id),
  run_id TEXT NOT NULL,
  used_at REAL NOT NULL,
  PRIMARY KEY (version_id, run_id)
) WITHOUT ROWID;
CREATE INDEX artifact_uses_by_run ON artifact_uses (run_id);
CREATE TABLE registered_models (
  name TEXT PRIMARY KEY,
  next_version INTEGER NOT NULL,
  created_at REAL NOT NULL
) WITHOUT ROWID;
CREATE TABLE model_versions (
  model TEXT NOT NULL REFERENCES registered_models (name),
  version INTEGER NOT NULL,
  artifact_version_id INTEGER NOT NULL REFERENCES artifact_versions (id),
  run_id TEXT NOT NULL,
  stage TEXT NOT NULL CHECK (stage IN ('none', 'staging', 'production', 'archived')),
  created_at REAL NOT NULL,
  PRIMARY KEY (model, version)
) WITHOUT ROWID;
CREATE TABLE model_aliases (
  model TEXT NOT NULL REFERENCES registered_models (name),
  alias TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (model, alias)
) WITHOUT ROWID;
CREATE TABLE model_audit (
  seq INTEGER PRIMARY KEY,
  model TEXT NOT NULL,
  version INTEGER NOT NULL,
  action TEXT NOT NULL,
  from_stage TEXT NOT NULL,
  to_stage TEXT NOT NULL,
  detail TEXT NOT NULL,
  user_name TEXT NOT NULL,
  host TEXT NOT NULL,
  at REAL NOT NULL,
  note TEXT NOT NULL
);
CREATE INDEX model_audit_by_model ON model_audit (model, seq);
)sql",
  };
  return kMigrations;
}

Result<std::int64_t> ReadPragma(Database& db, const char* sql) {
  auto stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.error();
  auto row = stmt->Step();
  if (!row.ok()) return row.error();
  return *row ? stmt->Int(0) : 0;
}

Error Damaged(const Database& db, const Error& cause) {
  return NamesACauseOtherThanDamage(cause) ? cause : DamagedDatabase(db.path(), cause.message);
}

}  // namespace

Error DamagedDatabase(const std::string& path, const std::string& cause) {
  return Error::Io(path + " is damaged or not a database (" + cause + ")");
}

Status CheckExisting(Database& db) {
  auto app_id = ReadPragma(db, "PRAGMA application_id");
  if (!app_id.ok()) return Damaged(db, app_id.error());
  auto version = ReadPragma(db, "PRAGMA user_version");
  if (!version.ok()) return Damaged(db, version.error());
  auto tables = ReadPragma(db, "SELECT count(*) FROM sqlite_schema");
  if (!tables.ok()) return Damaged(db, tables.error());
  // A blank SQLite file (no tables, no id) is safe to adopt.
  if (*app_id == 0 && *version == 0 && *tables == 0) return OkStatus();
  if (*app_id != kSqliteApplicationId) {
    return Error::InvalidInput(db.path() + " is a SQLite database of another application, not a Sweep store");
  }
  if (*version > kSqliteSchemaVersion) {
    return Error::InvalidInput(db.path() + " has schema version " + std::to_string(*version) +
                               ", newer than this build supports (" + std::to_string(kSqliteSchemaVersion) +
                               "): upgrade Sweep to open it");
  }
  return OkStatus();
}

Status CheckReadOnlyUsable(Database& db) {
  if (auto s = CheckExisting(db); !s.ok()) return s;
  auto version = ReadPragma(db, "PRAGMA user_version");
  if (!version.ok()) return Damaged(db, version.error());
  if (*version == kSqliteSchemaVersion) return OkStatus();
  return Error::InvalidInput(db.path() + " has schema version " + std::to_string(*version) + ", older than this build's (" +
                             std::to_string(kSqliteSchemaVersion) +
                             "); it cannot be upgraded read-only: open it once where it can be written (any other "
                             "sweep command) to migrate it");
}

Status ConfigureAndMigrate(Database& db) {
  // WAL lets readers (sweep inspect) run beside writers; NORMAL sync is
  // crash-consistent in WAL mode and keeps commits off the fsync path: what
  // must survive a power cut is synced by SyncWrites (sqlite_store.h).
  auto mode = db.Prepare("PRAGMA journal_mode=WAL");
  if (!mode.ok()) return mode.error();
  {
    auto stmt = std::move(mode).value();
    for (;;) {
      auto row = stmt.Step();
      if (!row.ok()) return row.error();
      if (!*row) break;
    }
  }
  if (auto s = db.Exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON"); !s.ok()) return s;

  if (auto s = db.BeginImmediate(kBusyBudgetMs); !s.ok()) return s;
  auto version = ReadPragma(db, "PRAGMA user_version");
  if (!version.ok()) {
    db.Rollback();
    return version.error();
  }
  const auto& migrations = Migrations();
  static_assert(kSqliteSchemaVersion >= 1);
  if (migrations.size() != static_cast<std::size_t>(kSqliteSchemaVersion)) {
    db.Rollback();
    return Error::Internal("migration list does not match kSqliteSchemaVersion");
  }
  // Re-checked under the write lock: another process may have migrated.
  if (*version > kSqliteSchemaVersion) {
    db.Rollback();
    return Error::InvalidInput(db.path() + " was upgraded by a newer Sweep (schema version " +
                               std::to_string(*version) + ")");
  }
  for (auto v = static_cast<std::size_t>(*version); v < migrations.size(); ++v) {
    if (auto s = db.Exec(migrations[v]); !s.ok()) {
      db.Rollback();
      return s;
    }
  }
  if (*version < kSqliteSchemaVersion) {
    const std::string pragmas = "PRAGMA user_version=" + std::to_string(kSqliteSchemaVersion) +
                                "; PRAGMA application_id=" + std::to_string(kSqliteApplicationId);
    if (auto s = db.Exec(pragmas.c_str()); !s.ok()) {
      db.Rollback();
      return s;
    }
  }
  if (auto s = db.Commit(kBusyBudgetMs); !s.ok()) {
    db.Rollback();
    return s;
  }
  return OkStatus();
}

}  // namespace sweep::sqlite
