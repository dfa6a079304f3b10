#include "sweep/cli/did_you_mean.h"

#include "sweep/spec/nearest_key.h"

namespace sweep::cli {
namespace {

std::vector<std::string> FlagNames(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* option : command.get_options()) {
    for (const auto& name : option->get_lnames()) names.push_back("--" + name);
    for (const auto& name : option->get_snames()) names.push_back("-" + name);
  }
  return names;
}

}  // namespace

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  std::vector<std::string_view> views(candidates.begin(), candidates.end());
  auto nearest = spec::NearestKey(word, views);
  if (!nearest) return "";
  return "; did you mean '" + *nearest + "'?";
}

std::string SuggestForCommandLine(CLI::App& app, int argc, char** argv) {
  CLI::App* command = nullptr;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    if (command == nullptr) {
      if (arg.starts_with("-")) continue;  // --help, --version before the subcommand
      std::vector<std::string> names;
      for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
        if (sub->get_name() == arg) command = sub;
        names.push_back(sub->get_name());
      }
      if (command == nullptr) {
        const std::string hint = DidYouMean(arg, names);
        return hint.empty() ? "" : "unknown command '" + std::string(arg) + "'" + hint;
      }
      continue;
    }
    if (!arg.starts_with("-") || arg == "-") continue;
    const std::string flag(arg.substr(0, arg.find('=')));
    if (command->get_option_no_throw(flag) != nullptr || flag == "--help" || flag == "-h") continue;
    const std::string hint = DidYouMean(flag, FlagNames(*command));
    if (!hint.empty()) return "unknown flag '" + flag + "' for `sweep " + command->get_name() + "`" + hint;
  }
  return "";
}

}  // namespace sweep::cli
