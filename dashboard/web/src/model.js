// Pure functions over the API's documents (dashboard/server/api_json.h):
// which runs count, best so far, the best fraction, which parameters vary.
// No DOM here, so `node --test` checks the rules (test/model.test.mjs).

// Only finished runs count as results: a failed, crashed or killed run
// may have logged the metric before failing, but it is never "finished",
// never the best so far and never among the best 10% (issue 18). Stopped
// runs (ended early by the termination rule) are not results either.
export function isFinished(run) {
  return run.state === 'finished';
}

export function isFailure(run) {
  return run.state === 'failed' || run.state === 'crashed' || run.state === 'killed';
}

// The API spells non-finite numbers as strings; null means "none".
export function toNumber(v) {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return null;
}

// The run's objective when it counts as a result: finished and finite.
export function resultOf(run) {
  if (!isFinished(run)) return null;
  const v = toNumber(run.obj);
  return v !== null && Number.isFinite(v) ? v : null;
}

export function better(goal, a, b) {
  return goal === 'maximize' ? a > b : a < b;
}

// Runs in number order with the best result so far at each (null before
// the first result).
export function bestSoFar(runs, goal) {
  const sorted = [...runs].sort((a, b) => a.n - b.n);
  let best = null;
  return sorted.map((run) => {
    const v = resultOf(run);
    if (v !== null && (best === null || better(goal, v, best))) best = v;
    return { run, value: v, best };
  });
}

// Ids of the best `fraction` of results (at least one when any exists).
export function bestFraction(runs, goal, fraction) {
  const results = runs.filter((r) => resultOf(r) !== null);
  results.sort((a, b) => (better(goal, resultOf(a), resultOf(b)) ? -1 : better(goal, resultOf(b), resultOf(a)) ? 1 : a.n - b.n));
  const count = results.length === 0 ? 0 : Math.max(1, Math.ceil(results.length * fraction));
  return new Set(results.slice(0, count).map((r) => r.id));
}

// Numbers and strings compare directly (10,000 runs x 10 parameters on
// every redraw); only lists and maps go through their JSON text.
function sameValue(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

// The parameters worth an axis or a column: declared constant ones, and
// ones every run so far gave the same value, carry no information.
// Parameters a run has but the spec does not declare are appended.
export function varyingParams(params, runs) {
  const declared = new Set(params.map((p) => p.name));
  const all = [...params];
  for (const run of runs) {
    for (const name of Object.keys(run.params || {})) {
      if (!declared.has(name)) {
        declared.add(name);
        all.push({ name, dist: 'unknown', log: false, constant: false });
      }
    }
  }
  return all.filter((p) => {
    if (p.constant) return false;
    let first;
    let seen = false;
    for (const run of runs) {
      const v = (run.params || {})[p.name];
      if (v === undefined) continue;
      if (!seen) {
        first = v;
        seen = true;
      } else if (!sameValue(v, first)) {
        return true;
      }
    }
    return false;
  });
}

// Whether every value of the parameter over the runs is a number (else its
// axis is categorical).
export function isNumericParam(param, runs) {
  if (param.values) return param.values.every((v) => typeof v === 'number');
  return runs.every((r) => {
    const v = (r.params || {})[param.name];
    return v === undefined || v === null || typeof v === 'number';
  });
}

// The distinct values of a categorical parameter, in spec order then order
// of appearance, as display strings.
export function categories(param, runs) {
  const out = [];
  const seen = new Set();
  const add = (v) => {
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    if (!seen.has(s)) {
      seen.add(s);
      out.push(s);
    }
  };
  (param.values || []).forEach(add);
  runs.forEach((r) => {
    const v = (r.params || {})[param.name];
    if (v !== undefined) add(v);
  });
  return out;
}

export function displayValue(v) {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

// Merges changed rows into `runs` by id (replacing, or appending new ones),
// keeping number order. Returns the new array.
export function mergeRuns(runs, changed) {
  const byId = new Map(runs.map((r, i) => [r.id, i]));
  const out = runs.slice();
  let appended = false;
  for (const run of changed) {
    const i = byId.get(run.id);
    if (i === undefined) {
      byId.set(run.id, out.length);
      out.push(run);
      appended = true;
    } else {
      out[i] = run;
    }
  }
  if (appended) out.sort((a, b) => a.n - b.n);
  return out;
}

// Series worth a line: more than one point in some series. A metric logged
// once per run (a final score) draws as points instead.
export function drawAsPoints(seriesLengths) {
  return seriesLengths.every((n) => n <= 1);
}

// Exponential moving average, as W&B's smoothing slider (0 = none).
export function smooth(values, weight) {
  if (!(weight > 0)) return values;
  let last = null;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return v;
    last = last === null ? v : last * weight + v * (1 - weight);
    return last;
  });
}

