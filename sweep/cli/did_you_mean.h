// "did you mean ...?" for the command line: a misspelt subcommand or flag,
// and the fields of --columns, --sort, --filter and --group-by.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace sweep::cli {

// After CLI11 rejected `argv`: "did you mean 'runs'?" for the first word that
// is neither a subcommand nor a flag of it, when one is near; "" otherwise.
std::string SuggestForCommandLine(CLI::App& app, int argc, char** argv);

// "; did you mean 'X'?" when a candidate is near `word`, else "".
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace sweep::cli
