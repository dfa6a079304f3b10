// Optimization history: each finished run's result by run number, the best
// so far (finished runs only), and failed/crashed/killed runs as red marks
// on the axis, never counted as results.
import { bestSoFar, isFailure } from '../model.js';
import { drawPlot, emptyNote } from './plot.js';

export function drawHistory(el, runs, sweep, logY) {
  const points = bestSoFar(runs, sweep.goal);
  const x = points.map((p) => p.run.n);
  const results = points.map((p) => p.value);
  const best = points.map((p) => p.best);
  const finite = results.filter((v) => v !== null);
  if (finite.length === 0 && !points.some((p) => isFailure(p.run))) {
    emptyNote(el, 'No finished run has reported the metric yet.');
    return;
  }
  const canLog = logY && finite.length > 0 && finite.every((v) => v > 0);
  // Failures sit on the lower edge of the results' range.
  const floor = finite.length ? Math.min(...finite) : 0;
  const failures = points.map((p) => (isFailure(p.run) ? floor : null));
  drawPlot(el, {
    x,
    xLabel: 'run number',
    xIntegers: true,
    yLabel: sweep.metric,
    logY: canLog,
    series: [
      { label: 'finished run', values: results, color: '#1f77b4', points: true, line: false, pointSize: 4 },
      { label: 'best so far', values: best, color: '#ff7f0e', width: 2 },
      { label: 'failed / crashed / killed', values: failures, color: '#d62728', points: true, line: false, pointSize: 7 },
    ],
  });
  el.dataset.results = String(finite.length);
  const last = best.length ? best[best.length - 1] : null;
  el.dataset.best = last === null ? '' : String(last);
}