// The sweep document's runs come as columns (dashboard/server/run_columns.h):
// one array per field. Returns them as row objects {id, n, state, ...,
// params: {name: value}, m: {key: last}, labels}, a cell of null in a
// parameter or metric column meaning the run has none. Rows pass through.
export function rowsFromColumns(cols) {
  if (Array.isArray(cols)) return cols;
  const fields = ['id', 'n', 'state', 'obj', 'created', 'started', 'ended', 'exit', 'signal', 'reason', 'host', 'name', 'labels'];
  const params = Object.entries(cols.params || {});
  const metrics = Object.entries(cols.m || {});
  const rows = new Array(cols.count);
  for (let i = 0; i < cols.count; i++) {
    const row = { params: {}, m: {}, tags: {} };
    for (const f of fields) row[f] = cols[f][i];
    for (const [name, column] of params) if (column[i] !== null) row.params[name] = column[i];
    for (const [key, column] of metrics) if (column[i] !== null) row.m[key] = column[i];
    rows[i] = row;
  }
  return rows;
}

// The projects of a sweeps list (GET /api/sweeps), by last activity, newest
// first: {name, sweeps (real ones), runs (all), standalone (runs of the
// project's manual sweep, started by hand), updated}. Standalone runs live
// in a sweep of method "manual", as `sweep projects` counts them.
export function projectsOf(sweeps) {
  const byName = new Map();
  for (const s of sweeps) {
    const name = s.project || 'default';
    if (!byName.has(name)) byName.set(name, { name, sweeps: 0, runs: 0, standalone: 0, updated: 0 });
    const p = byName.get(name);
    p.runs += s.runs;
    if (s.method === 'manual') p.standalone += s.runs;
    else p.sweeps += 1;
    p.updated = Math.max(p.updated, s.updated || s.created || 0);
  }
  return [...byName.values()].sort((a, b) => b.updated - a.updated || a.name.localeCompare(b.name));
}

// The empirical distribution of the results (finished runs' objective):
// x = each result in increasing order, y = the share of results <= x.
export function empiricalDistribution(runs) {
  const values = runs.map(resultOf).filter((v) => v !== null).sort((a, b) => a - b);
  const n = values.length;
  return { x: values, y: values.map((v, i) => (i + 1) / n) };
}

// A parameter's value as a bin coordinate: numbers as they are (their log
// on a log scale), anything else by its category's index.
function coordinate(value, param, cats) {
  if (cats) return cats.indexOf(displayValue(value));
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (param.log) return value > 0 ? Math.log10(value) : null;
  return value;
}

// One axis of a contour grid: each run's bin (null: no result, or no
// usable value) and the bins' labels (a numeric bin's middle value).
function binAxis(param, runs, results, bins, cats) {
  const coords = runs.map((r, i) => (results[i] === null ? null : coordinate((r.params || {})[param.name], param, cats)));
  if (cats) return { bin: coords.map((c) => (c === null || c < 0 ? null : c)), labels: cats };
  const finite = coords.filter((c) => c !== null);
  if (finite.length === 0) return { bin: coords, labels: [] };
  const distinct = [...new Set(finite)].sort((a, b) => a - b);
  if (distinct.length <= bins) {
    // Few values (a grid): a bin each, so no empty bins between them.
    const index = new Map(distinct.map((v, i) => [v, i]));
    return { bin: coords.map((c) => (c === null ? null : index.get(c))), labels: distinct.map((v) => (param.log ? 10 ** v : v)) };
  }
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const count = hi > lo ? bins : 1;
  const width = hi > lo ? (hi - lo) / count : 1;
  const bin = coords.map((c) => (c === null ? null : Math.min(count - 1, Math.floor((c - lo) / width))));
  const labels = Array.from({ length: count }, (_, i) => {
    const middle = lo + (i + 0.5) * width;
    return param.log ? 10 ** middle : middle;
  });
  return { bin, labels };
}

// The contour grid of two parameters: the finished runs' mean result in
// each of bins x bins cells (log-spaced on a log scale; a categorical
// parameter gets one bin per value). Returns {xLabels, yLabels, cells:
// [[xi, yi, mean]], runs (how many fell in a cell)}; empty cells are left
// out. `catsOf(param)` gives a categorical's values, or null if numeric.
export function contourGrid(runs, px, py, bins, catsOf) {
  const results = runs.map(resultOf);
  const [ax, ay] = [px, py].map((param) => binAxis(param, runs, results, bins, catsOf(param)));
  const sums = new Map();
  let used = 0;
  runs.forEach((run, i) => {
    const [xi, yi] = [ax.bin[i], ay.bin[i]];
    if (results[i] === null || xi === null || yi === null) return;
    const key = xi * (ay.labels.length + 1) + yi;
    const cell = sums.get(key) || [xi, yi, 0, 0];
    cell[2] += results[i];
    cell[3] += 1;
    sums.set(key, cell);
    used++;
  });
  const cells = [...sums.values()].map(([xi, yi, sum, n]) => [xi, yi, sum / n]);
  return { xLabels: ax.labels, yLabels: ay.labels, cells, runs: used };
}
