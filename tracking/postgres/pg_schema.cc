#include "tracking/postgres/pg_schema.h"

#include <string>

#include "tracking/postgres/pg_codec.h"

namespace sweep::pg {
namespace {

// Advisory lock key shared by every process migrating a Sweep database:
// "SWEEPMIG" as ASCII, an arbitrary constant unlikely to collide with
// another application's advisory locks in the same database.
constexpr const char* kMigrationLockKey = "6005344792124148039";

// Migration N brings the schema from version N-1 to N. Appended to, never edited.
// Times are Unix seconds as double precision; params and argv are JSON text
// (value_json keeps ints vs floats and NaN/Infinity, which jsonb would not).
constexpr const char* kMigrations[] = {
    // 1: initial schema.
    R"sql(
CREATE TABLE sweeps (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  method      text NOT NULL,
  metric_name text NOT NULL,
  goal        text NOT NULL,
  spec_text   text NOT NULL,
  spec_path   text NOT NULL,
  seed        bigint NOT NULL,
  state       text NOT NULL,
  created_at  double precision NOT NULL,
  updated_at  double precision NOT NULL
);
CREATE INDEX sweeps_by_name ON sweeps (name, created_at);

CREATE TABLE runs (
  id             text PRIMARY KEY,
  sweep_id       text NOT NULL REFERENCES sweeps (id),
  number         bigint NOT NULL,
  grid_index     bigint,
  state          text NOT NULL,
  params         text NOT NULL,
  argv           text NOT NULL,
  created_at     double precision NOT NULL,
  started_at     double precision NOT NULL DEFAULT 0,
  ended_at       double precision NOT NULL DEFAULT 0,
  heartbeat_at   double precision,
  exit_code      integer,
  signal         integer,
  failure_reason text NOT NULL DEFAULT '',
  host           text NOT NULL DEFAULT '',
  agent_id       text NOT NULL DEFAULT '',
  pid            integer NOT NULL DEFAULT 0,
  run_dir        text NOT NULL DEFAULT '',
  UNIQUE (sweep_id, number)
);
-- A grid point runs once, except that a crashed attempt may be re-run on resume.
CREATE UNIQUE INDEX runs_grid_point ON runs (sweep_id, grid_index)
  WHERE grid_index IS NOT NULL AND state <> 'crashed';
CREATE INDEX runs_live ON runs (sweep_id) WHERE state IN ('queued', 'running');

-- One row per parameter, for queries ("runs with lr < 0.01"): the typed
-- value as JSON plus its numeric value when it has one.
CREATE TABLE params (
  run_id  text NOT NULL REFERENCES runs (id),
  name    text NOT NULL,
  value   text NOT NULL,
  numeric double precision,
  PRIMARY KEY (run_id, name)
);
CREATE INDEX params_by_name ON params (name, numeric);

CREATE TABLE metrics (
  seq    bigserial,
  run_id text NOT NULL REFERENCES runs (id),
  key    text NOT NULL,
  step   bigint NOT NULL,
  value  double precision NOT NULL,
  time   double precision NOT NULL
);
CREATE INDEX metrics_by_run ON metrics (run_id, key, step, time, seq);

CREATE TABLE run_summary (
  run_id    text NOT NULL REFERENCES runs (id),
  key       text NOT NULL,
  last      double precision NOT NULL,
  last_step bigint NOT NULL,
  min       double precision NOT NULL,
  max       double precision NOT NULL,
  count     bigint NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE INDEX run_summary_by_key ON run_summary (key, min);

CREATE TABLE tags (
  run_id text NOT NULL REFERENCES runs (id),
  key    text NOT NULL,
  value  text NOT NULL,
  PRIMARY KEY (run_id, key)
);
)sql",
    // 2: sweep-level tags (the Slurm jobs serving a sweep, notes).
    R"sql(
CREATE TABLE sweep_tags (
  sweep_id text NOT NULL REFERENCES sweeps (id),
  key      text NOT NULL,
  value    text NOT NULL,
  PRIMARY KEY (sweep_id, key)
);
)sql",
    // 3: change stamps, so a claim rereads only the runs that changed since
    // its last look (PostgresStore's claim cache). A stamp is the id of the
    // transaction that last changed the row, not a sequence value: writers
    // run concurrently, so sequence values are not handed out in commit order
    // and a reader that had passed value n would miss an n-1 committed later.
    // A transaction that commits after a snapshot has an id at or above that
    // snapshot's xmin, so a reader that remembers xmin and rereads what is
    // stamped at or above it misses nothing (it may reread a few runs, which
    // is harmless). Column defaults and triggers stamp, so every writer (any
    // code path, raw SQL) is covered. xid8 and pg_current_xact_id() need
    // PostgreSQL 13 or later. A run is changed when its row is (heartbeat_at aside: it is
    // not shown, and beats would reread runs for nothing), when one of its
    // summaries is, or when one of its tags is. Summaries carry their own
    // stamp because LogMetrics rewrites them on every batch: restamping the
    // run row there too would cost each batch an extra row version in runs.
    // Tags change rarely and restamp their run. Rows from before this
    // version keep stamp 0: a cache's first read takes every run anyway.
    R"sql(
-- Existing rows get 0 (a constant default adds the column without
-- rewriting the table); new rows are stamped by the default, which costs
-- less than a trigger call on these hot inserts; updates by the triggers.
ALTER TABLE runs ADD COLUMN changed_xid xid8 NOT NULL DEFAULT '0';
ALTER TABLE runs ALTER COLUMN changed_xid SET DEFAULT pg_current_xact_id();
CREATE INDEX runs_by_change ON runs (sweep_id, changed_xid);
ALTER TABLE run_summary ADD COLUMN changed_xid xid8 NOT NULL DEFAULT '0';
ALTER TABLE run_summary ALTER COLUMN changed_xid SET DEFAULT pg_current_xact_id();
CREATE INDEX run_summary_by_change ON run_summary (changed_xid);

CREATE FUNCTION sweep_stamp_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.changed_xid := pg_current_xact_id();
  RETURN NEW;
END $$;
CREATE TRIGGER runs_stamp BEFORE UPDATE OF id, sweep_id, number, grid_index, state, params, argv,
    created_at, started_at, ended_at, exit_code, signal, failure_reason, host, agent_id, pid, run_dir
  ON runs FOR EACH ROW EXECUTE FUNCTION sweep_stamp_row();
CREATE TRIGGER run_summary_stamp BEFORE UPDATE ON run_summary
  FOR EACH ROW EXECUTE FUNCTION sweep_stamp_row();

-- Rows that stamp their run instead: tags, and summaries that disappear.
-- Once per run and transaction, since every later stamp would be the same.
CREATE FUNCTION sweep_stamp_owning_run() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    UPDATE runs SET changed_xid = pg_current_xact_id()
      WHERE id = NEW.run_id AND changed_xid <> pg_current_xact_id();
  END IF;
  IF TG_OP <> 'INSERT' THEN
    UPDATE runs SET changed_xid = pg_current_xact_id()
      WHERE id = OLD.run_id AND changed_xid <> pg_current_xact_id();
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER run_summary_delete_stamps_run AFTER DELETE ON run_summary
  FOR EACH ROW EXECUTE FUNCTION sweep_stamp_owning_run();
CREATE TRIGGER tags_stamp_run AFTER INSERT OR UPDATE OR DELETE ON tags
  FOR EACH ROW EXECUTE FUNCTION sweep_stamp_owning_run();
)sql",
    // 4: projects, and what people say about a run (as SQLite's v4): a
    // sweep's project (standalone runs' "manual" sweeps were named after
    // theirs), a run's W&B name, labels (W&B tags, a sorted JSON list) and
    // notes, and the stop flag `sweep stop` sets. The stamp trigger is
    // recreated to cover the new columns.
    R"sql(
ALTER TABLE sweeps ADD COLUMN project text NOT NULL DEFAULT 'default';
UPDATE sweeps SET project = name WHERE method = 'manual';
CREATE INDEX sweeps_by_project ON sweeps (project, created_at);
ALTER TABLE runs ADD COLUMN name text NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN labels text NOT NULL DEFAULT '[]';
ALTER TABLE runs ADD COLUMN notes text NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN stop_requested boolean NOT NULL DEFAULT false;
UPDATE runs r SET name = t.value FROM tags t, sweeps s
  WHERE t.run_id = r.id AND t.key = 'name' AND s.id = r.sweep_id AND s.method = 'manual';
DELETE FROM tags t USING runs r, sweeps s
  WHERE t.run_id = r.id AND t.key = 'name' AND s.id = r.sweep_id AND s.method = 'manual';
DROP TRIGGER runs_stamp ON runs;
CREATE TRIGGER runs_stamp BEFORE UPDATE OF id, sweep_id, number, grid_index, state, params, argv,
    created_at, started_at, ended_at, exit_code, signal, failure_reason, host, agent_id, pid, run_dir,
    name, labels, notes, stop_requested
  ON runs FOR EACH ROW EXECUTE FUNCTION sweep_stamp_row();
)sql",
    // 5 (issue 15; renumbered at merge after other 5s): versioned artifacts
    // and the model registry, as SQLite's v5. The bytes live in a content
    // folder the store's users share (tracking/content_store.h).
    R"sql(
