#include "sweep/cli/stored_sweep.h"

#include <filesystem>
#include <random>

#include "sweep/cli/did_you_mean.h"
#include "sweep/default_project.h"
#include "sweep/spec/spec_parser.h"

namespace sweep::cli {

Result<SweepRecord> FindSweep(Store& store, const std::string& id_or_name) {
  auto record = store.GetSweep(id_or_name);
  if (record.ok() || record.error().code != ErrorCode::kNotFound) return record;
  auto sweeps = store.ListSweeps();
  if (!sweeps.ok()) return record;
  std::vector<std::string> names;
  for (const SweepRecord& sweep : *sweeps) {
    names.push_back(sweep.id);
    if (!sweep.name.empty()) names.push_back(sweep.name);
  }
  const std::string hint = DidYouMean(id_or_name, names);
  if (hint.empty()) return record;
  return Error::NotFound(record.error().message + hint);
}

Result<RunScope> LoadCliRunScope(Store& store, const std::string& target, bool project_only) {
  auto scope = LoadRunScope(store, target, project_only);
  if (scope.ok() || project_only || scope.error().code != ErrorCode::kNotFound) return scope;
  auto sweep = FindSweep(store, target);
  if (!sweep.ok() && sweep.error().message.find("did you mean") != std::string::npos) return sweep.error();
  return scope;
}

Result<StoredSweep> LoadStoredSweep(Store& store, const std::string& id_or_name) {
  auto record = FindSweep(store, id_or_name);
  if (!record.ok()) return record.error();
  auto parsed = ParseSweepSpec(record->spec_text, record->spec_path);
  if (!parsed.ok()) {
    std::string message = "the spec stored with sweep " + record->id + " no longer parses";
    for (const auto& d : parsed.diagnostics) message += "\n  " + d.ToString();
    return Error::Internal(message);
  }
  return StoredSweep{std::move(record).value(), std::move(*parsed.spec)};
}

SweepRecord NewSweepRecord(const SweepSpec& spec, const std::string& spec_path, std::optional<std::uint64_t> seed_flag) {
  SweepRecord record;
  record.name = spec.name;
  record.project = DefaultProject(spec.project, std::filesystem::current_path());
  record.method = std::string(SearchMethodName(spec.method));
  record.metric_name = spec.metric.name;
  record.goal = spec.metric.goal;
  record.spec_text = spec.source_text;
  record.spec_path = std::filesystem::absolute(spec_path).string();
  if (seed_flag) {
    record.seed = *seed_flag;
  } else if (spec.seed) {
    record.seed = static_cast<std::uint64_t>(*spec.seed);
  } else {
    std::random_device device;
    record.seed = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }
  return record;
}

}  // namespace sweep::cli
