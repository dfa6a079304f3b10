// SqliteStore: artifacts and the model registry, shared with the other store
// through SqlSession (artifact_catalog.h, model_registry_records.h).
#include "tracking/sqlite_store_impl.h"
#include "tracking/artifact_catalog.h"
#include "tracking/model_registry_records.h"

namespace sweep::sqlite {

Result<ArtifactVersion> SqliteStore::LogArtifactVersion(const NewArtifactVersion& v) {
  return sql::LogArtifactVersion(sql_, v);
}

Result<ArtifactVersion> SqliteStore::GetArtifactVersion(const std::string& project, const std::string& name,
                                                 const std::string& selector) {
  return sql::GetArtifactVersion(sql_, project, name, selector);
}

Result<std::vector<ArtifactVersion>> SqliteStore::ListArtifactVersions(const ArtifactFilter& filter) {
  return sql::ListArtifactVersions(sql_, filter);
}

Status SqliteStore::RecordArtifactUse(std::int64_t version_id, const std::string& run_id) {
  return sql::RecordArtifactUse(sql_, version_id, run_id);
}

Result<std::vector<std::string>> SqliteStore::ListReferencedContent() {
  return sql::ListReferencedContent(sql_);
}

Result<ModelVersion> SqliteStore::RegisterModelVersion(const std::string& model, std::int64_t artifact_version_id,
                                                const std::string& run_id, const AuditStamp& stamp) {
  return sql::RegisterModelVersion(sql_, model, artifact_version_id, run_id, stamp);
}

Result<ModelVersion> SqliteStore::PromoteModelVersion(const std::string& model, std::int64_t version, ModelStage stage,
                                               const PromotionOptions& options, const AuditStamp& stamp) {
  return sql::PromoteModelVersion(sql_, model, version, stage, options, stamp);
}

Status SqliteStore::SetModelAlias(const std::string& model, std::int64_t version, const std::string& alias,
                           const AuditStamp& stamp) {
  return sql::SetModelAlias(sql_, model, version, alias, stamp);
}

Result<RegisteredModel> SqliteStore::GetRegisteredModel(const std::string& model) {
  return sql::GetRegisteredModel(sql_, model);
}

Result<std::vector<RegisteredModel>> SqliteStore::ListRegisteredModels() {
  return sql::ListRegisteredModels(sql_);
}

}  // namespace sweep::sqlite