CREATE TABLE artifacts (
  project      text NOT NULL,
  name         text NOT NULL,
  type         text NOT NULL,
  next_version bigint NOT NULL,
  created_at   double precision NOT NULL,
  PRIMARY KEY (project, name)
);
CREATE TABLE artifact_versions (
  id           bigserial PRIMARY KEY,
  project      text NOT NULL,
  name         text NOT NULL,
  version      bigint NOT NULL,
  digest       text NOT NULL,
  metadata     text NOT NULL DEFAULT '{}',
  producer_run text NOT NULL DEFAULT '',
  size         bigint NOT NULL,
  created_at   double precision NOT NULL,
  UNIQUE (project, name, version),
  FOREIGN KEY (project, name) REFERENCES artifacts (project, name)
);
CREATE INDEX artifact_versions_by_run ON artifact_versions (producer_run);
CREATE TABLE artifact_files (
  version_id bigint NOT NULL REFERENCES artifact_versions (id),
  path       text NOT NULL,
  sha256     text NOT NULL,
  size       bigint NOT NULL,
  PRIMARY KEY (version_id, path)
);
CREATE INDEX artifact_files_by_content ON artifact_files (sha256);
CREATE TABLE artifact_aliases (
  project    text NOT NULL,
  name       text NOT NULL,
  alias      text NOT NULL,
  version_id bigint NOT NULL REFERENCES artifact_versions (id),
  PRIMARY KEY (project, name, alias)
);
CREATE TABLE artifact_uses (
  version_id bigint NOT NULL REFERENCES artifact_versions (id),
  run_id     text NOT NULL,
  used_at    double precision NOT NULL,
  PRIMARY KEY (version_id, run_id)
);
CREATE INDEX artifact_uses_by_run ON artifact_uses (run_id);
CREATE TABLE registered_models (
  name         text PRIMARY KEY,
  next_version bigint NOT NULL,
  created_at   double precision NOT NULL
);
CREATE TABLE model_versions (
  model               text NOT NULL REFERENCES registered_models (name),
  version             bigint NOT NULL,
  artifact_version_id bigint NOT NULL REFERENCES artifact_versions (id),
  run_id              text NOT NULL,
  stage               text NOT NULL CHECK (stage IN ('none', 'staging', 'production', 'archived')),
  created_at          double precision NOT NULL,
  PRIMARY KEY (model, version)
);
CREATE TABLE model_aliases (
  model   text NOT NULL REFERENCES registered_models (name),
  alias   text NOT NULL,
  version bigint NOT NULL,
  PRIMARY KEY (model, alias)
);
CREATE TABLE model_audit (
  seq        bigserial PRIMARY KEY,
  model      text NOT NULL,
  version    bigint NOT NULL,
  action     text NOT NULL,
  from_stage text NOT NULL,
  to_stage   text NOT NULL,
  detail     text NOT NULL,
  user_name  text NOT NULL,
  host       text NOT NULL,
  at         double precision NOT NULL,
  note       text NOT NULL
);
CREATE INDEX model_audit_by_model ON model_audit (model, seq);
)sql",
};

