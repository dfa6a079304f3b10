// What people say about a run after the fact: `sweep tag RUN +a -b`,
// `sweep note RUN "text"` (or --file), `sweep rename RUN NEW`. RUN is an id,
// id prefix, PROJECT/NAME or a unique name (sweep/run_scope.h FindRun).
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>

#include "sweep/cli/cli.h"
#include "sweep/run_scope.h"

namespace sweep::cli {
namespace {

// Notes read from a file are bounded like notes typed on the command line
// (the store refuses more than kMaxNotesBytes, tracking/run_labels.h); this
// only stops a wrong --file (a dataset, say) from being read whole first.
constexpr std::streamsize kMaxNotesFileBytes = 1 << 20;

struct LabelFlags {
  std::string run;
  std::vector<std::string> changes;  // tag: +a -b (a bare word adds)
  std::string text;                  // note: the text; rename: the new name
  std::string file;                  // note --file
};

int Apply(const LabelFlags& flags, const GlobalOptions& global, const RunLabelsUpdate& update, const char* what) {
  auto store = OpenCliStore(global, /*must_exist=*/true);
  if (!store.ok()) return ReportError(store.error());
  auto run = FindRun(**store, flags.run);
  if (!run.ok()) return ReportError(run.error());
  if (auto status = (*store)->UpdateRunLabels(run->id, update); !status.ok()) return ReportError(status.error());
  auto after = (*store)->GetRun(run->id);
  if (!after.ok()) return ReportError(after.error());
  std::string tags;
  for (const auto& label : after->labels) tags += (tags.empty() ? "" : ",") + label;
  std::printf("run %s: %s (name %s, tags %s)\n", run->id.c_str(), what, after->name.empty() ? "-" : after->name.c_str(),
              tags.empty() ? "-" : tags.c_str());
  return kExitOk;
}

int Tag(const LabelFlags& flags, const GlobalOptions& global) {
  if (flags.changes.empty()) return ReportError(Error::InvalidInput("give +TAG to add or -TAG to remove"));
  RunLabelsUpdate update;
  for (const auto& change : flags.changes) {
    if (change.starts_with("-")) update.remove_labels.push_back(change.substr(1));
    else update.add_labels.push_back(change.starts_with("+") ? change.substr(1) : change);
  }
  return Apply(flags, global, update, "tags updated");
}

int Note(const LabelFlags& flags, const GlobalOptions& global) {
  if (flags.file.empty() == flags.text.empty())
    return ReportError(Error::InvalidInput("give the notes as TEXT or --file FILE, not both"));
  RunLabelsUpdate update;
  if (!flags.file.empty()) {
    std::ifstream in(flags.file, std::ios::binary);
    if (!in) return ReportError(Error::InvalidInput("cannot read " + flags.file));
    std::string text(static_cast<std::size_t>(kMaxNotesFileBytes) + 1, '\0');
    in.read(text.data(), kMaxNotesFileBytes + 1);
    text.resize(static_cast<std::size_t>(in.gcount()));
    update.notes = std::move(text);
  } else {
    update.notes = flags.text;
  }
  return Apply(flags, global, update, "notes saved");
}

int Rename(const LabelFlags& flags, const GlobalOptions& global) {
  RunLabelsUpdate update;
  update.name = flags.text;
  return Apply(flags, global, update, "renamed");
}

void Register(CLI::App& app, GlobalOptions& global, const char* name, const char* help,
              int (*handler)(const LabelFlags&, const GlobalOptions&),
              const std::function<void(CLI::App&, LabelFlags&)>& add_arguments) {
  auto flags = std::make_shared<LabelFlags>();
  CLI::App* cmd = app.add_subcommand(name, help);
  cmd->add_option("run", flags->run, "Run: id, id prefix, PROJECT/NAME or a unique name")->required();
  add_arguments(*cmd, *flags);
  AddStoreOption(*cmd, global);
  cmd->callback([flags, cmd, &global, handler] {
    for (const auto& extra : cmd->remaining()) flags->changes.push_back(extra);
    const int rc = handler(*flags, global);
    if (rc != kExitOk) throw CLI::RuntimeError(rc);
  });
}

}  // namespace

void RegisterLabelCommands(CLI::App& app, GlobalOptions& global) {
  Register(app, global, "tag", "Add (+TAG or TAG) and remove (-TAG) a run's tags", Tag, [](CLI::App& cmd, LabelFlags& f) {
    cmd.add_option("changes", f.changes, "+TAG adds, -TAG removes");
    // -TAG looks like an option to the parser: what it does not know stays
    // in remaining(), which Tag reads as removals.
    cmd.allow_extras();
  });
  Register(app, global, "note", "Set a run's notes (replaces earlier notes)", Note, [](CLI::App& cmd, LabelFlags& f) {
    cmd.add_option("text", f.text, "The notes");
    cmd.add_option("--file", f.file, "Read the notes from FILE");
  });
  Register(app, global, "rename", "Give a run a new name", Rename, [](CLI::App& cmd, LabelFlags& f) {
    cmd.add_option("name", f.text, "The new name")->required();
  });
}

}  // namespace sweep::cli
