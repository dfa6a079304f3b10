// The model registry: named models whose numbered versions point at artifact
// versions (tracking/artifacts.h), with MLflow's stages and aliases and an
// audit record of every change. Schema v5.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sweep {

// The stages the registry knows (MLflow's: None, Staging, Production, Archived).
enum class ModelStage { kNone, kStaging, kProduction, kArchived };
std::string_view ModelStageName(ModelStage stage);  // "none", "staging", ...
// The inverse of ModelStageName (case-insensitive); nullopt for anything else.
std::optional<ModelStage> ParseModelStage(std::string_view name);

// Who made a change, from where, when and why: recorded with every change.
struct AuditStamp {
  std::string user;
  std::string host;
  double at = 0;  // Unix seconds
  std::string note;
};

struct ModelVersion {
  std::string model;
  std::int64_t version = 0;  // 1, 2, ... per model
  std::int64_t artifact_version_id = 0;
  std::string run_id;  // the run it was registered from
  ModelStage stage = ModelStage::kNone;
  std::vector<std::string> aliases;  // sorted
  double created_at = 0;
};

// One change: "register", "stage" (from_stage -> to_stage) or "alias" (detail = the alias).
struct ModelAuditRecord {
  std::int64_t version = 0;
  std::string action;
  std::string from_stage, to_stage;
  std::string detail;
  AuditStamp stamp;
};

struct RegisteredModel {
  std::string name;
  double created_at = 0;
  std::vector<ModelVersion> versions;    // version order
  std::vector<ModelAuditRecord> audit;   // oldest first
};

// What PromoteModelVersion does besides moving `version` to `to`.
struct PromotionOptions {
  // Moving to production archives the model's other production versions
  // unless this is set (MLflow's archive_existing_versions, inverted).
  bool keep_other_production = false;
};

}  // namespace sweep
