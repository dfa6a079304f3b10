#include "tracking/artifact_catalog.h"

#include <algorithm>
#include <cctype>

#include "core/wall_clock.h"

namespace sweep::sql {
namespace {

// Names, types and aliases: long enough for any sensible one.
constexpr std::size_t kMaxWordLength = 128;

constexpr const char* kVersionColumns =
    "v.id, v.project, v.name, v.version, a.type, v.digest, v.metadata, v.producer_run, v.size, v.created_at, "
    "(SELECT max(w.version) FROM artifact_versions w WHERE w.project = v.project AND w.name = v.name)";

ArtifactVersion VersionFromRow(const SqlRow& r) {
  ArtifactVersion out;
  out.id = AsInt(r[0]);
  out.project = AsText(r[1]);
  out.name = AsText(r[2]);
  out.version = AsInt(r[3]);
  out.type = AsText(r[4]);
  out.digest = AsText(r[5]);
  out.metadata_json = AsText(r[6]);
  out.producer_run = AsText(r[7]);
  out.size = AsInt(r[8]);
  out.created_at = AsDouble(r[9]);
  if (AsInt(r[10]) == out.version) out.aliases.push_back(kLatestAlias);
  return out;
}

// Fills in aliases and consumers (and files when `with_files`).
Status AttachDetails(SqlSession& db, ArtifactVersion& v, bool with_files) {
  const std::vector<SqlValue> id = {IntParam(v.id)};
  auto aliases = db.Query("SELECT alias FROM artifact_aliases WHERE version_id = $1", id);
  if (!aliases.ok()) return aliases.error();
  for (const auto& r : *aliases) v.aliases.push_back(AsText(r[0]));
  std::sort(v.aliases.begin(), v.aliases.end());
  auto users = db.Query("SELECT run_id FROM artifact_uses WHERE version_id = $1 ORDER BY used_at, run_id", id);
  if (!users.ok()) return users.error();
  for (const auto& r : *users) v.consumers.push_back(AsText(r[0]));
  if (!with_files) return OkStatus();
  auto files = db.Query("SELECT path, sha256, size FROM artifact_files WHERE version_id = $1 ORDER BY path", id);
  if (!files.ok()) return files.error();
  for (const auto& r : *files) v.files.push_back({AsText(r[0]), AsText(r[1]), AsInt(r[2])});
  return OkStatus();
}

Status RequireRunLocked(SqlSession& db, const std::string& run_id) {
  auto r = db.Query("SELECT 1 FROM runs WHERE id = $1", {run_id});
  if (!r.ok()) return r.error();
  if (r->empty()) return Error::NotFound("no run with id '" + run_id + "'");
  return OkStatus();
}

Status ValidateNewVersion(const NewArtifactVersion& v) {
  if (v.project.empty()) return Error::InvalidInput("an artifact needs a project");
  if (!IsArtifactWord(v.name)) {
    return Error::InvalidInput("artifact name '" + v.name + "' is not usable: use letters, digits, '_', '-' and '.'");
  }
  if (!IsArtifactWord(v.type)) {
    return Error::InvalidInput("artifact type '" + v.type + "' is not usable: use letters, digits, '_', '-' and '.'");
  }
  if (v.files.empty()) return Error::InvalidInput("artifact " + v.name + " has no files");
  if (v.files.size() > kMaxArtifactFiles) {
    return Error::InvalidInput("artifact " + v.name + " has more than " + std::to_string(kMaxArtifactFiles) + " files");
  }
  for (const auto& alias : v.aliases) {
    if (!IsArtifactWord(alias) || IsReservedAlias(alias)) {
      return Error::InvalidInput("'" + alias + "' cannot be an alias (reserved or not a word)");
    }
  }
  return OkStatus();
}

// Creates the artifact row when new and locks it, returning (type, next version).
Result<std::pair<std::string, std::int64_t>> LockArtifact(SqlSession& db, const NewArtifactVersion& v, double now) {
  auto made = db.Query(
      "INSERT INTO artifacts (project, name, type, next_version, created_at) VALUES ($1, $2, $3, 0, $4) "
      "ON CONFLICT (project, name) DO NOTHING",
      {v.project, v.name, v.type, DoubleParam(now)});
  if (!made.ok()) return made.error();
  auto row = db.Query(std::string("SELECT type, next_version FROM artifacts WHERE project = $1 AND name = $2") +
                          db.RowLock(),
                      {v.project, v.name});
  if (!row.ok()) return row.error();
  if (row->empty()) return Error::Internal("artifact row vanished inside its transaction");
  return std::make_pair(AsText((*row)[0][0]), AsInt((*row)[0][1]));
}

// The id of the newest version when its digest is `digest`, else 0.
Result<std::int64_t> IdenticalLatest(SqlSession& db, const NewArtifactVersion& v, const std::string& digest) {
  auto r = db.Query(
      "SELECT id, digest FROM artifact_versions WHERE project = $1 AND name = $2 ORDER BY version DESC LIMIT 1",
      {v.project, v.name});
  if (!r.ok()) return r.error();
  if (r->empty() || AsText((*r)[0][1]) != digest) return std::int64_t{0};
  return AsInt((*r)[0][0]);
}

Result<std::int64_t> InsertVersion(SqlSession& db, const NewArtifactVersion& v, std::int64_t number,
                                   const std::string& digest, double now) {
  std::int64_t size = 0;
  for (const auto& f : v.files) size += f.size;
  auto id = db.Query(
      "INSERT INTO artifact_versions (project, name, version, digest, metadata, producer_run, size, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      {v.project, v.name, IntParam(number), digest, v.metadata_json.empty() ? "{}" : v.metadata_json, v.producer_run,
       IntParam(size), DoubleParam(now)});
  if (!id.ok()) return id.error();
  const std::string version_id = AsText((*id)[0][0]);
  for (const auto& f : v.files) {
    auto r = db.Query("INSERT INTO artifact_files (version_id, path, sha256, size) VALUES ($1, $2, $3, $4)",
                      {version_id, f.path, f.sha256, IntParam(f.size)});
    if (!r.ok()) return r.error();
  }
  auto bump = db.Query("UPDATE artifacts SET next_version = $3 WHERE project = $1 AND name = $2",
                       {v.project, v.name, IntParam(number + 1)});
  if (!bump.ok()) return bump.error();
  return AsInt((*id)[0][0]);
}

// The id of the version `selector` names, or 0.
Result<std::int64_t> ResolveSelector(SqlSession& db, const std::string& project, const std::string& name,
                                     const std::string& selector) {
  Result<std::vector<SqlRow>> r = std::vector<SqlRow>{};
  if (selector == kLatestAlias) {
    r = db.Query(
        "SELECT id FROM artifact_versions WHERE project = $1 AND name = $2 ORDER BY version DESC LIMIT 1",
        {project, name});
  } else if (IsReservedAlias(selector)) {
    r = db.Query("SELECT id FROM artifact_versions WHERE project = $1 AND name = $2 AND version = $3",
                 {project, name, selector.substr(1)});
  } else {
    r = db.Query("SELECT version_id FROM artifact_aliases WHERE project = $1 AND name = $2 AND alias = $3",
                 {project, name, selector});
  }
  if (!r.ok()) return r.error();
  return r->empty() ? std::int64_t{0} : AsInt((*r)[0][0]);
}

}  // namespace

