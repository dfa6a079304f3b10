// Quoting for a POSIX shell: the one rule for the sbatch script, the
// recorded `env.command` and the reproduce line of `sweep best`.
//
// Thread-safety: pure functions, safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sweep {

// True when `s` is not empty and consists only of characters that neither a
// POSIX shell nor sbatch's directive parser interprets anywhere in a word:
// letters, digits and _ - . / : = , @ + %. Deliberately short: anything
// else is quoted.
bool IsPlainWord(std::string_view s);

// `s` as one shell word: unchanged when IsPlainWord(s), otherwise in single
// quotes with each ' written as '\''.
std::string ShellQuote(std::string_view s);

// Each argument ShellQuote'd, joined by spaces, to paste into a terminal:
// {"python3", "train.py", "--name=a b"} -> "python3 train.py '--name=a b'".
std::string ShellQuoteCommand(const std::vector<std::string>& argv);

}  // namespace sweep
