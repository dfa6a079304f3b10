// ECharts, tree-shaken to what the dashboard uses: parallel coordinates
// (canvas, progressive rendering, axis brushing built in: uPlot has no
// parallel coordinates) and the importance bars. Tooltips are left out:
// ECharts renders tooltip content as HTML, and the dashboard never turns a
// user string into markup.
import * as echarts from 'echarts/core';
import { BarChart, ParallelChart } from 'echarts/charts';
import { GridComponent, ParallelComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, ParallelChart, GridComponent, ParallelComponent, VisualMapComponent, CanvasRenderer]);

// The chart for `el`, created once, resized with it.
export function chartFor(el) {
  if (el._echart && !el._echart.isDisposed()) return el._echart;
  el.textContent = '';
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  el._echart = chart;
  if (typeof ResizeObserver !== 'undefined') {
    el._resize = new ResizeObserver(() => chart.resize());
    el._resize.observe(el);
  }
  return chart;
}

export function disposeChart(el) {
  if (el._echart) el._echart.dispose();
  if (el._resize) el._resize.disconnect();
  el._echart = null;
}
