#include "tracking/model_registry_records.h"

#include <algorithm>

#include "tracking/artifact_catalog.h"

namespace sweep::sql {
namespace {

constexpr std::size_t kMaxModelNameLength = 256;

struct AuditEntry {
  std::string model;
  std::int64_t version = 0;
  std::string action, from_stage, to_stage, detail;
};

Status Audit(SqlSession& db, const AuditEntry& e, const AuditStamp& stamp) {
  auto r = db.Query(
      "INSERT INTO model_audit (model, version, action, from_stage, to_stage, detail, user_name, host, at, note) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
      {e.model, IntParam(e.version), e.action, e.from_stage, e.to_stage, e.detail, stamp.user, stamp.host,
       DoubleParam(stamp.at), stamp.note});
  return r.ok() ? OkStatus() : Status(r.error());
}

// Locks the model's row; kNotFound when there is none.
Status LockModel(SqlSession& db, const std::string& model) {
  auto r = db.Query(std::string("SELECT name FROM registered_models WHERE name = $1") + db.RowLock(), {model});
  if (!r.ok()) return r.error();
  if (r->empty()) return Error::NotFound("no registered model '" + model + "'");
  return OkStatus();
}

Result<std::vector<ModelVersion>> LoadVersions(SqlSession& db, const std::string& model, std::int64_t only = 0) {
  auto rows = db.Query(
      "SELECT version, artifact_version_id, run_id, stage, created_at FROM model_versions "
      "WHERE model = $1 AND (CAST($2 AS BIGINT) = 0 OR version = CAST($2 AS BIGINT)) ORDER BY version",
      {model, IntParam(only)});
  if (!rows.ok()) return rows.error();
  auto aliases = db.Query("SELECT alias, version FROM model_aliases WHERE model = $1 ORDER BY alias", {model});
  if (!aliases.ok()) return aliases.error();
  std::vector<ModelVersion> out;
  for (const auto& r : *rows) {
    ModelVersion v;
    v.model = model;
    v.version = AsInt(r[0]);
    v.artifact_version_id = AsInt(r[1]);
    v.run_id = AsText(r[2]);
    v.stage = ParseModelStage(AsText(r[3])).value_or(ModelStage::kNone);
    v.created_at = AsDouble(r[4]);
    for (const auto& a : *aliases) {
      if (AsInt(a[1]) == v.version) v.aliases.push_back(AsText(a[0]));
    }
    out.push_back(std::move(v));
  }
  return out;
}

Result<ModelVersion> LoadVersion(SqlSession& db, const std::string& model, std::int64_t version) {
  auto versions = LoadVersions(db, model, version);
  if (!versions.ok()) return versions.error();
  if (versions->empty()) {
    return Error::NotFound("registered model '" + model + "' has no version " + std::to_string(version));
  }
  return versions->front();
}

Status SetStage(SqlSession& db, const ModelVersion& v, ModelStage to, const AuditStamp& stamp) {
  auto r = db.Query("UPDATE model_versions SET stage = $3 WHERE model = $1 AND version = $2",
                    {v.model, IntParam(v.version), std::string(ModelStageName(to))});
  if (!r.ok()) return r.error();
  return Audit(db, {v.model, v.version, "stage", std::string(ModelStageName(v.stage)), std::string(ModelStageName(to)), ""},
               stamp);
}

Result<std::int64_t> NextVersionLocked(SqlSession& db, const std::string& model, double now) {
  auto made = db.Query(
      "INSERT INTO registered_models (name, next_version, created_at) VALUES ($1, 1, $2) ON CONFLICT (name) DO NOTHING",
      {model, DoubleParam(now)});
  if (!made.ok()) return made.error();
  auto row = db.Query(std::string("SELECT next_version FROM registered_models WHERE name = $1") + db.RowLock(), {model});
  if (!row.ok()) return row.error();
  if (row->empty()) return Error::Internal("registered model row vanished inside its transaction");
  const std::int64_t next = AsInt((*row)[0][0]);
  auto bump = db.Query("UPDATE registered_models SET next_version = $2 WHERE name = $1", {model, IntParam(next + 1)});
  if (!bump.ok()) return bump.error();
  return next;
}

}  // namespace

Result<ModelVersion> RegisterModelVersion(SqlSession& db, const std::string& model, std::int64_t artifact_version_id,
                                          const std::string& run_id, const AuditStamp& stamp) {
  if (model.empty() || model.size() > kMaxModelNameLength || model.find_first_of("@/\n") != std::string::npos) {
    return Error::InvalidInput("registered model name '" + model + "' is not usable (1-256 characters, no '@', '/')");
  }
  ModelVersion out;
  Status st = db.Write([&]() -> Status {
    if (auto v = LoadArtifactVersionLocked(db, artifact_version_id); !v.ok()) return v.error();
    auto run = db.Query("SELECT 1 FROM runs WHERE id = $1", {run_id});
    if (!run.ok()) return run.error();
    if (run->empty()) return Error::NotFound("no run with id '" + run_id + "'");
    auto number = NextVersionLocked(db, model, stamp.at);
    if (!number.ok()) return number.error();
    auto r = db.Query(
        "INSERT INTO model_versions (model, version, artifact_version_id, run_id, stage, created_at) "
        "VALUES ($1, $2, $3, $4, 'none', $5)",
        {model, IntParam(*number), IntParam(artifact_version_id), run_id, DoubleParam(stamp.at)});
    if (!r.ok()) return r.error();
    if (auto s = Audit(db, {model, *number, "register", "", "none", ""}, stamp); !s.ok()) return s;
    auto loaded = LoadVersion(db, model, *number);
    if (!loaded.ok()) return loaded.error();
    out = std::move(loaded).value();
    return OkStatus();
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<ModelVersion> PromoteModelVersion(SqlSession& db, const std::string& model, std::int64_t version,
                                         ModelStage stage, const PromotionOptions& options, const AuditStamp& stamp) {
  ModelVersion out;
  Status st = db.Write([&]() -> Status {
    if (auto s = LockModel(db, model); !s.ok()) return s;
    auto target = LoadVersion(db, model, version);
    if (!target.ok()) return target.error();
    if (stage == ModelStage::kProduction && !options.keep_other_production) {
      auto all = LoadVersions(db, model);
      if (!all.ok()) return all.error();
      for (const auto& other : *all) {
        if (other.version == version || other.stage != ModelStage::kProduction) continue;
        if (auto s = SetStage(db, other, ModelStage::kArchived, stamp); !s.ok()) return s;
      }
    }
    if (auto s = SetStage(db, *target, stage, stamp); !s.ok()) return s;
    auto loaded = LoadVersion(db, model, version);
    if (!loaded.ok()) return loaded.error();
    out = std::move(loaded).value();
    return OkStatus();
  });
  if (!st.ok()) return st.error();
  return out;
}

Status SetModelAlias(SqlSession& db, const std::string& model, std::int64_t version, const std::string& alias,
                     const AuditStamp& stamp) {
  if (!IsArtifactWord(alias) || IsReservedAlias(alias)) {
    return Error::InvalidInput("'" + alias + "' cannot be an alias (reserved, or not letters, digits, '_', '-', '.')");
  }
  return db.Write([&]() -> Status {
    if (auto s = LockModel(db, model); !s.ok()) return s;
    if (auto v = LoadVersion(db, model, version); !v.ok()) return v.error();
    auto previous = db.Query("SELECT version FROM model_aliases WHERE model = $1 AND alias = $2", {model, alias});
    if (!previous.ok()) return previous.error();
    auto r = db.Query(
        "INSERT INTO model_aliases (model, alias, version) VALUES ($1, $2, $3) "
        "ON CONFLICT (model, alias) DO UPDATE SET version = excluded.version",
        {model, alias, IntParam(version)});
    if (!r.ok()) return r.error();
    const std::string from = previous->empty() ? "" : "v" + AsText((*previous)[0][0]);
    return Audit(db, {model, version, "alias", from, "v" + std::to_string(version), alias}, stamp);
  });
}

Result<RegisteredModel> GetRegisteredModel(SqlSession& db, const std::string& model) {
  RegisteredModel out;
  Status st = db.Read([&]() -> Status {
    auto row = db.Query("SELECT created_at FROM registered_models WHERE name = $1", {model});
    if (!row.ok()) return row.error();
    if (row->empty()) return Error::NotFound("no registered model '" + model + "'");
    out.name = model;
    out.created_at = AsDouble((*row)[0][0]);
    auto versions = LoadVersions(db, model);
    if (!versions.ok()) return versions.error();
    out.versions = std::move(versions).value();
    auto audit = db.Query(
        "SELECT version, action, from_stage, to_stage, detail, user_name, host, at, note FROM model_audit "
        "WHERE model = $1 ORDER BY seq",
        {model});
    if (!audit.ok()) return audit.error();
    for (const auto& r : *audit) {
      out.audit.push_back({AsInt(r[0]), AsText(r[1]), AsText(r[2]), AsText(r[3]), AsText(r[4]),
                           AuditStamp{AsText(r[5]), AsText(r[6]), AsDouble(r[7]), AsText(r[8])}});
    }
    return OkStatus();
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<std::vector<RegisteredModel>> ListRegisteredModels(SqlSession& db) {
  std::vector<RegisteredModel> out;
  Status st = db.Read([&]() -> Status {
    auto rows = db.Query("SELECT name, created_at FROM registered_models ORDER BY name");
    if (!rows.ok()) return rows.error();
    for (const auto& r : *rows) {
      RegisteredModel m;
      m.name = AsText(r[0]);
      m.created_at = AsDouble(r[1]);
      auto versions = LoadVersions(db, m.name);
      if (!versions.ok()) return versions.error();
      m.versions = std::move(versions).value();
      out.push_back(std::move(m));
    }
    return OkStatus();
  });
  if (!st.ok()) return st.error();
  return out;
}

}  // namespace sweep::sql