bool IsArtifactWord(const std::string& name) {
  if (name.empty() || name.size() > kMaxWordLength) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

bool IsReservedAlias(const std::string& alias) {
  if (alias == kLatestAlias) return true;
  return alias.size() > 1 && alias[0] == 'v' &&
         std::all_of(alias.begin() + 1, alias.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

Result<ArtifactVersion> LoadArtifactVersionLocked(SqlSession& db, std::int64_t id) {
  auto r = db.Query(std::string("SELECT ") + kVersionColumns +
                        " FROM artifact_versions v JOIN artifacts a ON a.project = v.project AND a.name = v.name "
                        "WHERE v.id = $1",
                    {IntParam(id)});
  if (!r.ok()) return r.error();
  if (r->empty()) return Error::NotFound("no artifact version with id " + std::to_string(id));
  ArtifactVersion v = VersionFromRow((*r)[0]);
  if (auto s = AttachDetails(db, v, true); !s.ok()) return s.error();
  return v;
}

Result<ArtifactVersion> LogArtifactVersion(SqlSession& db, const NewArtifactVersion& v) {
  if (auto s = ValidateNewVersion(v); !s.ok()) return s.error();
  const std::string digest = ArtifactDigest(v.files);
  const double now = v.created_at > 0 ? v.created_at : NowSeconds();
  ArtifactVersion out;
  Status st = db.Write([&]() -> Status {
    if (!v.producer_run.empty()) {
      if (auto s = RequireRunLocked(db, v.producer_run); !s.ok()) return s;
    }
    auto artifact = LockArtifact(db, v, now);
    if (!artifact.ok()) return artifact.error();
    if (artifact->first != v.type) {
      return Error::InvalidInput("artifact " + v.name + " has type '" + artifact->first + "', not '" + v.type + "'");
    }
    auto same = IdenticalLatest(db, v, digest);
    if (!same.ok()) return same.error();
    std::int64_t id = *same;
    if (id == 0) {
      auto inserted = InsertVersion(db, v, artifact->second, digest, now);
      if (!inserted.ok()) return inserted.error();
      id = *inserted;
    }
    for (const auto& alias : v.aliases) {
      auto r = db.Query(
          "INSERT INTO artifact_aliases (project, name, alias, version_id) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT (project, name, alias) DO UPDATE SET version_id = excluded.version_id",
          {v.project, v.name, alias, IntParam(id)});
      if (!r.ok()) return r.error();
    }
    auto loaded = LoadArtifactVersionLocked(db, id);
    if (!loaded.ok()) return loaded.error();
    out = std::move(loaded).value();
    out.created = *same == 0;
    return OkStatus();
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<ArtifactVersion> GetArtifactVersion(SqlSession& db, const std::string& project, const std::string& name,
                                           const std::string& selector) {
  ArtifactVersion out;
  Status st = db.Read([&]() -> Status {
    auto id = ResolveSelector(db, project, name, selector);
    if (!id.ok()) return id.error();
    if (*id == 0) return Error::NotFound("no artifact " + name + ":" + selector + " in project " + project);
    auto loaded = LoadArtifactVersionLocked(db, *id);
    if (!loaded.ok()) return loaded.error();
    out = std::move(loaded).value();
    return OkStatus();
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<std::vector<ArtifactVersion>> ListArtifactVersions(SqlSession& db, const ArtifactFilter& filter) {
  std::vector<ArtifactVersion> out;
  Status st = db.Read([&]() -> Status {
    auto rows = db.Query(std::string("SELECT ") + kVersionColumns +
                             " FROM artifact_versions v JOIN artifacts a ON a.project = v.project AND a.name = v.name "
                             "WHERE ($1 = '' OR v.project = $1) AND ($2 = '' OR v.name = $2) AND ($3 = '' OR "
                             "v.producer_run = $3 OR v.id IN (SELECT version_id FROM artifact_uses WHERE run_id = $3)) "
                             "ORDER BY v.project, v.name, v.version",
                         {filter.project, filter.name, filter.run_id});
    if (!rows.ok()) return rows.error();
    for (const auto& r : *rows) {
      out.push_back(VersionFromRow(r));
      if (auto s = AttachDetails(db, out.back(), false); !s.ok()) return s;
    }
    return OkStatus();
  });
  if (!st.ok()) return st.error();
  return out;
}

Status RecordArtifactUse(SqlSession& db, std::int64_t version_id, const std::string& run_id) {
  return db.Write([&]() -> Status {
    if (auto s = RequireRunLocked(db, run_id); !s.ok()) return s;
    auto known = db.Query("SELECT 1 FROM artifact_versions WHERE id = $1", {IntParam(version_id)});
    if (!known.ok()) return known.error();
    if (known->empty()) return Error::NotFound("no artifact version with id " + std::to_string(version_id));
    auto r = db.Query(
        "INSERT INTO artifact_uses (version_id, run_id, used_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (version_id, run_id) DO NOTHING",
        {IntParam(version_id), run_id, DoubleParam(NowSeconds())});
    return r.ok() ? OkStatus() : Status(r.error());
  });
}

Result<std::vector<std::string>> ListReferencedContent(SqlSession& db) {
  auto rows = db.Query("SELECT DISTINCT sha256 FROM artifact_files ORDER BY sha256");
  if (!rows.ok()) return rows.error();
  std::vector<std::string> out;
  for (const auto& r : *rows) out.push_back(AsText(r[0]));
  return out;
}

Status DeleteRunArtifactsLocked(SqlSession& db, const std::string& run_id) {
  if (auto r = db.Query("DELETE FROM artifact_uses WHERE run_id = $1", {run_id}); !r.ok()) return r.error();
  auto doomed = db.Query(
      "SELECT id FROM artifact_versions WHERE producer_run = $1 AND id NOT IN "
      "(SELECT artifact_version_id FROM model_versions)",
      {run_id});
  if (!doomed.ok()) return doomed.error();
  for (const auto& row : *doomed) {
    for (const char* sql : {"DELETE FROM artifact_uses WHERE version_id = $1",
                            "DELETE FROM artifact_aliases WHERE version_id = $1",
                            "DELETE FROM artifact_files WHERE version_id = $1",
                            "DELETE FROM artifact_versions WHERE id = $1"}) {
      if (auto r = db.Query(sql, {AsText(row[0])}); !r.ok()) return r.error();
    }
  }
  return OkStatus();
}

}  // namespace sweep::sql
