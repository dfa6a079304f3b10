// Slice plots: the metric against each varying parameter, one small chart
// per parameter; orange = the best 10% of finished runs.
import { h } from '../dom.js';
import { bestFraction, categories, displayValue, isNumericParam, resultOf } from '../model.js';
import { drawPlot, emptyNote } from './plot.js';

const BEST_FRACTION = 0.1;
// The x range reaches this fraction of the data's span beyond each end.
const X_PAD = 0.05;

function sliceData(param, runs, top) {
  const numeric = isNumericParam(param, runs);
  const cats = numeric ? null : categories(param, runs);
  const index = cats ? new Map(cats.map((c, i) => [c, i])) : null;
  const pts = [];
  for (const run of runs) {
    const y = resultOf(run);
    const v = (run.params || {})[param.name];
    if (y === null || v === undefined || v === null) continue;
    const x = numeric ? v : index.get(displayValue(v));
    if (typeof x !== 'number' || !Number.isFinite(x)) continue;
    pts.push({ x, y, top: top.has(run.id) });
  }
  pts.sort((a, b) => a.x - b.x);
  return { pts, cats };
}

function drawSlice(el, param, runs, sweep, top, width) {
  const { pts, cats } = sliceData(param, runs, top);
  if (pts.length === 0) {
    emptyNote(el, 'No finished run with this parameter yet.');
    return 0;
  }
  const logX = param.log && !cats && pts.every((p) => p.x > 0);
  // uPlot finds the points in view by binary search on x; with repeated x
  // values (grid points) a range ending exactly on the data would lose
  // some of them, so the range is padded past the first and last value.
  const lo = pts[0].x;
  const hi = pts[pts.length - 1].x;
  const pad = logX ? Math.pow(hi / lo > 1 ? hi / lo : 10, X_PAD) : (hi - lo || Math.abs(hi) || 1) * X_PAD;
  const numericRange = logX ? [lo / pad, hi * pad] : [lo - pad, hi + pad];
  drawPlot(el, {
    x: pts.map((p) => p.x),
    xLabel: param.name,
    yLabel: sweep.metric,
    height: 200,
    width,
    logX,
    legend: false,
    ...(cats
      ? {
          xRange: [-0.5, cats.length - 0.5],
          xSplits: () => cats.map((c, i) => i),
          xFormat: (v) => (Number.isInteger(v) && cats[v] !== undefined ? cats[v] : ''),
        }
      : { xRange: numericRange }),
    series: [
      { label: 'run', values: pts.map((p) => (p.top ? null : p.y)), color: '#1f77b4', points: true, line: false, pointSize: 3 },
      { label: 'best 10%', values: pts.map((p) => (p.top ? p.y : null)), color: '#ff7f0e', points: true, line: false, pointSize: 5 },
    ],
  });
  return pts.length;
}

// One slice chart per parameter, each drawn by `lazy` (lazy.js) when it is
// in view; update() gives them the page's current runs.
export class SlicePlots {
  constructor(container, lazy) {
    this.container = container;
    this.lazy = lazy;
    this.cells = new Map(); // param name -> el
    this.drawn = new Map(); // param name -> points drawn
    this.layout = '';
    this.top = null;
  }

  update(params, runs, sweep) {
    this.params = params;
    this.runs = runs;
    this.sweep = sweep;
    this.top = null; // the best 10%, computed once per update by the first chart drawn
    const layout = JSON.stringify(params.map((p) => p.name));
    if (layout === this.layout) return;
    this.layout = layout;
    for (const el of this.cells.values()) this.lazy.remove(el);
    this.cells.clear();
    this.drawn.clear();
    this.container.textContent = '';
    this.container.dataset.drawn = '0';
    if (params.length === 0) {
      this.container.appendChild(h('p', { class: 'empty', text: 'No parameter varies across the runs yet.' }));
      return;
    }
    for (const param of params) {
      const el = h('div', { class: 'slice', dataset: { param: param.name } });
      this.container.appendChild(h('div', { class: 'slice-cell' }, h('h3', { text: param.name }), el));
      this.cells.set(param.name, el);
      this.lazy.add(el, () => this.draw(param.name));
    }
  }

  draw(name) {
    const el = this.cells.get(name);
    const param = this.params.find((p) => p.name === name);
    if (!el || !param) return;
    if (!this.top) this.top = bestFraction(this.runs, this.sweep.goal, BEST_FRACTION);
    // Every cell is as wide as the first: one layout, not one per chart.
    const first = this.cells.values().next().value;
    const width = Math.floor(first.getBoundingClientRect().width) || undefined;
    this.drawn.set(name, drawSlice(el, param, this.runs, this.sweep, this.top, width));
    let total = 0;
    for (const n of this.drawn.values()) total += n;
    this.container.dataset.drawn = String(total);
  }
}
