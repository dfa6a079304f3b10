// EDF: the share of finished runs whose metric is at most x, as Optuna's
// plot_edf: how likely a run of this search space reaches a given value.
import { empiricalDistribution } from '../model.js';
import { drawPlot, emptyNote } from './plot.js';

export function drawEdf(el, runs, sweep) {
  const { x, y } = empiricalDistribution(runs);
  if (x.length === 0) {
    emptyNote(el, 'No finished run has reported the metric yet.');
    return;
  }
  drawPlot(el, {
    x,
    xLabel: sweep.metric || 'metric',
    yLabel: 'share of runs ≤ x',
    yRange: [0, 1],
    legend: false,
    series: [{ label: 'EDF', values: y, color: '#1f77b4', width: 2, stepped: true }],
  });
}
