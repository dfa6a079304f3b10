// Metric curves of chosen runs over steps, wall time or another logged key
// (e.g. epoch), with W&B-style
// smoothing; dashed = stopped early by the termination rule. A metric
// logged once per run draws as points, not as an empty line chart.
import { drawAsPoints, smooth, toNumber } from '../model.js';
import { drawPlot, emptyNote, joinSeries } from './plot.js';

// curves: {runId: {step: [], value: [], time: []}}; runs: id -> row.
// options: {xMode: 'step'|'time', xKey (the curves carry x: another logged
// key's values), smoothing: 0..1, key}
export function drawCurves(el, curves, runsById, options) {
  const ids = Object.keys(curves).filter((id) => curves[id].step.length > 0);
  if (ids.length === 0) {
    emptyNote(el, `No run here has logged ${options.key || 'this metric'}.`);
    return;
  }
  const list = ids.map((id) => {
    const c = curves[id];
    const t0 = c.time && c.time.length ? c.time[0] : 0;
    const x = options.xKey && c.x ? c.x : options.xMode === 'time' && c.time ? c.time.map((t) => t - t0) : c.step;
    return { id, x, y: smooth(c.value.map(toNumber).map((v) => (Number.isFinite(v) ? v : null)), options.smoothing) };
  });
  const points = drawAsPoints(list.map((s) => s.x.length));
  el.dataset.x = options.xKey || options.xMode;
  const joined = joinSeries(list);
  drawPlot(el, {
    x: joined.x,
    xLabel: options.xKey || (options.xMode === 'time' ? 'seconds since the run\'s first point' : 'step'),
    yLabel: options.key,
    xIntegers: options.xMode === 'step' && !options.xKey,
    series: list.map((s, i) => {
      const run = runsById.get(s.id);
      return {
        label: run ? `#${run.n} ${s.id}` : s.id,
        values: joined.values[i],
        dash: run && run.state === 'stopped' ? [6, 4] : undefined,
        points,
        line: !points,
      };
    }),
  });
}