static_assert(std::size(kMigrations) == kSchemaVersion, "one migration per schema version");

}  // namespace

Status Migrate(PgConnection& conn) {
  int found = 0;
  Status st = conn.Transaction([&]() -> Status {
    // Taken before anything else, so concurrent openers queue here instead
    // of racing on CREATE TABLE; released at COMMIT/ROLLBACK.
    if (auto r = conn.Exec("SELECT pg_advisory_xact_lock($1::bigint)", {kMigrationLockKey}); !r.ok()) return r.error();
    if (auto r = conn.Exec("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)"); !r.ok()) {
      return r.error();
    }
    auto cur = conn.Exec("SELECT coalesce(max(version), 0) FROM schema_version");
    if (!cur.ok()) return cur.error();
    found = static_cast<int>(pg::ParseInt64(cur->text(0, 0)));
    if (found > kSchemaVersion) {
      return Error::Io("the database's schema version " + std::to_string(found) +
                       " is newer than this build supports (" + std::to_string(kSchemaVersion) +
                       "); upgrade sweep");
    }
    for (int v = found + 1; v <= kSchemaVersion; ++v) {
      if (auto r = conn.ExecScript(kMigrations[v - 1]); !r.ok()) return r.error();
      if (auto r = conn.Exec("INSERT INTO schema_version (version) VALUES ($1)", {std::to_string(v)}); !r.ok()) {
        return r.error();
      }
    }
    return OkStatus();
  });
  return st;
}

Status RequireCurrentSchema(PgConnection& conn) {
  auto table = conn.Exec("SELECT to_regclass('schema_version') IS NOT NULL");
  if (!table.ok()) return table.error();
  if (table->text(0, 0) != "t") {
    return Error::NotFound("the database holds no Sweep store yet (run `sweep run` or `sweep sweeps` against it first)");
  }
  auto cur = conn.Exec("SELECT coalesce(max(version), 0) FROM schema_version");
  if (!cur.ok()) return cur.error();
  const int found = static_cast<int>(pg::ParseInt64(cur->text(0, 0)));
  if (found > kSchemaVersion) {
    return Error::Io("the database's schema version " + std::to_string(found) + " is newer than this build supports (" +
                     std::to_string(kSchemaVersion) + "); upgrade sweep");
  }
  if (found < kSchemaVersion) {
    return Error::InvalidInput("the database's schema version " + std::to_string(found) + " is older than this build's (" +
                               std::to_string(kSchemaVersion) + "); any other sweep command upgrades it");
  }
  return OkStatus();
}

}  // namespace sweep::pg
