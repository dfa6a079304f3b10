// The Store's model registry methods (store.h, "model registry"), written
// once over a SqlSession so both stores share them; one transaction each.
// Promotions lock the model's row (SqlSession::RowLock) before reading any
// stage, so concurrent promotions of one model run one after the other.
// Private to tracking/.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "tracking/model_registry.h"
#include "tracking/sql_session.h"

namespace sweep::sql {

Result<ModelVersion> RegisterModelVersion(SqlSession& db, const std::string& model, std::int64_t artifact_version_id,
                                          const std::string& run_id, const AuditStamp& stamp);
Result<ModelVersion> PromoteModelVersion(SqlSession& db, const std::string& model, std::int64_t version,
                                         ModelStage stage, const PromotionOptions& options, const AuditStamp& stamp);
Status SetModelAlias(SqlSession& db, const std::string& model, std::int64_t version, const std::string& alias,
                     const AuditStamp& stamp);
Result<RegisteredModel> GetRegisteredModel(SqlSession& db, const std::string& model);
Result<std::vector<RegisteredModel>> ListRegisteredModels(SqlSession& db);

}  // namespace sweep::sql
