// Params a run reports after it started, what both stores do with them
// before writing (Store::AddRunParams). Private to tracking/.
#pragma once

#include <string>

#include "core/result.h"
#include "core/search_space.h"

namespace sweep {

struct AddedParams {
  Config added;             // the reported params the run did not have, in the order reported
  std::string params_json;  // the run's params JSON object with them appended
};

// Which of `reported` are new to a run whose params are `stored_params_json`
// (a JSON object); names the run has keep their stored value. kInternal for
// stored params that are not a JSON object.
Result<AddedParams> AddNewParams(const std::string& stored_params_json, const Config& reported);

}  // namespace sweep
