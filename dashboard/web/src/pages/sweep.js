// The sweep page: history, parallel coordinates (brushing filters the
// table and the other charts), importance, slices, curves, runs table,
// failures, the spec. Live: changed runs arrive as server-sent events.
import { drawContour } from '../charts/contour.js';
import { drawCurves } from '../charts/curves.js';
import { drawEdf } from '../charts/edf.js';
import { drawHistory } from '../charts/history.js';
import { drawImportance } from '../charts/importance.js';
import { drawParallel } from '../charts/parallel.js';
import { SlicePlots } from '../charts/slices.js';
import { afterNextPaint, h, kvTable, link, section, stateBadge } from '../dom.js';
import { formatDuration, formatNumber, formatTime } from '../format.js';
import { better, displayValue, isFailure, mergeRuns, resultOf, toNumber, varyingParams } from '../model.js';
import { LazyCharts } from '../lazy.js';
import { RunsTable } from '../runs_table.js';

const REDRAW_MS = 400; // live redraws at most this often: well inside the 1 s budget
// ... and at most this share of the time: a redraw that takes 150 ms (10k
// runs) waits 300 ms before the next, so the page stays responsive.
const REDRAW_BUSY_SHARE = 0.33;
const FRAME_MS = 20;
const IMPORTANCE_REFRESH_MS = 10000; // the forest fit is the costliest request
const TOP_CURVES = 10;
const CURVE_POINTS = 800;
const X_KEY_PREFIX = 'key:'; // the x choices that name a logged key

function header(doc) {
  const s = doc.sweep;
  const title = s.name || s.id;
  const bestRun = s.best ? link(`#/run/${s.best.run}`, `#${s.best.number} (${s.best.run})`) : 'none yet';
  return h('header', { class: 'panel', id: 'header' },
    h('h1', null, title, ' ', stateBadge(s.state)),
    kvTable([
      ['sweep', h('span', { class: 'mono', text: s.id })],
      ['method', s.method],
      ['metric', s.metric ? `${s.metric} (${s.goal})` : '(none)'],
      ['best', s.best ? h('span', null, `${formatNumber(s.best.value)} — `, bestRun) : bestRun],
      ['runs', Object.entries(s.counts || {}).map(([k, v]) => `${v} ${k}`).join(', ') || '0'],
      ['seed', h('span', { class: 'mono', text: s.seed })],
      ['created', formatTime(s.created)],
    ]),
    s.description ? h('p', { class: 'description', text: s.description }) : null,
    h('details', null, h('summary', { text: 'spec (YAML)' }), h('pre', { class: 'spec', text: s.spec_text })));
}

function failuresTable(runs) {
  const groups = new Map();
  for (const r of runs) {
    if (!isFailure(r)) continue;
    const reason = r.reason || `(${r.state}, no reason recorded)`;
    if (!groups.has(reason)) groups.set(reason, []);
    groups.get(reason).push(r);
  }
  if (groups.size === 0) return h('p', { class: 'empty', text: 'No failed, crashed or killed runs.' });
  return h('table', { class: 'grid' },
    h('thead', null, h('tr', null, h('th', { text: 'runs' }), h('th', { text: 'reason' }))),
    h('tbody', null, [...groups.entries()].map(([reason, rs]) => h('tr', null,
      h('td', null, `${rs.length}: `, rs.slice(0, 8).map((r) => [link(`#/run/${r.id}`, `#${r.n}`), ' '])),
      h('td', null, h('pre', { class: 'reason', text: reason }))))));
}

