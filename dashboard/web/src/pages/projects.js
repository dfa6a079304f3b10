// The projects list: each project's sweeps, runs (standalone ones apart)
// and last activity, from the sweeps list; refreshed every second while
// live. A project links to its sweeps.
import { h, link } from '../dom.js';
import { formatAge } from '../format.js';
import { projectsOf } from '../model.js';

const REFRESH_MS = 1000;

export function projectsPage(root, source) {
  const search = h('input', { type: 'search', placeholder: 'search by name', class: 'search' });
  const body = h('tbody');
  const table = h('table', { class: 'grid', id: 'projects' },
    h('thead', null, h('tr', null, ['project', 'sweeps', 'runs', 'standalone runs', 'last activity'].map((t) => h('th', { text: t })))), body);
  root.appendChild(h('section', { class: 'panel' }, h('h1', { text: 'Projects' }), search, table));
  let projects = [];
  const render = () => {
    const q = search.value.trim().toLowerCase();
    const now = Date.now() / 1000;
    body.textContent = '';
    for (const p of projects) {
      if (q && !p.name.toLowerCase().includes(q)) continue;
      body.appendChild(h('tr', { dataset: { project: p.name } },
        h('td', null, link(`#/project/${encodeURIComponent(p.name)}`, p.name)), h('td', { class: 'num', text: String(p.sweeps) }),
        h('td', { class: 'num', text: String(p.runs) }), h('td', { class: 'num', text: String(p.standalone) }),
        h('td', { text: formatAge(p.updated, now) })));
    }
    table.dataset.drawn = String(body.children.length);
    if (projects.length === 0) body.appendChild(h('tr', null, h('td', { colspan: 5, text: 'No projects in this store yet.' })));
  };
  search.addEventListener('input', render);
  let timer = null;
  let stopped = false;
  const load = async () => {
    projects = projectsOf(await source.sweeps());
    render();
    if (source.live && !stopped) timer = setTimeout(() => load().catch(() => {}), REFRESH_MS);
  };
  return { ready: load(), dispose: () => { stopped = true; clearTimeout(timer); } };
}
