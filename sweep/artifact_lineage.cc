#include "sweep/artifact_lineage.h"

#include <algorithm>
#include <set>

#include "core/value_json.h"

namespace sweep {
namespace {

ValueList Strings(const std::vector<std::string>& items) {
  ValueList out;
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

std::string TagOr(const RunRecord& run, const char* key, const std::string& fallback) {
  auto it = run.tags.find(key);
  return it == run.tags.end() ? fallback : it->second;
}

Value ParamsToValue(const Config& params) {
  ValueMap out;
  for (const auto& [name, value] : params) out.emplace_back(name, value);
  return Value(std::move(out));
}

}  // namespace

Result<ArtifactVersion> FindArtifact(Store& store, const std::string& reference, const std::string& project) {
  const ArtifactRefParts parts = ParseArtifactRef(reference);
  if (parts.name.empty()) return Error::InvalidInput("'" + reference + "' is not an artifact reference (NAME[:VERSION|@ALIAS])");
  std::string where = project;
  if (where.empty()) {
    auto versions = store.ListArtifactVersions(ArtifactFilter{"", parts.name, ""});
    if (!versions.ok()) return versions.error();
    std::set<std::string> projects;
    for (const auto& v : *versions) projects.insert(v.project);
    if (projects.empty()) return Error::NotFound("no artifact named '" + parts.name + "'");
    if (projects.size() > 1) {
      std::string names;
      for (const auto& p : projects) names += (names.empty() ? "" : ", ") + p;
      return Error::InvalidInput("artifact '" + parts.name + "' exists in several projects (" + names +
                                 "): pass --project");
    }
    where = *projects.begin();
  }
  return store.GetArtifactVersion(where, parts.name, parts.selector);
}

Result<std::string> ProjectOfRun(Store& store, const RunRecord& run) {
  auto sweep = store.GetSweep(run.sweep_id);
  if (!sweep.ok()) return sweep.error();
  return sweep->project;
}

Result<ArtifactLineage> LoadLineage(Store& store, const ArtifactVersion& version) {
  ArtifactLineage lineage{version, std::nullopt, {}};
  if (version.producer_run.empty()) return lineage;
  auto run = store.GetRun(version.producer_run);
  if (!run.ok()) {
    if (run.error().code == ErrorCode::kNotFound) return lineage;  // deleted with `sweep rm`
    return run.error();
  }
  lineage.producer = *run;
  auto used = store.ListArtifactVersions(ArtifactFilter{"", "", run->id});
  if (!used.ok()) return used.error();
  for (auto& v : *used) {
    if (std::find(v.consumers.begin(), v.consumers.end(), run->id) != v.consumers.end()) {
      lineage.inputs.push_back(std::move(v));
    }
  }
  return lineage;
}

Value ArtifactVersionToValue(const ArtifactVersion& v) {
  auto metadata = ParseJson(v.metadata_json);
  ValueMap out{{"id", Value(v.id)},
               {"project", Value(v.project)},
               {"name", Value(v.name)},
               {"version", Value("v" + std::to_string(v.version))},
               {"ref", Value(ArtifactRef(v))},
               {"type", Value(v.type)},
               {"digest", Value(v.digest)},
               {"size", Value(v.size)},
               {"created_at", Value(v.created_at)},
               {"metadata", metadata.ok() ? *metadata : Value(v.metadata_json)},
               {"aliases", Value(Strings(v.aliases))},
               {"producer_run", v.producer_run.empty() ? Value() : Value(v.producer_run)},
               {"consumer_runs", Value(Strings(v.consumers))}};
  if (!v.files.empty()) {
    ValueList files;
    for (const auto& f : v.files) {
      files.emplace_back(ValueMap{{"path", Value(f.path)}, {"sha256", Value(f.sha256)}, {"size", Value(f.size)}});
    }
    out.emplace_back("files", Value(std::move(files)));
  }
  return Value(std::move(out));
}

Value LineageToValue(const ArtifactLineage& lineage) {
  ValueMap out = ArtifactVersionToValue(lineage.version).as_map();
  if (lineage.producer) {
    const RunRecord& run = *lineage.producer;
    out.emplace_back("producer",
                     Value(ValueMap{{"id", Value(run.id)},
                                    {"name", Value(run.name)},
                                    {"sweep_id", Value(run.sweep_id)},
                                    {"state", Value(std::string(TrialStateName(run.state)))},
                                    {"params", ParamsToValue(run.params)},
                                    {"code_commit", Value(TagOr(run, kGitCommitTag, ""))},
                                    {"code_dirty", Value(TagOr(run, kGitDirtyTag, "") == "true")}}));
  } else {
    out.emplace_back("producer", Value());
  }
  ValueList inputs;
  for (const auto& v : lineage.inputs) inputs.emplace_back(v.project + "/" + ArtifactRef(v));
  out.emplace_back("inputs", Value(std::move(inputs)));
  return Value(std::move(out));
}

}  // namespace sweep
