// Versioned artifacts: `sweep artifact log PATH --run RUN` (what the clients
// call), `sweep artifact use REF --run RUN` (a read-only path, the run
// recorded as a consumer), `sweep artifacts`, `sweep artifact show REF`
// (files, lineage), `sweep artifact get REF -o DIR`, and `sweep gc`.
// Content lives in a ContentStore (ContentRootFor), names in the Store.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>

#include "core/value_json.h"
#include "sweep/artifact_lineage.h"
#include "sweep/channel_tags.h"
#include "sweep/cli/cli.h"
#include "sweep/cli/console.h"
#include "sweep/cli/terminal_text.h"
#include "sweep/run_scope.h"
#include "tracking/content_store.h"

namespace sweep::cli {
namespace artifact_cli {

// The type of an artifact logged without one (W&B requires one; a file
// logged from the command line or a client is most often a model or data).
constexpr const char* kDefaultType = "artifact";

// How old unreferenced content must be before `sweep gc` removes it: longer
// than storing a large checkpoint takes, whose content is written before the
// version naming it commits.
constexpr double kDefaultGcGraceSeconds = 15 * 60;

struct Flags {
  std::string path_or_ref;
  std::string run;
  std::string name;
  std::string type;
  std::string metadata;
  std::vector<std::string> aliases;
  std::string project;
  double grace_seconds = kDefaultGcGraceSeconds;
  std::string out;
  bool json = false;
};

// `path`'s last component made an artifact name: W&B's characters only.
std::string NameFromPath(const std::filesystem::path& path) {
  std::string base = std::filesystem::absolute(path).lexically_normal().filename().string();
  if (base.empty()) base = std::filesystem::absolute(path).lexically_normal().parent_path().filename().string();
  for (char& c : base) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') c = '-';
  }
  return base.empty() ? "artifact" : base;
}

Result<std::string> MetadataJson(const std::string& text) {
  if (text.empty()) return std::string("{}");
  auto parsed = ParseJson(text);
  if (!parsed.ok()) return Error::InvalidInput("--metadata: " + parsed.error().message);
  if (!parsed->is_map()) return Error::InvalidInput("--metadata must be a JSON object");
  return ToJson(*parsed);
}

int Log(const Flags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto run = FindRun(**store, flags.run);
  if (!run.ok()) return ReportError(run.error());
  auto project = ProjectOfRun(**store, *run);
  if (!project.ok()) return ReportError(project.error());
  auto metadata = MetadataJson(flags.metadata);
  if (!metadata.ok()) return ReportError(metadata.error());
  ContentStore content(ContentRootFor(ResolveStorePath(global)));
  auto files = content.Put(flags.path_or_ref);
  if (!files.ok()) return ReportError(files.error());
  NewArtifactVersion v;
  v.project = *project;
  v.name = flags.name.empty() ? NameFromPath(flags.path_or_ref) : flags.name;
  v.type = flags.type.empty() ? kDefaultType : flags.type;
  v.metadata_json = *metadata;
  v.producer_run = run->id;
  v.files = std::move(files).value();
  v.aliases = flags.aliases;
  auto logged = (*store)->LogArtifactVersion(v);
  if (!logged.ok()) return ReportError(logged.error());
  // The run page lists what a run logged among its tags, as before versions.
  const std::string tag = logged->digest + " " + std::to_string(logged->size) + " " + ArtifactRef(*logged);
  if (auto s = (*store)->SetTags(run->id, {{kArtifactTagPrefix + logged->name, tag}}); !s.ok()) {
    return ReportError(s.error());
  }
  if (flags.json) {
    ValueMap out = ArtifactVersionToValue(*logged).as_map();
    out.emplace_back("created", Value(logged->created));
    PrintJsonLine(Value(std::move(out)));
  } else {
    std::printf("%s %s/%s (%zu file(s), %s)\n", logged->created ? "logged" : "unchanged, same as",
                TerminalSafe(*project).c_str(),
                ArtifactRef(*logged).c_str(), logged->files.size(), FormatBytes(logged->size).c_str());
  }
  return kExitOk;
}

int Use(const Flags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  std::string project = flags.project;
  std::optional<RunRecord> run;
  if (!flags.run.empty()) {
    auto found = FindRun(**store, flags.run);
    if (!found.ok()) return ReportError(found.error());
    run = *found;
    if (project.empty()) {
      auto p = ProjectOfRun(**store, *run);
      if (!p.ok()) return ReportError(p.error());
      project = *p;
    }
  }
  auto version = FindArtifact(**store, flags.path_or_ref, project);
  if (!version.ok()) return ReportError(version.error());
  ContentStore content(ContentRootFor(ResolveStorePath(global)));
  auto view = content.View(*version);
  if (!view.ok()) return ReportError(view.error());
  if (run) {
    if (auto s = (*store)->RecordArtifactUse(version->id, run->id); !s.ok()) return ReportError(s.error());
  }
  const std::string path = std::filesystem::absolute(*view).string();
  if (flags.json) {
    ValueMap out = ArtifactVersionToValue(*version).as_map();
    out.emplace_back("path", Value(path));
    PrintJsonLine(Value(std::move(out)));
  } else {
    std::printf("%s\n", path.c_str());
  }
  return kExitOk;
}

int List(const Flags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  std::string run_id;
  if (!flags.run.empty()) {  // lineage of a run: what it produced and what it used
    auto run = FindRun(**store, flags.run);
    if (!run.ok()) return ReportError(run.error());
    run_id = run->id;
  }
  auto versions = (*store)->ListArtifactVersions(ArtifactFilter{flags.project, "", run_id});
  if (!versions.ok()) return ReportError(versions.error());
  if (flags.json) {
    ValueList all;
    for (const auto& v : *versions) all.push_back(ArtifactVersionToValue(v));
    PrintJsonLine(Value(std::move(all)));
    return kExitOk;
  }
  if (versions->empty()) {
    std::printf("no artifacts%s\n", flags.project.empty() ? "" : (" in project " + flags.project).c_str());
    return kExitOk;
  }
  Table table({"PROJECT", "ARTIFACT", "TYPE", "SIZE", "ALIASES", "PRODUCER", "USED BY", "CREATED"});
  for (const auto& v : *versions) {
    std::string aliases;
    for (const auto& a : v.aliases) aliases += (aliases.empty() ? "" : ",") + a;
    table.AddRow({v.project, ArtifactRef(v), v.type, FormatBytes(v.size), aliases.empty() ? "-" : aliases,
                  v.producer_run.empty() ? "-" : v.producer_run, std::to_string(v.consumers.size()),
                  FormatTimestamp(v.created_at)});
  }
  table.Print(stdout);
  return kExitOk;
}

void PrintLineage(const ArtifactLineage& lineage) {
  const ArtifactVersion& v = lineage.version;
  std::string aliases;
  for (const auto& a : v.aliases) aliases += (aliases.empty() ? "" : ", ") + a;
  std::printf("artifact %s/%s  type %s  %s  created %s\n", TerminalSafe(v.project).c_str(), ArtifactRef(v).c_str(),
              v.type.c_str(),
              FormatBytes(v.size).c_str(), FormatTimestamp(v.created_at).c_str());
  std::printf("  digest    %s\n  aliases   %s\n  metadata  %s\n", v.digest.c_str(),
              aliases.empty() ? "-" : aliases.c_str(), TerminalSafe(v.metadata_json).c_str());
  if (lineage.producer) {
    const RunRecord& run = *lineage.producer;
    auto commit = run.tags.find(kGitCommitTag);
    auto dirty = run.tags.find(kGitDirtyTag);
    std::printf("  producer  run %s (%s)  params %s\n", run.id.c_str(), std::string(TrialStateName(run.state)).c_str(),
                TerminalSafe(FormatParams(run.params)).c_str());
    std::printf("  code      %s%s\n", commit == run.tags.end() ? "-" : TerminalSafe(commit->second).c_str(),
                dirty != run.tags.end() && dirty->second == "true" ? " (dirty)" : "");
    std::string inputs;
    for (const auto& in : lineage.inputs) inputs += (inputs.empty() ? "" : ", ") + in.project + "/" + ArtifactRef(in);
    std::printf("  inputs    %s\n", inputs.empty() ? "-" : inputs.c_str());
  } else {
    std::printf("  producer  %s\n", v.producer_run.empty() ? "-" : ("run " + v.producer_run + " (deleted)").c_str());
  }
  std::string users;
  for (const auto& id : v.consumers) users += (users.empty() ? "" : ", ") + id;
  std::printf("  used by   %s\n\n", users.empty() ? "-" : users.c_str());
  Table files({"FILE", "SIZE", "SHA256"});
  for (const auto& f : v.files) files.AddRow({f.path, FormatBytes(f.size), f.sha256});
  files.Print(stdout);
}

int Show(const Flags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto version = FindArtifact(**store, flags.path_or_ref, flags.project);
  if (!version.ok()) return ReportError(version.error());
  auto lineage = LoadLineage(**store, *version);
  if (!lineage.ok()) return ReportError(lineage.error());
  if (flags.json) PrintJsonLine(LineageToValue(*lineage));
  else PrintLineage(*lineage);
  return kExitOk;
}

int Get(const Flags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto version = FindArtifact(**store, flags.path_or_ref, flags.project);
  if (!version.ok()) return ReportError(version.error());
  ContentStore content(ContentRootFor(ResolveStorePath(global)));
  if (auto s = content.CopyOut(*version, flags.out); !s.ok()) return ReportError(s.error());
  std::printf("%s/%s: %zu file(s), %s -> %s\n", TerminalSafe(version->project).c_str(), ArtifactRef(*version).c_str(),
              version->files.size(), FormatBytes(version->size).c_str(), TerminalSafe(flags.out).c_str());
  return kExitOk;
}

int Gc(const Flags& flags, const GlobalOptions& global) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto referenced = (*store)->ListReferencedContent();
  if (!referenced.ok()) return ReportError(referenced.error());
  auto versions = (*store)->ListArtifactVersions({});
  if (!versions.ok()) return ReportError(versions.error());
  std::set<std::string> digests;
  for (const auto& v : *versions) digests.insert(v.digest);
  ContentStore content(ContentRootFor(ResolveStorePath(global)));
  if (!(flags.grace_seconds >= 0)) return ReportError(Error::InvalidInput("--grace must be 0 or more seconds"));
  const auto grace = std::chrono::duration_cast<std::filesystem::file_time_type::duration>(
      std::chrono::duration<double>(flags.grace_seconds));
  auto report = content.RemoveUnreferenced({referenced->begin(), referenced->end()}, digests, grace);
  if (!report.ok()) return ReportError(report.error());
  if (flags.json) {
    PrintJsonLine(Value(ValueMap{{"files_removed", Value(report->files_removed)},
                                 {"bytes_freed", Value(report->bytes_freed)},
                                 {"views_removed", Value(report->views_removed)},
                                 {"recent_kept", Value(report->recent_kept)}}));
  } else {
    std::printf("removed %lld unreferenced file(s) from %s, freed %s\n",
                static_cast<long long>(report->files_removed), content.root().string().c_str(),
                FormatBytes(report->bytes_freed).c_str());
    if (report->recent_kept > 0) {
      std::printf("kept %lld unreferenced file(s) written in the last %.0f s (--grace 0 removes them)\n",
                  static_cast<long long>(report->recent_kept), flags.grace_seconds);
    }
  }
  return kExitOk;
}

}  // namespace artifact_cli

