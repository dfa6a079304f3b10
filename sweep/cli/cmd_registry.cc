// The model registry: `sweep registry register NAME --run RUN --artifact
// model[:vN]`, `promote NAME VERSION --to STAGE [--keep] [--note]`, `alias
// NAME VERSION ALIAS`, `show NAME`, `get NAME@production|NAME/3|NAME@alias
// -o DIR`, `list`. Every change is an audit record naming the user and host.
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "core/wall_clock.h"
#include "sweep/artifact_lineage.h"
#include "sweep/cli/agent_session.h"
#include "sweep/cli/cli.h"
#include "sweep/cli/console.h"
#include "sweep/cli/terminal_text.h"
#include "sweep/run_scope.h"
#include "tracking/content_store.h"

namespace sweep::cli {
namespace registry_cli {

struct Flags {
  std::string model;
  std::string run;
  std::string artifact;
  std::int64_t version = 0;
  std::string stage;
  std::string alias;
  bool keep = false;
  std::string note;
  std::string out;
  bool json = false;
};

std::string UserName() {
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') return user;
  if (const passwd* pw = getpwuid(getuid()); pw != nullptr && pw->pw_name != nullptr) return pw->pw_name;
  return std::to_string(getuid());
}

AuditStamp Stamp(const Flags& flags) { return AuditStamp{UserName(), HostName(), NowSeconds(), flags.note}; }

std::string Aliases(const std::vector<std::string>& aliases) {
  std::string out;
  for (const auto& a : aliases) out += (out.empty() ? "" : ",") + a;
  return out.empty() ? "-" : out;
}

Value VersionToValue(Store& store, const ModelVersion& v) {
  ValueList aliases;
  for (const auto& a : v.aliases) aliases.emplace_back(a);
  ValueMap out{{"model", Value(v.model)},
               {"version", Value(v.version)},
               {"stage", Value(std::string(ModelStageName(v.stage)))},
               {"aliases", Value(std::move(aliases))},
               {"run_id", Value(v.run_id)},
               {"created_at", Value(v.created_at)}};
  // The lineage stays attached: the artifact version, its producing run's
  // params and code commit, and what that run used.
  auto artifacts = store.ListArtifactVersions({});
  if (artifacts.ok()) {
    for (const auto& a : *artifacts) {
      if (a.id != v.artifact_version_id) continue;
      auto full = store.GetArtifactVersion(a.project, a.name, "v" + std::to_string(a.version));
      auto lineage = full.ok() ? LoadLineage(store, *full) : Result<ArtifactLineage>(full.error());
      if (lineage.ok()) out.emplace_back("artifact", LineageToValue(*lineage));
    }
  }
  return Value(std::move(out));
}

// The artifact version RUN registers: REF in the run's project; a bare name
// means the newest version of it that RUN produced.
Result<ArtifactVersion> ArtifactToRegister(Store& store, const RunRecord& run, const std::string& ref) {
  auto project = ProjectOfRun(store, run);
  if (!project.ok()) return project.error();
  const bool explicit_version = ref.find_first_of(":@") != std::string::npos;
  if (explicit_version) return FindArtifact(store, ref, *project);
  auto produced = store.ListArtifactVersions(ArtifactFilter{*project, ref, run.id});
  if (!produced.ok()) return produced.error();
  for (auto it = produced->rbegin(); it != produced->rend(); ++it) {
    if (it->producer_run == run.id) return store.GetArtifactVersion(*project, ref, "v" + std::to_string(it->version));
  }
  return Error::NotFound("run " + run.id + " produced no artifact '" + ref + "' in project " + *project);
}

int Register(const Flags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto run = FindRun(**store, flags.run);
  if (!run.ok()) return ReportError(run.error());
  auto artifact = ArtifactToRegister(**store, *run, flags.artifact);
  if (!artifact.ok()) return ReportError(artifact.error());
  auto version = (*store)->RegisterModelVersion(flags.model, artifact->id, run->id, Stamp(flags));
  if (!version.ok()) return ReportError(version.error());
  if (flags.json) {
    PrintJsonLine(VersionToValue(**store, *version));
  } else {
    std::printf("registered %s version %lld: %s/%s from run %s\n", TerminalSafe(flags.model).c_str(),
                static_cast<long long>(version->version), TerminalSafe(artifact->project).c_str(),
                ArtifactRef(*artifact).c_str(),
                run->id.c_str());
  }
  return kExitOk;
}

int Promote(const Flags& flags, const GlobalOptions& global) {
  auto stage = ParseModelStage(flags.stage);
  if (!stage) {
    return ReportError(Error::InvalidInput("--to '" + flags.stage + "': use none, staging, production or archived"));
  }
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto version = (*store)->PromoteModelVersion(flags.model, flags.version, *stage, PromotionOptions{flags.keep},
                                               Stamp(flags));
  if (!version.ok()) return ReportError(version.error());
  if (flags.json) PrintJsonLine(VersionToValue(**store, *version));
  else std::printf("%s version %lld is now in %s\n", TerminalSafe(flags.model).c_str(), static_cast<long long>(flags.version),
                   std::string(ModelStageName(*stage)).c_str());
  return kExitOk;
}

int Alias(const Flags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  if (auto s = (*store)->SetModelAlias(flags.model, flags.version, flags.alias, Stamp(flags)); !s.ok()) {
    return ReportError(s.error());
  }
  std::printf("%s@%s -> version %lld\n", TerminalSafe(flags.model).c_str(), flags.alias.c_str(),
              static_cast<long long>(flags.version));
  return kExitOk;
}

void PrintModel(Store& store, const RegisteredModel& model) {
  std::printf("registered model %s (created %s)\n\n", TerminalSafe(model.name).c_str(),
              FormatTimestamp(model.created_at).c_str());
  Table versions({"VERSION", "STAGE", "ALIASES", "ARTIFACT", "RUN", "COMMIT", "PARAMS"});
  for (const auto& v : model.versions) {
    std::string artifact = "?", commit = "-", params = "-";
    auto all = store.ListArtifactVersions({});
    if (all.ok()) {
      for (const auto& a : *all) {
        if (a.id == v.artifact_version_id) artifact = a.project + "/" + ArtifactRef(a);
      }
    }
    if (auto run = store.GetRun(v.run_id); run.ok()) {
      if (auto it = run->tags.find(kGitCommitTag); it != run->tags.end()) commit = it->second.substr(0, 12);
      params = FormatParams(run->params);
    } else {
      commit = "(run deleted)";
    }
    versions.AddRow({std::to_string(v.version), std::string(ModelStageName(v.stage)), Aliases(v.aliases), artifact,
                     v.run_id, commit, params});
  }
  versions.Print(stdout);
  std::printf("\naudit\n");
  Table audit({"TIME", "USER", "HOST", "VERSION", "CHANGE", "NOTE"});
  for (const auto& r : model.audit) {
    std::string change = r.action == "alias" ? "alias " + r.detail + (r.from_stage.empty() ? "" : " (was " + r.from_stage + ")")
                         : r.action == "register" ? "registered"
                                                  : (r.from_stage + " -> " + r.to_stage);
    audit.AddRow({FormatTimestamp(r.stamp.at), r.stamp.user, r.stamp.host, std::to_string(r.version), change,
                  r.stamp.note.empty() ? "-" : r.stamp.note});
  }
  audit.Print(stdout);
}

Value AuditToValue(const ModelAuditRecord& r) {
  return Value(ValueMap{{"version", Value(r.version)},
                        {"action", Value(r.action)},
                        {"from", Value(r.from_stage)},
                        {"to", Value(r.to_stage)},
                        {"detail", Value(r.detail)},
                        {"user", Value(r.stamp.user)},
                        {"host", Value(r.stamp.host)},
                        {"at", Value(r.stamp.at)},
                        {"note", Value(r.stamp.note)}});
}

int Show(const Flags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto model = (*store)->GetRegisteredModel(flags.model);
  if (!model.ok()) return ReportError(model.error());
  if (!flags.json) {
    PrintModel(**store, *model);
    return kExitOk;
  }
  ValueList versions, audit;
  for (const auto& v : model->versions) versions.push_back(VersionToValue(**store, v));
  for (const auto& r : model->audit) audit.push_back(AuditToValue(r));
  PrintJsonLine(Value(ValueMap{{"name", Value(model->name)},
                               {"created_at", Value(model->created_at)},
                               {"versions", Value(std::move(versions))},
                               {"audit", Value(std::move(audit))}}));
  return kExitOk;
}

// NAME@STAGE (the newest version in it), NAME@ALIAS, NAME/N, or NAME (the newest).
Result<ModelVersion> ResolveModelVersion(const RegisteredModel& model, const std::string& selector, char kind) {
  if (model.versions.empty()) return Error::NotFound("registered model '" + model.name + "' has no versions");
  auto newest_where = [&](auto&& pred) -> std::optional<ModelVersion> {
    for (auto it = model.versions.rbegin(); it != model.versions.rend(); ++it) {
      if (pred(*it)) return *it;
    }
    return std::nullopt;
  };
  std::optional<ModelVersion> found;
  if (kind == 0) {
    found = model.versions.back();
  } else if (kind == '/') {
    char* end = nullptr;
    const long long n = std::strtoll(selector.c_str(), &end, 10);
    if (selector.empty() || *end != '\0') return Error::InvalidInput("'" + selector + "' is not a version number");
    found = newest_where([&](const ModelVersion& v) { return v.version == n; });
  } else if (auto stage = ParseModelStage(selector); stage) {
    found = newest_where([&](const ModelVersion& v) { return v.stage == *stage; });
  } else {
    found = newest_where([&](const ModelVersion& v) {
      return std::find(v.aliases.begin(), v.aliases.end(), selector) != v.aliases.end();
    });
  }
  if (!found) return Error::NotFound("registered model '" + model.name + "' has no version " + std::string(1, kind ? kind : ' ') + selector);
  return *found;
}

int Get(const Flags& flags, const GlobalOptions& global) {
  const auto cut = flags.model.find_first_of("@/");
  const std::string name = flags.model.substr(0, cut);
  const std::string selector = cut == std::string::npos ? "" : flags.model.substr(cut + 1);
  const char kind = cut == std::string::npos ? 0 : flags.model[cut];
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto model = (*store)->GetRegisteredModel(name);
  if (!model.ok()) return ReportError(model.error());
  auto version = ResolveModelVersion(*model, selector, kind);
  if (!version.ok()) return ReportError(version.error());
  ArtifactVersion artifact;
  auto all = (*store)->ListArtifactVersions({});
  if (!all.ok()) return ReportError(all.error());
  for (const auto& a : *all) {
    if (a.id != version->artifact_version_id) continue;
    auto full = (*store)->GetArtifactVersion(a.project, a.name, "v" + std::to_string(a.version));
    if (!full.ok()) return ReportError(full.error());
    artifact = *full;
  }
  if (artifact.id == 0) return ReportError(Error::NotFound("the artifact of " + name + " version " + std::to_string(version->version) + " is gone"));
  ContentStore content(ContentRootFor(ResolveStorePath(global)));
  if (auto s = content.CopyOut(artifact, flags.out); !s.ok()) return ReportError(s.error());
  std::printf("%s version %lld (%s, %s/%s): %zu file(s) -> %s\n", TerminalSafe(name).c_str(),
              static_cast<long long>(version->version), std::string(ModelStageName(version->stage)).c_str(),
              TerminalSafe(artifact.project).c_str(), ArtifactRef(artifact).c_str(), artifact.files.size(),
              TerminalSafe(flags.out).c_str());
  return kExitOk;
}

int List(const Flags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto models = (*store)->ListRegisteredModels();
  if (!models.ok()) return ReportError(models.error());
  if (flags.json) {
    ValueList all;
    for (const auto& m : *models) {
      ValueList versions;
      for (const auto& v : m.versions) versions.push_back(VersionToValue(**store, v));
      all.emplace_back(ValueMap{{"name", Value(m.name)}, {"versions", Value(std::move(versions))}});
    }
    PrintJsonLine(Value(std::move(all)));
    return kExitOk;
  }
  if (models->empty()) {
    std::printf("no registered models\n");
    return kExitOk;
  }
  Table table({"MODEL", "VERSIONS", "PRODUCTION", "STAGING", "CREATED"});
  for (const auto& m : *models) {
    std::string production, staging;
    for (const auto& v : m.versions) {
      std::string& into = v.stage == ModelStage::kProduction ? production : staging;
      if (v.stage == ModelStage::kProduction || v.stage == ModelStage::kStaging) {
        into += (into.empty() ? "" : ",") + std::to_string(v.version);
      }
    }
    table.AddRow({m.name, std::to_string(m.versions.size()), production.empty() ? "-" : production,
                  staging.empty() ? "-" : staging, FormatTimestamp(m.created_at)});
  }
  table.Print(stdout);
  return kExitOk;
}

}  // namespace registry_cli

void RegisterRegistryCommands(CLI::App& app, GlobalOptions& global) {
  using namespace registry_cli;
  CLI::App* registry = app.add_subcommand(
      "registry", "The model registry: named models, numbered versions, stages, aliases and an audit trail");
  registry->require_subcommand(1);
  {
    auto flags = std::make_shared<Flags>();
    auto* cmd = AddCommand(*registry, "register",
                        "Create the next version of model NAME from an artifact version of RUN's project", flags,
                        global, Register);
    cmd->add_option("name", flags->model, "Registered model name")->required();
    cmd->add_option("--run", flags->run, "The run the model comes from (id, prefix, PROJECT/NAME)")->required();
    cmd->add_option("--artifact", flags->artifact,
                    "NAME[:vN|:ALIAS] (a bare NAME: the newest version RUN produced)")
        ->required();
    cmd->add_option("--note", flags->note, "Why (kept in the audit trail)");
    cmd->add_flag("--json", flags->json, "Print the new version as JSON");
  }
  {
    auto flags = std::make_shared<Flags>();
    auto* cmd = AddCommand(*registry, "promote",
                        "Move a version to a stage; to production, the previous production version is archived "
                        "unless --keep",
                        flags, global, Promote);
    cmd->add_option("name", flags->model, "Registered model name")->required();
    cmd->add_option("version", flags->version, "Version number")->required();
    cmd->add_option("--to", flags->stage, "none, staging, production or archived")->required();
    cmd->add_flag("--keep", flags->keep, "Leave other production versions where they are");
    cmd->add_option("--note", flags->note, "Why (kept in the audit trail)");
    cmd->add_flag("--json", flags->json, "Print the version as JSON");
  }
  {
    auto flags = std::make_shared<Flags>();
    auto* cmd = AddCommand(*registry, "alias", "Point ALIAS (e.g. champion) at a version, moving it from any other",
                        flags, global, Alias);
    cmd->add_option("name", flags->model, "Registered model name")->required();
    cmd->add_option("version", flags->version, "Version number")->required();
    cmd->add_option("alias", flags->alias, "Alias (letters, digits, '_', '-', '.')")->required();
    cmd->add_option("--note", flags->note, "Why (kept in the audit trail)");
  }
  {
    auto flags = std::make_shared<Flags>();
    auto* cmd = AddCommand(*registry, "show", "Versions, stages, aliases, lineage and the audit trail of a model", flags,
                        global, Show);
    cmd->add_option("name", flags->model, "Registered model name")->required();
    cmd->add_flag("--json", flags->json, "Print as JSON");
  }
  {
    auto flags = std::make_shared<Flags>();
    auto* cmd = AddCommand(*registry, "get",
                        "Copy a model version's files into a folder: NAME@production, NAME@ALIAS, NAME/3 or NAME "
                        "(newest)",
                        flags, global, Get);
    cmd->add_option("model", flags->model, "NAME@STAGE, NAME@ALIAS, NAME/VERSION or NAME")->required();
    cmd->add_option("-o,--output", flags->out, "Destination folder (created)")->required();
  }
  {
    auto flags = std::make_shared<Flags>();
    auto* cmd = AddCommand(*registry, "list", "Registered models with their production and staging versions", flags,
                        global, List);
    cmd->add_flag("--json", flags->json, "Print a JSON list of models");
  }
}

}  // namespace sweep::cli
