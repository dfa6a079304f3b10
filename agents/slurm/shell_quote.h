// Quoting for the two languages an sbatch script is read in: bash (the body)
// and sbatch's own #SBATCH directive parser (which is not a shell).
//
// Thread-safety: pure functions, safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/shell_quote.h"  // ShellQuote, for the script body

namespace sweep {

// True when `s` holds a byte below 0x20 or 0x7f (newline, carriage return,
// NUL, tab, escape, ...). Such values can end a directive or a command line
// early, so every user-provided value with one is rejected before quoting.
bool HasControlChar(std::string_view s);

// `s` as one argument of an `#SBATCH` line. sbatch splits those lines at
// whitespace, treats an unquoted '#' as the start of a comment, groups with
// " or ' and lets a backslash escape any character (src/sbatch/opt.c,
// _get_argument); so a value with anything but plain characters is written
// in double quotes with '\' and '"' backslash-escaped.
// Precondition: !HasControlChar(s).
std::string SbatchQuote(std::string_view s);

}  // namespace sweep
