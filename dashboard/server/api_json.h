// The dashboard API's JSON documents, built from store records: the one
// place their fields are defined, so a new field (a run's name, a project)
// is added here and nowhere else. Private to dashboard/server; the
// front-end (dashboard/web/src/api.js) documents what it reads.
//
// Conventions: times are Unix seconds (null = not reached); non-finite
// numbers are the strings "NaN", "Infinity", "-Infinity" (JSON has none);
// every string is passed through as data (the front-end renders text only).
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/sweep_spec.h"
#include "core/value.h"
#include "review/importance.h"
#include "tracking/store.h"

namespace sweep::dashboard {

using Json = nlohmann::json;

// A number, or its non-finite spelling.
Json NumberJson(double v);
// A typed parameter value (lists and maps nested).
Json ValueJson(const Value& v);
// Compact text; invalid UTF-8 in strings becomes U+FFFD instead of throwing.
std::string DumpJson(const Json& j);

// {id, name, project, method, state, metric, goal, created, updated,
//  counts: {state: n}, runs, best: {value, run, number} | null}
Json SweepSummaryJson(const SweepRecord& sweep, const std::vector<RunRecord>& runs);

// {id, name, project, method, state, metric, goal, created, updated, seed (decimal
//  string: it may exceed 2^53), spec_text, description, spec_path}
Json SweepDetailJson(const SweepRecord& sweep, const SweepSpec* spec);

// [{name, dist, log, values: [...] (categorical only), constant}] in spec order.
Json ParamsJson(const SweepSpec& spec);

// One row of the runs table and charts:
// {id, n, state, obj, created, started, ended, exit, signal, reason, host,
//  params: {name: value}, m: {key: last}, tags: {key: value}, name,
//  labels: [tag]}
// `obj` is the run's value of the sweep metric (null when none); `tags` are
// the environment tags (env.*, gpu.*), `labels` the user's tags (W&B tags).
Json RunRowJson(const RunRecord& run, const MetricSpec& metric);

// The run page: RunRowJson plus {sweep, sweep_name, project, notes, argv,
// agent, pid, run_dir, summary: {key: {last, min, max, step, count}},
// metric, goal}.
Json RunDetailJson(const RunRecord& run, const SweepRecord* sweep);

// One artifact version on a run page: {id, project, name, version, ref
//  ("name:v3"), type, size, digest, aliases, created, producer (run id, ""
//  when none), models: [{model, version, stage, aliases}] (the registered
//  model versions pointing at it)}. Files and metadata are left out.
Json ArtifactVersionJson(const ArtifactVersion& v, const std::vector<ModelVersion>& models);

// {rows: [{p, imp, std, rho, gp}], note, runs_used}: rho null = not computed
// (a categorical of strings); gp null = no GP fit.
Json ImportanceJson(const Result<review::ImportanceReport>& report, const std::map<std::string, double>& gp);

}  // namespace sweep::dashboard
