// ECharts, tree-shaken to what the dashboard uses: parallel coordinates
// (canvas, progressive rendering, axis brushing built in: uPlot has no
// parallel coordinates), the importance bars and the contour heat map. Tooltips are left out:
// ECharts renders tooltip content as HTML, and the dashboard never turns a
// user string into markup.
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, ParallelChart } from 'echarts/charts';
import { GridComponent, ParallelComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, HeatmapChart, ParallelChart, GridComponent, ParallelComponent, VisualMapComponent, CanvasRenderer]);

// The chart for `el`, created once, resized with it.
export function chartFor(el) {
  if (el._echart && !el._echart.isDisposed()) return el._echart;
  el.textContent = '';
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  el._echart = chart;
  if (typeof ResizeObserver !== 'undefined') {
    // Only a real change of size: the observer also reports the first
    // layout, and a resize redraws every line (10,000 in a big sweep).
    el._resize = new ResizeObserver(() => {
      if (chart.isDisposed()) return;
      if (el.clientWidth !== chart.getWidth() || el.clientHeight !== chart.getHeight()) chart.resize();
    });
    el._resize.observe(el);
  }
  return chart;
}

export function disposeChart(el) {
  if (el._echart) el._echart.dispose();
  if (el._resize) el._resize.disconnect();
  el._echart = null;
}

// The longest a page waits for a chart's 'finished' event, should ECharts
// not send it (nothing to redraw): the page must never stay "loading".
const RENDER_WAIT_MS = 10000;

// Resolves when the chart has finished rendering what it was last given,
// progressive rendering included (ECharts' 'finished' event).
export function whenRendered(chart) {
  return new Promise((resolve) => {
    let timer = null;
    const done = () => {
      clearTimeout(timer);
      chart.off('finished', done);
      resolve();
    };
    timer = setTimeout(done, RENDER_WAIT_MS);
    chart.on('finished', done);
  });
}
