// Parameter importance: fANOVA share (bars) with its spread across trees,
// Spearman's rho with the metric ("–" where not computed: a categorical of
// strings has no order) and, for bayes sweeps, the GP's relevance.
import { h } from '../dom.js';
import { formatNumber } from '../format.js';
import { toNumber } from '../model.js';
import { chartFor, disposeChart } from './echarts_setup.js';

export const NOT_COMPUTED = '\u2013';

function cell(v) {
  const n = toNumber(v);
  return n === null ? NOT_COMPUTED : formatNumber(n);
}

export function drawImportance(chartEl, tableEl, importance) {
  tableEl.textContent = '';
  const rows = importance.rows || [];
  if (rows.length === 0) {
    disposeChart(chartEl);
    chartEl.textContent = importance.note || 'Not enough finished runs yet.';
    chartEl.dataset.drawn = '0';
    return;
  }
  const ordered = [...rows].reverse(); // ECharts draws categories bottom-up
  const chart = chartFor(chartEl);
  chart.setOption(
    {
      animation: false,
      grid: { left: 140, right: 30, top: 10, bottom: 30 },
      xAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: formatNumber } },
      yAxis: { type: 'category', data: ordered.map((r) => r.p) },
      series: [{ type: 'bar', data: ordered.map((r) => toNumber(r.imp)), itemStyle: { color: '#1f77b4' } }],
    },
    true,
  );
  chartEl.style.height = `${Math.max(120, rows.length * 28 + 50)}px`;
  chart.resize();
  chartEl.dataset.drawn = String(rows.length);
  const hasGp = rows.some((r) => r.gp !== null && r.gp !== undefined);
  tableEl.appendChild(
    h('table', { class: 'grid' },
      h('thead', null, h('tr', null, h('th', { text: 'parameter' }), h('th', { text: 'importance' }), h('th', { text: '± std' }),
        h('th', { text: 'Spearman ρ' }), hasGp ? h('th', { text: 'GP relevance' }) : null)),
      h('tbody', null, rows.map((r) => h('tr', null, h('td', { text: r.p }), h('td', { class: 'num', text: cell(r.imp) }),
        h('td', { class: 'num', text: cell(r.std) }), h('td', { class: 'num', text: cell(r.rho) }),
        hasGp ? h('td', { class: 'num', text: cell(r.gp) }) : null)))));
}
