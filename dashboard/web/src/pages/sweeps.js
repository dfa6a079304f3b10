// The sweeps list (of one project, or all): name, project, method, state,
// runs by state, best value, age; a search box; refreshed every second
// while live.
import { h, link, stateBadge } from '../dom.js';
import { formatAge, formatNumber } from '../format.js';

const REFRESH_MS = 1000;
const STATES = ['running', 'queued', 'finished', 'stopped', 'failed', 'crashed', 'killed'];

function countsCell(counts) {
  return h('span', { class: 'counts' }, STATES.filter((s) => counts[s]).map((s) => h('span', { class: `count st-${s}`, title: s, text: `${counts[s]} ${s}` })));
}

export function sweepsPage(root, source, project) {
  const search = h('input', { type: 'search', placeholder: 'search by name or id', class: 'search' });
  const body = h('tbody');
  const table = h('table', { class: 'grid', id: 'sweeps' },
    h('thead', null, h('tr', null, ['sweep', 'id', 'project', 'method', 'state', 'runs', 'best', 'created'].map((t) => h('th', { text: t })))), body);
  root.appendChild(h('section', { class: 'panel' }, h('h1', { text: project ? `Sweeps of project ${project}` : 'Sweeps' }), search, table));
  let sweeps = [];
  const render = () => {
    const q = search.value.trim().toLowerCase();
    const now = Date.now() / 1000;
    body.textContent = '';
    for (const s of sweeps) {
      if (project && s.project !== project) continue;
      if (q && !s.name.toLowerCase().includes(q) && !s.id.includes(q)) continue;
      const best = s.best ? h('span', null, `${formatNumber(s.best.value)} `, link(`#/run/${s.best.run}`, `#${s.best.number}`)) : '';
      body.appendChild(h('tr', { dataset: { sweep: s.id } },
        h('td', null, link(`#/sweep/${s.id}`, s.name || s.id)), h('td', { class: 'mono', text: s.id }),
        h('td', null, link(`#/project/${encodeURIComponent(s.project)}`, s.project)), h('td', { text: s.method }),
        h('td', null, stateBadge(s.state)), h('td', null, `${s.runs} `, countsCell(s.counts)),
        h('td', { class: 'num' }, best), h('td', { text: formatAge(s.created, now) })));
    }
    table.dataset.drawn = String(body.children.length);
    if (sweeps.length === 0) body.appendChild(h('tr', null, h('td', { colspan: 8, text: 'No sweeps in this store yet: start one with `sweep run spec.yaml`.' })));
  };
  search.addEventListener('input', render);
  let timer = null;
  let stopped = false;
  const load = async () => {
    sweeps = await source.sweeps();
    render();
    if (source.live && !stopped) timer = setTimeout(() => load().catch(() => {}), REFRESH_MS);
  };
  const first = load();
  return { ready: first, dispose: () => { stopped = true; clearTimeout(timer); } };
}
