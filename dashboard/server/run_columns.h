// The sweep page's runs as columns (GET /api/sweeps/ID's "runs"): one array
// per field, parameter and metric instead of one object per run. 10,000
// runs come to about half the bytes of row objects, which the browser parses
// in half the time, and the text is written directly instead of through a
// JSON tree (the API's costliest step on a sweep's first request).
//
// {count, id: [], n: [], state: [], obj: [], created: [], started: [],
//  ended: [], exit: [], signal: [], reason: [], host: [], name: [],
//  labels: [[tag]], params: {name: []}, m: {key: []}}
// Cell i of every array belongs to run i; a run without a parameter or
// metric has null there. Fields mean what RunRowJson's (api_json.h) do;
// the environment tags are left out (the run page has them).
// The front-end turns it back into rows (dashboard/web/src/model.js).
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <vector>

#include "core/sweep_spec.h"
#include "tracking/store.h"

namespace sweep::dashboard {

std::string RunColumnsJson(const std::vector<RunRecord>& runs, const MetricSpec& metric);

}  // namespace sweep::dashboard
