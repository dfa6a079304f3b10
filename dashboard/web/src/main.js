// Entry point of the dashboard front-end: picks the data source (live
// server or the report's embedded snapshot), routes on the URL hash, and
// records for the browser tests when a page has finished drawing
// (body[data-status=done]) and any script error (body[data-errors]).
import './app.css';

import { openSource } from './api.js';
import { afterNextPaint, h } from './dom.js';
import { comparePage } from './pages/compare.js';
import { runPage } from './pages/run.js';
import { sweepPage } from './pages/sweep.js';
import { projectsPage } from './pages/projects.js';
import { sweepsPage } from './pages/sweeps.js';

function recordError(message) {
  const body = document.body;
  const previous = body.dataset.errors ? `${body.dataset.errors} | ` : '';
  body.dataset.errors = previous + String(message);
}
window.addEventListener('error', (e) => recordError(e.message));
window.addEventListener('unhandledrejection', (e) => recordError(e.reason && e.reason.message ? e.reason.message : e.reason));

const source = openSource();
let current = null;

function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [page, arg] = [hash.split('/')[0], decodeURIComponent(hash.split('/').slice(1).join('/'))];
  if (!source.live && (page === '' || page === 'sweeps')) return ['sweep', source.doc.sweep.sweep.id];
  return [page || 'sweeps', arg];
}

function render() {
  if (current) current.dispose();
  const root = document.getElementById('app');
  root.textContent = '';
  document.body.dataset.status = 'loading';
  const nav = h('nav', null, source.live ? [h('a', { href: '#/', text: 'Sweeps' }), h('a', { href: '#/projects', text: 'Projects' })]
    : h('span', { class: 'brand', text: 'Sweep report' }));
  if (!source.live) nav.appendChild(h('span', { class: 'note', text: ` generated ${new Date(source.doc.generated * 1000).toISOString()}` }));
  const main = h('main');
  root.append(nav, main);
  const [page, arg] = route();
  const pages = { sweeps: () => sweepsPage(main, source), projects: () => projectsPage(main, source),
    project: () => sweepsPage(main, source, arg), sweep: () => sweepPage(main, source, arg), run: () => runPage(main, source, arg),
    compare: () => comparePage(main, source, arg) };
  current = (pages[page] || pages.sweeps)();
  current.ready
    .then(afterNextPaint)
    .then(() => {
      document.body.dataset.status = 'done';
      // When the page was complete on screen, for bench/ui.
      document.body.dataset.doneMs = String(Math.round(performance.now()));
    })
    .catch((e) => {
      main.appendChild(h('p', { class: 'error', text: `Could not load this page: ${e.message}` }));
      recordError(e.message);
      document.body.dataset.status = 'done';
    });
}

window.addEventListener('hashchange', render);
render();
