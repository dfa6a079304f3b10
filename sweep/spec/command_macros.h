// The `command:` list of a spec with W&B's macros expanded into an argv.
//
//   ${env}                   "/usr/bin/env" (what W&B uses on POSIX)
//   ${interpreter}           CommandContext::interpreter
//   ${program}               SweepSpec::program
//   ${args}                  one "--name=value" per top-level parameter
//   ${args_no_hyphens}       one "name=value" per top-level parameter
//   ${args_no_equals}        "--name", "value" (two items) per top-level parameter
//   ${args_no_boolean_flags} as ${args}, but true -> "--name", false -> omitted
//   ${args_json}             one argument: the JSON of the nested config
//   ${args_json_file}        CommandContext::args_json_file
//   ${envvar:NAME}           the environment variable NAME (error when unset)
//
// The four list macros expand to several arguments, so each must be a
// command item by itself; the others may sit inside text ("--out=${envvar:D}").
// Values are written with FormatPythonArg, so argparse reads back exactly the
// value chosen. As W&B's agent does (wandb/sdk/launch/sweeps/utils.py
// create_sweep_command_args), a nested `parameters:` block is one flag for its
// top-level key whose value is Python's str() of the nested dict:
// --optimizer={'lr': 0.001, 'nadam': {'beta': 0.9}}. A command item that is
// exactly ${name} for a macro W&B's agent does not know expands to nothing
// (W&B: `sweep_vars.get(name) or []`); the spec parser warns about it. A spec
// without `command:` runs ${env} ${interpreter} ${program} ${args}.
// Pure functions; thread-safe when CommandContext::getenv is.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/search_space.h"
#include "core/sweep_spec.h"

namespace sweep {

inline constexpr std::string_view kEnvProgram = "/usr/bin/env";

struct CommandContext {
  std::string interpreter = "python3";
  std::string args_json_file;  // where the caller wrote the config as JSON
  // Environment lookup for ${envvar:NAME}; nullopt = unset. Injected so tests
  // and remote agents need not touch the process environment.
  std::function<std::optional<std::string>(const std::string&)> getenv;
};

// The argv to launch `config` with. kInvalidInput naming the macro for an
// unknown macro, an unterminated "${", a list macro inside text, or an unset
// ${envvar:NAME}.
Result<std::vector<std::string>> ExpandCommand(const SweepSpec& spec, const Config& config,
                                               const CommandContext& context);

// The syntax checks of ExpandCommand for one command item, without a config
// or environment: what the spec parser reports before any trial runs.
Status CheckCommandItem(std::string_view item);

// True for an item that is exactly "${name}" with an unknown macro name:
// ExpandCommand drops it, as W&B's agent does.
bool IsDroppedMacroItem(std::string_view item);

// The macro names ExpandCommand knows (envvar as "envvar:NAME"), for
// did-you-mean suggestions.
std::span<const std::string_view> KnownMacroNames();

// True when `command` (empty = the default) refers to ${program}.
bool CommandUsesProgram(const std::vector<std::string>& command);

}  // namespace sweep