function tableColumns(doc, params, metrics) {
  const cols = [
    { key: 'n', label: '#', num: true, value: (r) => r.n, text: (r) => String(r.n), link: (r) => `#/run/${r.id}` },
    { key: 'id', label: 'id', value: (r) => r.id, text: (r) => r.id, link: (r) => `#/run/${r.id}` },
    { key: 'name', label: 'name', value: (r) => r.name || '', text: (r) => r.name || '' },
    { key: 'tags', label: 'tags', value: (r) => (r.labels || []).join(', '), text: (r) => (r.labels || []).join(', ') },
    { key: 'state', label: 'state', value: (r) => r.state, text: (r) => r.state },
    { key: 'obj', label: doc.sweep.metric || 'metric', num: true, value: (r) => toNumber(r.obj), text: (r) => formatNumber(r.obj) },
  ];
  for (const p of params) {
    cols.push({ key: `p:${p.name}`, label: p.name, num: true, value: (r) => r.params[p.name], text: (r) => {
      const v = r.params[p.name];
      return typeof v === 'number' ? formatNumber(v) : displayValue(v);
    } });
  }
  for (const m of metrics) {
    if (m === doc.sweep.metric) continue;
    cols.push({ key: `m:${m}`, label: m, num: true, value: (r) => toNumber(r.m[m]), text: (r) => formatNumber(r.m[m]) });
  }
  cols.push({ key: 'dur', label: 'duration', num: true, value: (r) => (r.started ? (r.ended || Date.now() / 1000) - r.started : null),
    text: (r) => (r.started ? formatDuration((r.ended || Date.now() / 1000) - r.started) : '') });
  cols.push({ key: 'reason', label: 'failure reason', wide: true, value: (r) => r.reason, text: (r) => r.reason || '' });
  return cols;
}