void RegisterArtifactCommands(CLI::App& app, GlobalOptions& global) {
  using namespace artifact_cli;
  const char* kRefHelp = "NAME, NAME:vN, NAME:ALIAS or NAME@ALIAS (latest when no version)";
  {
    auto flags = std::make_shared<Flags>();
    auto* cmd = AddCommand(app, "artifacts", "List artifact versions (all projects, or --project)", flags, global, List);
    cmd->add_option("--project", flags->project, "Only this project");
    cmd->add_option("--run", flags->run, "Only what this run produced or used");
    cmd->add_flag("--json", flags->json, "Print a JSON list of versions");
  }
  CLI::App* artifact = app.add_subcommand("artifact", "Versioned artifacts: log, use, show, get");
  artifact->require_subcommand(1);
  {
    auto flags = std::make_shared<Flags>();
    auto* cmd = AddCommand(*artifact, "log",
                        "Store a file or folder as the next version of a named artifact of RUN's project "
                        "(identical to the latest version: no new version)",
                        flags, global, Log);
    cmd->add_option("path", flags->path_or_ref, "File or folder")->required();
    cmd->add_option("--run", flags->run, "The producing run (id, prefix, PROJECT/NAME)")->required();
    cmd->add_option("--name", flags->name, "Artifact name (default: the file or folder name)");
    cmd->add_option("--type", flags->type, std::string("Artifact type (default: ") + kDefaultType + ")");
    cmd->add_option("--metadata", flags->metadata, "Metadata, a JSON object");
    cmd->add_option("--alias", flags->aliases, "Also point this alias at the version (repeatable)");
    cmd->add_flag("--json", flags->json, "Print the version as JSON");
  }
  {
    auto flags = std::make_shared<Flags>();
    auto* cmd = AddCommand(*artifact, "use",
                        "Print a read-only local folder holding an artifact version; with --run, record the run "
                        "as its consumer",
                        flags, global, Use);
    cmd->add_option("ref", flags->path_or_ref, kRefHelp)->required();
    cmd->add_option("--run", flags->run, "The consuming run (its project is searched)");
    cmd->add_option("--project", flags->project, "Project of the artifact");
    cmd->add_flag("--json", flags->json, "Print the version and its path as JSON");
  }
  {
    auto flags = std::make_shared<Flags>();
    auto* cmd = AddCommand(*artifact, "show",
                        "Files, sizes, hashes, metadata and lineage (producing run, its params, code commit "
                        "and inputs; consuming runs) of an artifact version",
                        flags, global, Show);
    cmd->add_option("ref", flags->path_or_ref, kRefHelp)->required();
    cmd->add_option("--project", flags->project, "Project of the artifact (needed when several have the name)");
    cmd->add_flag("--json", flags->json, "Print as JSON");
  }
  {
    auto flags = std::make_shared<Flags>();
    auto* cmd = AddCommand(*artifact, "get", "Copy an artifact version's files into a folder", flags, global, Get);
    cmd->add_option("ref", flags->path_or_ref, kRefHelp)->required();
    cmd->add_option("-o,--output", flags->out, "Destination folder (created)")->required();
    cmd->add_option("--project", flags->project, "Project of the artifact");
  }
  {
    auto flags = std::make_shared<Flags>();
    auto* cmd = AddCommand(app, "gc",
                        "Remove artifact content no artifact version refers to (e.g. after `sweep rm`), "
                        "reporting the bytes freed",
                        flags, global, Gc);
    cmd->add_option("--grace", flags->grace_seconds,
                    "Keep unreferenced content written in the last S seconds: it may belong to a version being "
                    "logged (default 900)");
    cmd->add_flag("--json", flags->json, "Print the report as JSON");
  }
}

}  // namespace sweep::cli
