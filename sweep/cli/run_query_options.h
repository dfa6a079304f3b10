// --filter/--sort/--limit, shared by `sweep runs` and `sweep export` so both
// spell and document them the same way (defined in cmd_review.cc).
#pragma once

#include <CLI/CLI.hpp>

#include "sweep/review_rows.h"

namespace sweep::cli {

void AddRunQueryOptions(CLI::App& cmd, RunQuery& query);

}  // namespace sweep::cli
