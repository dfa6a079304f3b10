// Parallel coordinates: one axis per varying parameter and one for the
// metric; drag along an axis to brush. The brushed runs are reported to
// onSelect (a Set of run ids, or null when nothing is brushed) so the runs
// table and the other charts follow (linked selection).
import { categories, displayValue, isNumericParam, resultOf } from '../model.js';
import { formatNumber } from '../format.js';
import { chartFor, disposeChart, whenRendered } from './echarts_setup.js';

const MISSING = '-'; // ECharts' "no value"

function axisFor(param, runs, dim) {
  if (isNumericParam(param, runs)) {
    const positive = runs.every((r) => !(typeof r.params[param.name] === 'number') || r.params[param.name] > 0);
    return { dim, name: param.name, type: param.log && positive ? 'log' : 'value', scale: true, axisLabel: { formatter: formatNumber } };
  }
  return { dim, name: param.name, type: 'category', data: categories(param, runs) };
}

function rowFor(run, params, axes) {
  const row = params.map((p, i) => {
    const v = run.params[p.name];
    if (v === undefined || v === null) return MISSING;
    return axes[i].type === 'category' ? displayValue(v) : v;
  });
  // Only finished runs' results sit on the metric axis: a failed run's last
  // logged value is not a result (and would stretch the axis).
  const result = resultOf(run);
  row.push(result === null ? MISSING : result);
  return row;
}

// Returns a promise that resolves when every line is drawn (ECharts draws
// large data over several frames).
export function drawParallel(el, params, runs, sweep, onSelect) {
  if (params.length === 0) {
    disposeChart(el);
    el.textContent = 'No parameter varies across the runs yet.';
    el.dataset.drawn = '0';
    return Promise.resolve();
  }
  const axes = params.map((p, i) => axisFor(p, runs, i));
  axes.push({ dim: params.length, name: sweep.metric || 'metric', type: 'value', scale: true, axisLabel: { formatter: formatNumber } });
  const data = runs.map((r) => rowFor(r, params, axes));
  const results = runs.map(resultOf).filter((v) => v !== null);
  const layoutKey = JSON.stringify(axes.map((a) => [a.name, a.type, a.data]));
  const chart = chartFor(el);
  const rendered = whenRendered(chart);
  const ids = runs.map((r) => r.id);
  el._ids = ids;
  if (el._layoutKey === layoutKey) {
    // Same axes: new data only, so the user's brushes stay.
    chart.setOption({ series: [{ data }], visualMap: results.length ? [{ min: Math.min(...results), max: Math.max(...results) }] : [] });
  } else {
    el._layoutKey = layoutKey;
    el._intervals = {};
    chart.setOption(
      {
        animation: false,
        parallel: { left: 60, right: 90, top: 40, bottom: 30, parallelAxisDefault: { nameLocation: 'end', nameGap: 12, nameTextStyle: { fontSize: 12 } } },
        parallelAxis: axes,
        visualMap: results.length
          ? [{ show: false, type: 'continuous', dimension: params.length, min: Math.min(...results), max: Math.max(...results),
               inRange: { color: sweep.goal === 'maximize' ? ['#d0d7e5', '#08519c'] : ['#08519c', '#d0d7e5'] },
               outOfRange: { color: ['#bbb'] } }]
          : [],
        series: [{ type: 'parallel', data, lineStyle: { width: 1, opacity: 0.45 }, inactiveOpacity: 0.03, activeOpacity: 0.9,
                   progressive: 0, smooth: false, realtime: true }],
      },
      true,
    );
    chart.off('axisareaselected');
    chart.on('axisareaselected', (event) => {
      el._intervals[event.parallelAxisId] = event.intervals || [];
      const brushed = Object.values(el._intervals).some((iv) => iv.length > 0);
      if (!brushed) {
        onSelect(null);
        return;
      }
      const series = chart.getModel().getSeriesByIndex(0);
      const active = series.getRawIndicesByActiveState('active');
      onSelect(new Set(active.map((i) => el._ids[i])));
    });
  }
  el.dataset.drawn = String(data.length);
  return rendered;
}
