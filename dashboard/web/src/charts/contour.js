// Contour: the mean metric over a grid of two chosen parameters (a heat map
// of bins, log-spaced for log parameters), as Optuna's plot_contour shows
// where in the plane the good runs are. Cells without a run stay blank.
import { categories, contourGrid, isNumericParam } from '../model.js';
import { formatNumber } from '../format.js';
import { chartFor, disposeChart } from './echarts_setup.js';

const BINS = 20; // per numeric axis: fine enough to see structure, coarse enough to fill

export function drawContour(el, px, py, runs, sweep) {
  if (!px || !py) {
    disposeChart(el);
    el.textContent = 'Two varying parameters are needed.';
    el.dataset.drawn = '0';
    return;
  }
  const catsOf = (p) => (isNumericParam(p, runs) ? null : categories(p, runs));
  const grid = contourGrid(runs, px, py, BINS, catsOf);
  if (grid.cells.length === 0) {
    disposeChart(el);
    el.textContent = 'No finished run with both parameters yet.';
    el.dataset.drawn = '0';
    return;
  }
  const label = (v) => (typeof v === 'number' ? formatNumber(v) : v);
  const values = grid.cells.map((c) => c[2]);
  const chart = chartFor(el);
  chart.setOption(
    {
      animation: false,
      grid: { left: 80, right: 90, top: 20, bottom: 60 },
      xAxis: { type: 'category', name: px.name, nameLocation: 'middle', nameGap: 36, data: grid.xLabels.map(label) },
      yAxis: { type: 'category', name: py.name, data: grid.yLabels.map(label) },
      visualMap: [{ type: 'continuous', min: Math.min(...values), max: Math.max(...values), calculable: false, right: 0, top: 'middle',
        text: [formatNumber(Math.max(...values)), formatNumber(Math.min(...values))],
        inRange: { color: sweep.goal === 'maximize' ? ['#f7fbff', '#08519c'] : ['#08519c', '#f7fbff'] } }],
      series: [{ type: 'heatmap', data: grid.cells }],
    },
    true,
  );
  el.dataset.drawn = String(grid.runs);
}
