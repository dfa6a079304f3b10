// Loads a spec for a CLI command, printing its diagnostics to stderr.
#pragma once

#include <optional>
#include <string>

#include "core/sweep_spec.h"

namespace sweep::cli {

// Prints every diagnostic (errors and notes, file:line:column first);
// nullopt when the spec has errors.
std::optional<SweepSpec> LoadSpecOrReport(const std::string& path);

}  // namespace sweep::cli
