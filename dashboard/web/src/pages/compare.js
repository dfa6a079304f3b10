// The compare page: two or more runs side by side, differing parameters
// highlighted, their curves of one metric overlaid.
import { drawCurves } from '../charts/curves.js';
import { h, link, section, stateBadge } from '../dom.js';
import { formatNumber } from '../format.js';
import { displayValue } from '../model.js';

const CURVE_POINTS = 1000;

function valueText(v) {
  return typeof v === 'number' ? formatNumber(v) : displayValue(v);
}

function sideBySide(runs, rowsOf, idPrefix) {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(rowsOf(r))))].sort();
  return h('table', { class: 'grid compare', id: idPrefix },
    h('thead', null, h('tr', null, h('th', { text: '' }), runs.map((r) => h('th', null, link(`#/run/${r.id}`, `#${r.n} ${r.id}`), ' ', stateBadge(r.state))))),
    h('tbody', null, keys.map((k) => {
      const texts = runs.map((r) => valueText(rowsOf(r)[k]));
      const differs = texts.some((t) => t !== texts[0]);
      return h('tr', { class: differs ? 'differs' : null }, h('th', { text: k }), texts.map((t) => h('td', { class: 'num', text: t })));
    })));
}

export function comparePage(root, source, idList) {
  const ids = idList.split(',').filter(Boolean);
  const curves = h('div', { class: 'chart', id: 'curves' });
  const keySelect = h('select');
  const ready = (async () => {
    const runs = await Promise.all(ids.map((id) => source.run(id)));
    const summaryOf = (r) => Object.fromEntries(Object.entries(r.summary || {}).map(([k, s]) => [k, s.last]));
    root.append(
      h('header', { class: 'panel', id: 'header' }, h('h1', { text: `Comparing ${runs.length} runs` })),
      section('Parameters', 'Highlighted: the rows where the runs differ.', sideBySide(runs, (r) => r.params || {}, 'params')),
      section('Summary', 'Last value of each metric.', sideBySide(runs, summaryOf, 'summary')),
      section('Curves', null, h('div', null, h('div', { class: 'controls' }, 'metric ', keySelect), curves)),
    );
    const series = await Promise.all(runs.map((r) => source.runMetrics(r.id, CURVE_POINTS)));
    const keys = [...new Set(series.flatMap((s) => Object.keys(s)))];
    const preferred = runs[0].metric && keys.includes(runs[0].metric) ? runs[0].metric : keys[0];
    for (const k of keys) keySelect.appendChild(h('option', { value: k, text: k }));
    keySelect.value = preferred || '';
    const draw = () => {
      const key = keySelect.value;
      const byRun = {};
      runs.forEach((r, i) => { if (series[i][key]) byRun[r.id] = series[i][key]; });
      drawCurves(curves, byRun, new Map(runs.map((r) => [r.id, r])), { key, xMode: 'step', smoothing: 0 });
    };
    keySelect.addEventListener('change', draw);
    draw();
  })();
  return { ready, dispose: () => {} };
}
