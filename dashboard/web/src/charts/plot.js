// uPlot (line and scatter charts) behind one small helper: uPlot is the
// fastest canvas chart library on npm for large series (it draws 100k+
// points in milliseconds), which is what a 10k-run sweep needs.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

import { formatNumber } from '../format.js';

export const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

const DEFAULT_HEIGHT = 260;
// Tick steps for axes of whole numbers (run numbers, steps): no 2.5th run.
const INTEGER_INCREMENTS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 1e7, 1e8];
// The narrowest a chart gets: below this its axes no longer fit.
const MIN_WIDTH = 240;

function widthOf(el) {
  return Math.max(MIN_WIDTH, Math.floor(el.getBoundingClientRect().width || el.clientWidth || 600));
}

function tickValues(format) {
  return (u, splits) => splits.map((v) => (v === null || v === undefined ? '' : format(v)));
}

// Points as filled squares: a software-rastered canvas (no GPU, as in
// headless Chromium or a remote desktop) fills 10,000 small squares several
// times faster than uPlot's stroked circles, and they read the same.
function squarePoints(u, seriesIdx, idx0, idx1) {
  const s = u.series[seriesIdx];
  const side = s.points.size * uPlot.pxRatio;
  const half = side / 2;
  const xs = u.data[0];
  const ys = u.data[seriesIdx];
  const fill = new Path2D();
  for (let i = idx0; i <= idx1; i++) {
    const y = ys[i];
    if (y === null || y === undefined) continue;
    fill.rect(Math.round(u.valToPos(xs[i], 'x', true) - half), Math.round(u.valToPos(y, 'y', true) - half), side, side);
  }
  const clip = new Path2D();
  clip.rect(u.bbox.left - side, u.bbox.top - side, u.bbox.width + 2 * side, u.bbox.height + 2 * side);
  return { stroke: null, fill, clip, flags: 0 };
}

// What fixes a chart's layout: a chart whose spec keeps these only gets
// new data (setData), never a new canvas; rebuilding ten charts of 10,000
// points on every live change is what made big sweeps redraw slowly.
function layoutKey(spec) {
  return JSON.stringify([spec.xLabel, spec.yLabel, spec.logX, spec.logY, spec.height, spec.xIntegers, spec.legend,
    Boolean(spec.xRange), Boolean(spec.yRange), Boolean(spec.xSplits), Boolean(spec.xFormat),
    spec.series.map((s) => [s.label, s.color, s.dash, s.points, s.line, s.stepped, s.width, s.pointSize])]);
}

// Draws a chart into `el` and keeps it as wide as `el`. Drawn again with
// the same layout (layoutKey), the chart keeps its canvas and takes the new
// data; otherwise `el` is emptied and the chart built anew.
// spec: {x: [numbers], series: [{label, values, color, dash, points, line, stepped}],
//        xLabel, yLabel, logY, logX, height, xFormat, xRange, xSplits, yRange,
//        xIntegers (whole-number ticks), width (px; measured when absent)}
// `points`: draw dots; `line`: draw the connecting line (default true).
// Returns the uPlot instance; el.dataset.drawn = the finite values drawn.
export function drawPlot(el, spec) {
  const data = [spec.x, ...spec.series.map((s) => s.values)];
  let drawn = 0;
  for (const s of spec.series) for (const v of s.values) if (v !== null && Number.isFinite(v)) drawn++;
  el._spec = spec; // the ranges, splits and formats below read the latest spec
  const key = layoutKey(spec);
  if (el._plot && el._plotKey === key) {
    el._plot.setData(data);
    el.dataset.drawn = String(drawn);
    return el._plot;
  }
  disposePlot(el);
  el.textContent = '';
  const current = () => el._spec;
  const xFormat = (v) => (current().xFormat || formatNumber)(v);
  const opts = {
    width: spec.width || widthOf(el),
    height: spec.height || DEFAULT_HEIGHT,
    scales: {
      x: { time: false, distr: spec.logX ? 3 : 1, ...(spec.xRange ? { range: () => current().xRange } : {}) },
      y: { distr: spec.logY ? 3 : 1, ...(spec.yRange ? { range: () => current().yRange } : {}) },
    },
    axes: [
      { label: spec.xLabel || '', values: tickValues(xFormat), ...(spec.xSplits ? { splits: (...a) => current().xSplits(...a) } : {}),
        ...(spec.xIntegers ? { incrs: INTEGER_INCREMENTS } : {}) },
      { label: spec.yLabel || '', values: tickValues(formatNumber), size: 60 },
    ],
    legend: { show: spec.series.length > 1 && spec.legend !== false, live: false },
    cursor: { drag: { x: true, y: false } },
    series: [
      { label: spec.xLabel || 'x', value: (u, v) => (v === null ? '' : xFormat(v)) },
      ...spec.series.map((s, i) => {
        const color = s.color || COLORS[i % COLORS.length];
        return {
          label: s.label,
          stroke: color,
          width: s.width || 1.5,
          dash: s.dash,
          spanGaps: true,
          value: (u, v) => (v === null ? '' : formatNumber(v)),
          paths: s.line === false ? () => null : s.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined,
          points: s.points ? { show: true, size: s.pointSize || 5, width: 0, fill: color, paths: squarePoints } : { show: false },
        };
      }),
    ],
  };
  const plot = new uPlot(opts, data, el);
  el._plot = plot;
  el._plotKey = key;
  el.dataset.drawn = String(drawn);
  if (typeof ResizeObserver !== 'undefined') {
    el._resize = new ResizeObserver(() => {
      const w = widthOf(el);
      if (Math.abs(w - plot.width) > 2) plot.setSize({ width: w, height: plot.height });
    });
    el._resize.observe(el);
  }
  return plot;
}

function disposePlot(el) {
  if (el._plot) el._plot.destroy();
  if (el._resize) el._resize.disconnect();
  el._plot = null;
  el._plotKey = null;
  el._resize = null;
}

// Several series with their own x values, on one shared sorted x.
export function joinSeries(list) {
  if (list.length === 0) return { x: [], values: [] };
  const joined = uPlot.join(list.map((s) => [s.x, s.y]));
  return { x: joined[0], values: joined.slice(1) };
}

export function emptyNote(el, text) {
  disposePlot(el);
  el.textContent = '';
  el.appendChild(document.createElement('p')).textContent = text;
  el.firstChild.className = 'empty';
  el.dataset.drawn = '0';
}