export function sweepPage(root, source, sweepId) {
  const el = {
    history: h('div', { class: 'chart', id: 'history' }),
    logY: h('input', { type: 'checkbox' }),
    parallel: h('div', { class: 'chart tall', id: 'parallel' }),
    selection: h('p', { class: 'selection' }),
    importance: h('div', { class: 'chart', id: 'importance' }),
    importanceTable: h('div', { class: 'table-wrap' }),
    slices: h('div', { class: 'slices', id: 'scatter' }),
    contour: h('div', { class: 'chart tall', id: 'contour' }),
    contourX: h('select', { id: 'contour-x' }),
    contourY: h('select', { id: 'contour-y' }),
    edf: h('div', { class: 'chart', id: 'edf' }),
    curves: h('div', { class: 'chart', id: 'curves' }),
    curveKey: h('select'),
    curveX: h('select', { id: 'curve-x' }, h('option', { value: 'step', text: 'step' }), h('option', { value: 'time', text: 'wall time' })),
    smoothing: h('input', { type: 'range', min: 0, max: 0.99, step: 0.01, value: 0 }),
    filter: h('input', { type: 'search', class: 'filter', placeholder: 'filter, as sweep runs --filter: e.g. metric.loss < 0.5 and param.lr >= 0.01 (Enter)' }),
    filterNote: h('span', { class: 'note' }),
    compare: h('button', { type: 'button', text: 'Compare selected', disabled: true }),
    table: h('div', { id: 'runs' }),
    failures: h('div', { id: 'failures' }),
  };
  let doc = null;
  let runs = [];
  let brushed = null; // Set of ids from the parallel coordinates, or null
  let filtered = null; // Set of ids from the filter box, or null
  let importanceAt = 0;
  let finishedSeen = -1;
  let curveIdsKey = '';
  let stop = () => {};
  let redrawTimer = null;
  let lastRedraw = 0;
  let redrawCost = 0;
  let disposed = false;
  const lazy = new LazyCharts();
  const slices = new SlicePlots(el.slices, lazy);

  const table = new RunsTable(el.table, {
    onSelectionChange: (checked) => { el.compare.disabled = checked.size < 2; },
  });
  el.compare.addEventListener('click', () => { location.hash = `#/compare/${[...table.checked].join(',')}`; });

  const selectedRuns = () => runs.filter((r) => (!brushed || brushed.has(r.id)) && (!filtered || filtered.has(r.id)));

  async function drawCurvesNow(force) {
    const key = el.curveKey.value || doc.sweep.metric;
    if (!key) return;
    const pool = selectedRuns().filter((r) => resultOf(r) !== null || r.state === 'stopped' || r.state === 'running');
    const scored = pool.map((r) => [resultOf(r), r.id]).filter(([v]) => v !== null);
    scored.sort((a, b) => (better(doc.sweep.goal, a[0], b[0]) ? -1 : better(doc.sweep.goal, b[0], a[0]) ? 1 : 0));
    const ids = scored.slice(0, TOP_CURVES).map(([, id]) => id);
    if (ids.length === 0) for (const r of pool.slice(-TOP_CURVES)) ids.push(r.id); // nothing finished yet: the latest
    for (const r of pool) if (r.state === 'stopped' && ids.length < 2 * TOP_CURVES && !ids.includes(r.id)) ids.push(r.id);
    const want = `${key}|${el.curveX.value}|${ids.join(',')}`;
    const live = pool.some((r) => r.state === 'running' && ids.includes(r.id));
    if (!force && want === curveIdsKey && !live) return;
    curveIdsKey = want;
    const xKey = el.curveX.value.startsWith(X_KEY_PREFIX) ? el.curveX.value.slice(X_KEY_PREFIX.length) : '';
    const data = await source.curves(doc.sweep.id, key, ids, CURVE_POINTS, xKey);
    drawCurves(el.curves, data.curves, new Map(runs.map((r) => [r.id, r])),
      { key, xMode: el.curveX.value, xKey, smoothing: Number(el.smoothing.value) });
  }

  async function refreshImportance() {
    const finished = runs.filter((r) => r.state === 'finished').length;
    const force = importanceAt === 0;
    if (!force && (finished === finishedSeen || Date.now() - importanceAt < IMPORTANCE_REFRESH_MS)) return;
    finishedSeen = finished;
    importanceAt = Date.now();
    drawImportance(el.importance, el.importanceTable, await source.importance(doc.sweep.id));
  }

  // The parallel coordinates redraw only when the runs change: a brush on
  // them (or the filter box) changes what the other charts show. They are
  // the costliest chart (a line per run), so they draw after the cheaper
  // ones are on screen.
  async function drawParallelNow() {
    if (el.parallel._runs === runs) return;
    await afterNextPaint();
    if (disposed || el.parallel._runs === runs) return;
    el.parallel._runs = runs;
    await drawParallel(el.parallel, varyingParams(doc.params, runs), runs, doc.sweep, (ids) => { brushed = ids; drawLinked(); });
  }
  lazy.add(el.history, () => drawHistory(el.history, selectedRuns(), doc.sweep, el.logY.checked));
  lazy.add(el.parallel, drawParallelNow);
  lazy.add(el.importance, () => refreshImportance());
  lazy.add(el.curves, () => drawCurvesNow(false));
  const paramNamed = (name) => varyingParams(doc.params, runs).find((p) => p.name === name);
  const drawContourNow = () => drawContour(el.contour, paramNamed(el.contourX.value), paramNamed(el.contourY.value), selectedRuns(), doc.sweep);
  lazy.add(el.contour, drawContourNow);
  lazy.add(el.edf, () => drawEdf(el.edf, selectedRuns(), doc.sweep));

  // The contour's parameter choices follow the varying parameters; the first
  // two (the most important ones come first once importance is in) by default.
  function fillContourChoices(params) {
    const names = params.map((p) => p.name);
    const key = names.join('\n');
    if (key === el.contourX.dataset.names) return;
    el.contourX.dataset.names = key;
    for (const [select, fallback] of [[el.contourX, names[0]], [el.contourY, names[1]]]) {
      const current = select.value;
      select.textContent = '';
      for (const n of names) select.appendChild(h('option', { value: n, text: n }));
      select.value = names.includes(current) ? current : fallback || '';
    }
  }

  // The table and the selection line now; the charts as they come in view.
  function drawLinked() {
    const shown = selectedRuns();
    table.setRows(shown);
    slices.update(varyingParams(doc.params, runs), shown, doc.sweep);
    el.selection.textContent = brushed || filtered ? `${shown.length} of ${runs.length} runs selected` : `${runs.length} runs`;
    return lazy.refresh();
  }

  function drawAll() {
    const params = varyingParams(doc.params, runs);
    const metrics = [...new Set([...doc.metrics, ...runs.flatMap((r) => Object.keys(r.m))])];
    if (el.curveKey.options.length !== metrics.length) {
      const current = el.curveKey.value;
      el.curveKey.textContent = '';
      for (const m of metrics) el.curveKey.appendChild(h('option', { value: m, text: m }));
      el.curveKey.value = current || doc.sweep.metric || metrics[0] || '';
      if (source.live) {
        // x: step, wall time, or any logged key (e.g. epoch).
        const x = el.curveX.value;
        el.curveX.textContent = '';
        el.curveX.append(h('option', { value: 'step', text: 'step' }), h('option', { value: 'time', text: 'wall time' }),
          ...metrics.map((m) => h('option', { value: X_KEY_PREFIX + m, text: m })));
        el.curveX.value = x || 'step';
      }
    }
    table.setColumns(tableColumns(doc, params, metrics));
    fillContourChoices(params);
    el.failures.replaceChildren(failuresTable(runs));
    el.failures.dataset.drawn = String(runs.filter(isFailure).length || 1);
    return drawLinked();
  }

  // The header (state, counts, best) follows every change at once; the
  // charts redraw on the first change and then at most every REDRAW_MS,
  // or less often when a redraw is costly (many runs).
  function scheduleRedraw() {
    root.querySelector('#header').replaceWith(header(doc));
    if (redrawTimer || disposed) return;
    // At least a frame: the header is painted before the charts redraw.
    const gap = Math.max(REDRAW_MS, redrawCost / REDRAW_BUSY_SHARE);
    const wait = Math.max(FRAME_MS, lastRedraw + gap - Date.now());
    redrawTimer = setTimeout(() => {
      redrawTimer = null;
      const start = performance.now();
      drawAll().catch(() => {});
      redrawCost = performance.now() - start;
      lastRedraw = Date.now();
    }, wait);
  }

  async function applyFilter() {
    const text = el.filter.value.trim();
    el.filterNote.textContent = '';
    if (!text) filtered = null;
    else {
      try {
        filtered = new Set((await source.filter(doc.sweep.id, text)).ids);
      } catch (e) {
        el.filterNote.textContent = e.message;
        return;
      }
    }
    drawLinked();
  }
  el.filter.addEventListener('keydown', (e) => { if (e.key === 'Enter') applyFilter(); });
  el.logY.addEventListener('change', () => drawHistory(el.history, selectedRuns(), doc.sweep, el.logY.checked));
  for (const c of [el.curveKey, el.curveX, el.smoothing]) c.addEventListener('change', () => drawCurvesNow(true));
  for (const c of [el.contourX, el.contourY]) c.addEventListener('change', drawContourNow);

  const ready = (async () => {
    doc = await source.sweep(sweepId);
    runs = doc.runs;
    root.append(
      header(doc),
      section('Optimization history', 'Each finished run\'s metric by run number and the best so far; failed, crashed and killed runs are the red marks on the lower edge and never count.',
        h('div', null, h('label', { class: 'toggle' }, el.logY, ' log scale'), el.history)),
      section('Parameters → metric', 'Drag along an axis to select runs (the table and the other charts follow); click an axis outside the selection to clear it.',
        h('div', null, el.selection, el.parallel)),
      section('Parameter importance', 'fANOVA share of the metric\'s variance ± its spread across trees; Spearman ρ with the metric (– where not computed).',
        h('div', { class: 'two' }, el.importance, el.importanceTable)),
      section('Each parameter against the metric', 'Finished runs; orange: the best 10%.', el.slices),
      section('Contour', 'The mean metric of the finished runs in each cell of a grid over two parameters (log-spaced for log parameters); blank: no run there.',
        h('div', null, h('div', { class: 'controls' }, 'x ', el.contourX, ' y ', el.contourY), el.contour)),
      section('Distribution of the metric (EDF)', 'The share of finished runs whose metric is at most x.', el.edf),
      section('Metric curves', 'The best runs of the selection; dashed: stopped early by the termination rule.',
        h('div', null, h('div', { class: 'controls' }, 'metric ', el.curveKey, ' x ', el.curveX, ' smoothing ', el.smoothing), el.curves)),
      section('Runs', 'Click a column to sort; tick two or more runs to compare them.',
        h('div', null, h('div', { class: 'controls' }, source.live ? [el.filter, el.filterNote] : null, el.compare, table.chooserElement), el.table)),
      section('Failures', 'Failed, crashed and killed runs grouped by reason.', el.failures),
    );
    await drawAll();
    if (source.live && !disposed) { // a page left before it was ready opens no stream
      let reloading = false;
      stop = source.watchSweep(doc.sweep.id, doc.mark, (change) => {
        runs = mergeRuns(runs, change.runs);
        doc.sweep.state = change.state;
        doc.sweep.counts = change.counts;
        doc.sweep.best = change.best;
        scheduleRedraw();
        // Runs deleted (`sweep rm`) leave no change to merge: the sweep has
        // fewer runs than the page, which reads it again.
        if (typeof change.count === 'number' && runs.length !== change.count && !reloading) {
          reloading = true;
          source.sweep(doc.sweep.id)
            .then((fresh) => { runs = fresh.runs; scheduleRedraw(); })
            .catch(() => {})
            .finally(() => { reloading = false; });
        }
      });
    }
  })();
  return { ready, dispose: () => { disposed = true; stop(); clearTimeout(redrawTimer); lazy.dispose(); } };
}
