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

export function drawSlices(container, params, runs, sweep) {
  container.textContent = '';
  const top = bestFraction(runs, sweep.goal, BEST_FRACTION);
  let drawn = 0;
  const cells = params.map((param) => {
    const el = h('div', { class: 'slice', dataset: { param: param.name } });
    container.appendChild(h('div', { class: 'slice-cell' }, h('h3', { text: param.name }), el));
    return el;
  });
  // Every cell is as wide as the first: one layout, not one per chart.
  const width = cells.length ? Math.floor(cells[0].getBoundingClientRect().width) || undefined : undefined;
  params.forEach((param, i) => {
    const el = cells[i];
    const { pts, cats } = sliceData(param, runs, top);
    if (pts.length === 0) {
      emptyNote(el, 'No finished run with this parameter yet.');
      return;
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
        { label: 'run', values: pts.map((p) => (p.top ? null : p.y)), color: '#1f77b4', points: true, line: false, pointSize: 4 },
        { label: 'best 10%', values: pts.map((p) => (p.top ? p.y : null)), color: '#ff7f0e', points: true, line: false, pointSize: 6 },
      ],
    });
    drawn += pts.length;
  });
  container.dataset.drawn = String(drawn);
}
