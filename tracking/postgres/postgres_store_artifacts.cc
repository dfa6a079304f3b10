// PostgresStore: artifacts and the model registry, shared with the other store
// through SqlSession (artifact_catalog.h, model_registry_records.h).
#include "tracking/postgres/postgres_store_impl.h"
#include "tracking/artifact_catalog.h"
#include "tracking/model_registry_records.h"

namespace sweep::pg {

Result<ArtifactVersion> PostgresStore::LogArtifactVersion(const NewArtifactVersion& v) {
  return sql::LogArtifactVersion(sql_, v);
}

Result<ArtifactVersion> PostgresStore::GetArtifactVersion(const std::string& project, const std::string& name,
                                                 const std::string& selector) {
  return sql::GetArtifactVersion(sql_, project, name, selector);
}

Result<std::vector<ArtifactVersion>> PostgresStore::ListArtifactVersions(const ArtifactFilter& filter) {
  return sql::ListArtifactVersions(sql_, filter);
}

Status PostgresStore::RecordArtifactUse(std::int64_t version_id, const std::string& run_id) {
  return sql::RecordArtifactUse(sql_, version_id, run_id);
}

Result<std::vector<std::string>> PostgresStore::ListReferencedContent() {
  return sql::ListReferencedContent(sql_);
}

Result<ModelVersion> PostgresStore::RegisterModelVersion(const std::string& model, std::int64_t artifact_version_id,
                                                const std::string& run_id, const AuditStamp& stamp) {
  return sql::RegisterModelVersion(sql_, model, artifact_version_id, run_id, stamp);
}

Result<ModelVersion> PostgresStore::PromoteModelVersion(const std::string& model, std::int64_t version, ModelStage stage,
                                               const PromotionOptions& options, const AuditStamp& stamp) {
  return sql::PromoteModelVersion(sql_, model, version, stage, options, stamp);
}

Status PostgresStore::SetModelAlias(const std::string& model, std::int64_t version, const std::string& alias,
                           const AuditStamp& stamp) {
  return sql::SetModelAlias(sql_, model, version, alias, stamp);
}

Result<RegisteredModel> PostgresStore::GetRegisteredModel(const std::string& model) {
  return sql::GetRegisteredModel(sql_, model);
}

Result<std::vector<RegisteredModel>> PostgresStore::ListRegisteredModels() {
  return sql::ListRegisteredModels(sql_);
}

}  // namespace sweep::pg
