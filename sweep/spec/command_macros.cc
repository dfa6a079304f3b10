#include "sweep/spec/command_macros.h"

#include <algorithm>

#include "core/value_json.h"

namespace sweep {
namespace {

constexpr std::string_view kOpen = "${";
constexpr std::string_view kEnvVarPrefix = "envvar:";

const std::vector<std::string> kDefaultCommand = {"${env}", "${interpreter}", "${program}", "${args}"};

enum class ListMacro { kNone, kArgs, kArgsNoHyphens, kArgsNoEquals, kArgsNoBooleanFlags };

ListMacro ListMacroOf(std::string_view name) {
  if (name == "args") return ListMacro::kArgs;
  if (name == "args_no_hyphens") return ListMacro::kArgsNoHyphens;
  if (name == "args_no_equals") return ListMacro::kArgsNoEquals;
  if (name == "args_no_boolean_flags") return ListMacro::kArgsNoBooleanFlags;
  return ListMacro::kNone;
}

bool IsTextMacro(std::string_view name) {
  return name == "env" || name == "interpreter" || name == "program" || name == "args_json" ||
         name == "args_json_file" || (name.starts_with(kEnvVarPrefix) && name.size() > kEnvVarPrefix.size());
}

// Splits an item into literal text and macro names; calls on_text / on_macro
// in order. Returns the first syntax error.
template <typename OnText, typename OnMacro>
Status Scan(std::string_view item, OnText on_text, OnMacro on_macro) {
  std::size_t pos = 0;
  while (pos < item.size()) {
    const std::size_t open = item.find(kOpen, pos);
    if (open == std::string_view::npos) {
      on_text(item.substr(pos));
      break;
    }
    on_text(item.substr(pos, open - pos));
    const std::size_t close = item.find('}', open);
    if (close == std::string_view::npos)
      return Error::InvalidInput("command item '" + std::string(item) + "': unterminated '${'");
    const std::string_view name = item.substr(open + kOpen.size(), close - open - kOpen.size());
    const bool whole = open == 0 && close + 1 == item.size();
    if (ListMacroOf(name) != ListMacro::kNone && !whole)
      return Error::InvalidInput("command item '" + std::string(item) + "': ${" + std::string(name) +
                                 "} expands to several arguments and must be a command item by itself");
    if (ListMacroOf(name) == ListMacro::kNone && !IsTextMacro(name))
      return Error::InvalidInput("command item '" + std::string(item) + "': unknown macro ${" + std::string(name) +
                                 "}");
    if (Status s = on_macro(name); !s.ok()) return s;
    pos = close + 1;
  }
  return OkStatus();
}

// The name inside an item that is exactly "${name}"; nullopt otherwise.
std::optional<std::string_view> WholeMacroName(std::string_view item) {
  if (!item.starts_with(kOpen) || !item.ends_with("}")) return std::nullopt;
  const std::string_view name = item.substr(kOpen.size(), item.size() - kOpen.size() - 1);
  if (name.find('}') != std::string_view::npos || name.find(kOpen) != std::string_view::npos) return std::nullopt;
  return name;
}

// The joint W&B's sweeps engine flattens nested parameter names with
// (wandb/sweeps params.py HyperParameterSet.NESTING_DELIMITER); its order
// decides the order of the re-nested config.
constexpr std::string_view kWandbNestingDelimiter = ".wbnest[599c28ca25da].";

// The run's config as W&B's agent receives it (HyperParameterSet.to_config):
// flat parameters in the spec's order, then the nested ones re-nested in the
// sorted order of their flattened names, so nested blocks follow every flat
// parameter and their keys come sorted.
Value WandbRunConfig(const SweepSpec& spec, const Config& config) {
  Config ordered;
  std::vector<std::pair<std::string, const std::pair<std::string, Value>*>> nested;
  for (const auto& entry : config) {
    const ParameterSpec* p = spec.space.find(entry.first);
    if (p == nullptr || p->path.size() < 2) {
      ordered.push_back(entry);
      continue;
    }
    std::string flattened = p->path.front();
    for (std::size_t i = 1; i < p->path.size(); ++i) flattened += std::string(kWandbNestingDelimiter) + p->path[i];
    nested.emplace_back(std::move(flattened), &entry);
  }
  std::sort(nested.begin(), nested.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [flattened, entry] : nested) ordered.push_back(*entry);
  return ToNestedConfig(spec.space, ordered);
}

// One entry per top-level key of the run's config, as W&B's agent sees it (a
// nested block arrives as one dict value).
void AppendArgs(ListMacro kind, const SweepSpec& spec, const Config& config, std::vector<std::string>& argv) {
  const Value nested = WandbRunConfig(spec, config);
  for (const auto& [name, value] : nested.as_map()) {
    if (kind == ListMacro::kArgsNoBooleanFlags && value.is_bool()) {
      if (value.as_bool()) argv.push_back("--" + name);
      continue;
    }
    if (kind == ListMacro::kArgsNoEquals) {
      argv.push_back("--" + name);
      argv.push_back(FormatPythonArg(value));
      continue;
    }
    const std::string prefix = kind == ListMacro::kArgsNoHyphens ? "" : "--";
    argv.push_back(prefix + name + "=" + FormatPythonArg(value));
  }
}

}  // namespace

std::span<const std::string_view> KnownMacroNames() {
  static constexpr std::string_view kNames[] = {"env",         "interpreter",     "program",
                                                "args",        "args_no_hyphens", "args_no_equals",
                                                "args_no_boolean_flags", "args_json", "args_json_file",
                                                "envvar:NAME"};
  return kNames;
}

bool IsDroppedMacroItem(std::string_view item) {
  const auto name = WholeMacroName(item);
  return name && !name->empty() && !name->starts_with(kEnvVarPrefix) && ListMacroOf(*name) == ListMacro::kNone &&
         !IsTextMacro(*name);
}

Status CheckCommandItem(std::string_view item) {
  if (IsDroppedMacroItem(item)) return OkStatus();
  return Scan(item, [](std::string_view) {}, [](std::string_view) { return OkStatus(); });
}

bool CommandUsesProgram(const std::vector<std::string>& command) {
  if (command.empty()) return true;
  for (const auto& item : command)
    if (item.find("${program}") != std::string::npos) return true;
  return false;
}

Result<std::vector<std::string>> ExpandCommand(const SweepSpec& spec, const Config& config,
                                               const CommandContext& context) {
  const std::vector<std::string>& command = spec.command.empty() ? kDefaultCommand : spec.command;
  std::vector<std::string> argv;
  for (const auto& item : command) {
    if (IsDroppedMacroItem(item)) continue;
    if (const auto name = WholeMacroName(item)) {
      const ListMacro kind = ListMacroOf(*name);
      if (kind != ListMacro::kNone) {
        AppendArgs(kind, spec, config, argv);
        continue;
      }
    }
    std::string out;
    Status status = Scan(
        item, [&](std::string_view text) { out += text; },
        [&](std::string_view macro) -> Status {
          if (macro == "env") out += kEnvProgram;
          else if (macro == "interpreter") out += context.interpreter;
          else if (macro == "program") out += spec.program;
          else if (macro == "args_json") out += ToJson(WandbRunConfig(spec, config));
          else if (macro == "args_json_file") out += context.args_json_file;
          else {
            const std::string var(macro.substr(kEnvVarPrefix.size()));
            std::optional<std::string> value = context.getenv ? context.getenv(var) : std::nullopt;
            if (!value)
              return Error::InvalidInput("command item '" + item + "': environment variable " + var +
                                         " is not set (${envvar:" + var + "})");
            out += *value;
          }
          return OkStatus();
        });
    if (!status.ok()) return status.error();
    argv.push_back(std::move(out));
  }
  return argv;
}

}  // namespace sweep
