// The run page: state, failure reason, the command to reproduce it,
// params, summary, every metric's chart, stdout/stderr tails that follow
// while the run is live, the run folder's files and the git diff.
import { drawCurves } from '../charts/curves.js';
import { h, kvTable, link, section, stateBadge } from '../dom.js';
import { formatBytes, formatDuration, formatNumber, formatTime } from '../format.js';
import { filePreview, previewKind } from '../file_preview.js';
import { lineageView } from '../lineage.js';
import { displayValue } from '../model.js';

const FOLLOW_MS = 1000; // a live run's page refreshes this often
const METRIC_POINTS = 1500;
const LIVE_STATES = new Set(['queued', 'running']);
// A tail pane keeps at most this much text, so a chatty run's page stays light.
const MAX_TAIL_CHARS = 256 * 1024;

// The git diff shown on the page at most: a long diff is downloaded instead.
const MAX_DIFF_CHARS = 256 * 1024;
// The file `sweep run` saves `git diff HEAD` in when the tree was dirty
// (sweep/trial_launch.h kDiffFileName).
const DIFF_FILE = 'diff.patch';
// The artifact browser: every file of the run's folder, with its size and
// SHA-256, each a download link; images and text files also get a preview
// button that calls onPreview(file).
function filesTable(source, runId, listing, onPreview) {
  if (!listing) return h('p', { class: 'empty', text: 'Files are not part of the report: open the run in `sweep ui`.' });
  if (listing.files.length === 0) return h('p', { class: 'empty', text: 'The run folder holds no files (or is not on this machine).' });
  return h('div', null,
    h('table', { class: 'grid', id: 'files-table' },
      h('thead', null, h('tr', null, ['file', 'size', 'sha256', ''].map((t) => h('th', { text: t })))),
      h('tbody', null, listing.files.map((f) => h('tr', { dataset: { file: f.path } },
        h('td', null, h('a', { href: source.runFileUrl(runId, f.path), download: f.path.split('/').pop(), text: f.path })),
        h('td', { class: 'num', text: formatBytes(f.size) }),
        h('td', { class: 'mono', title: f.sha256 || '', text: f.sha256 ? f.sha256.slice(0, 16) : '(not hashed: large)' }),
        h('td', null, previewKind(f.path, f.size)
          ? h('button', { type: 'button', class: 'preview', onclick: () => onPreview(f), text: 'preview' })
          : null))))),
    listing.truncated ? h('p', { class: 'note', text: 'Only the first files are listed.' }) : null);
}

// POSIX shell quoting, for the "reproduce" line.
function shellQuote(arg) {
  return /^[A-Za-z0-9_\-+=.,/:@%]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

function summaryTable(run) {
  const keys = Object.keys(run.summary || {});
  if (keys.length === 0) return h('p', { class: 'empty', text: 'No metrics reported.' });
  return h('table', { class: 'grid' },
    h('thead', null, h('tr', null, ['metric', 'last', 'min', 'max', 'step', 'points'].map((t) => h('th', { text: t })))),
    h('tbody', null, keys.map((k) => {
      const s = run.summary[k];
      return h('tr', null, h('td', { text: k }), ...[s.last, s.min, s.max, s.step, s.count].map((v) => h('td', { class: 'num', text: formatNumber(v) })));
    })));
}

function header(run) {
  const duration = run.started ? formatDuration((run.ended || Date.now() / 1000) - run.started) : '';
  return h('header', { class: 'panel', id: 'header' },
    h('h1', null, `Run #${run.n} `, h('span', { class: 'mono', text: run.id }), ' ', stateBadge(run.state)),
    kvTable([
      ['sweep', run.sweep ? link(`#/sweep/${run.sweep}`, run.sweep_name || run.sweep) : '(standalone)'],
      ['project', run.project || ''],
      ['name', run.name || ''],
      ['tags', (run.labels || []).join(', ')],
      [run.metric || 'metric', formatNumber(run.obj)],
      ['started', formatTime(run.started)],
      ['ended', formatTime(run.ended)],
      ['duration', duration],
      ['host', run.host || ''],
      ['exit', run.signal ? `signal ${run.signal}` : run.exit === null || run.exit === undefined ? '' : String(run.exit)],
    ]),
    run.notes ? h('div', { id: 'notes' }, h('h2', { text: 'Notes' }), h('pre', { text: run.notes })) : null,
    run.reason ? h('div', { class: 'failure', id: 'failure' }, h('h2', { text: 'Failure reason' }), h('pre', { text: run.reason })) : null);
}

// A pane that shows the end of a log and appends what the run writes.
function tailPane(source, runId, stream) {
  const pre = h('pre', { class: 'log', id: stream });
  let next = null;
  let text = '';
  async function poll() {
    const chunk = await source.log(runId, stream, next);
    if (!chunk) {
      pre.textContent = 'Logs are not part of the report: open the run in `sweep ui`.';
      return;
    }
    if (next === null && chunk.offset > 0) text = `[... ${formatNumber(chunk.offset)} earlier bytes]\n`;
    text += chunk.text;
    if (text.length > MAX_TAIL_CHARS) text = text.slice(text.length - MAX_TAIL_CHARS);
    next = chunk.next;
    const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.textContent = text || '(empty)';
    pre.dataset.bytes = String(next);
    if (atEnd) pre.scrollTop = pre.scrollHeight;
    if (chunk.next < chunk.size) await poll(); // more than one chunk behind
  }
  return { el: pre, poll };
}

export function runPage(root, source, runId) {
  let timer = null;
  let disposed = false;
  const charts = h('div', { class: 'metric-charts', id: 'metrics' });
  const ready = (async () => {
    let run = await source.run(runId);
    const stdout = tailPane(source, run.id, 'stdout');
    const stderr = tailPane(source, run.id, 'stderr');
    const argv = (run.argv || []).map(shellQuote).join(' ');
    const paramRows = Object.entries(run.params || {}).map(([k, v]) => [k, typeof v === 'number' ? formatNumber(v) : displayValue(v)]);
    const tagRows = Object.entries(run.tags || {}).map(([k, v]) => [k, v]);
    root.append(
      header(run),
      section('Parameters', 'The full configuration the run received.', kvTable(paramRows)),
      section('Summary', null, h('div', { id: 'summary' }, summaryTable(run))),
      section('Metrics', 'Each logged metric over steps.', charts),
      section('Output', 'stdout and stderr; followed while the run is live.',
        h('div', { class: 'two' }, h('div', null, h('h3', { text: 'stdout' }), stdout.el), h('div', null, h('h3', { text: 'stderr' }), stderr.el))),
      argv ? section('Reproduce', 'The command line as launched.', h('pre', { class: 'cmd', text: argv })) : null,
      tagRows.length ? section('Tags and environment', null, kvTable(tagRows)) : null,
    );
    if (source.live && run.actions && LIVE_STATES.has(run.state)) {
      const note = h('span', { class: 'note' });
      const button = h('button', { type: 'button', id: 'stop-run', text: 'Stop run' });
      button.addEventListener('click', () => {
        button.disabled = true;
        source.stopRun(run.id)
          .then(() => { note.textContent = ' stop requested: its agent ends the run (as `sweep stop`)'; })
          .catch((e) => { note.textContent = ` ${e.message}`; button.disabled = false; });
      });
      root.querySelector('#header').after(h('div', { class: 'panel controls', id: 'actions' }, button, note));
    }
    const files = h('div', { id: 'files' });
    const diff = h('pre', { class: 'diff', id: 'diff' });
    const diffSection = section('Git diff', '`git diff HEAD` of the working tree the run was launched from (it had uncommitted changes).', diff);
    diffSection.hidden = true;
    const lineage = h('div', { id: 'lineage' });
    root.append(section('Lineage', 'Artifact versions the run logged and used (`sweep artifact show`).', lineage));
    source.runLineage(run.id).then((doc) => {
      lineage.replaceChildren(lineageView(doc));
      lineage.dataset.drawn = '1';
    }).catch((e) => { lineage.textContent = e.message; });
    const preview = h('div', { id: 'file-preview' });
    const showPreview = (f) => {
      preview.replaceChildren(h('h3', { text: f.path }));
      filePreview(source.runFileUrl(run.id, f.path), f.path, f.size)
        .then((el) => {
          preview.append(el);
          preview.dataset.file = f.path;
        })
        .catch((e) => preview.append(h('p', { class: 'note', text: e.message })));
    };
    root.append(section('Files', 'The run folder: artifacts, logs and the saved environment; click to download, or preview images and text.',
      h('div', null, files, preview)), diffSection);
    const drawFiles = async () => {
      const listing = await source.runFiles(run.id);
      files.replaceChildren(filesTable(source, run.id, listing, showPreview));
      files.dataset.drawn = String(listing ? listing.files.length : 0);
      if (listing && listing.files.some((f) => f.path === DIFF_FILE) && !diff.dataset.loaded) {
        diff.textContent = await source.runFileText(run.id, DIFF_FILE, MAX_DIFF_CHARS);
        diff.dataset.loaded = '1';
        diffSection.hidden = false;
      }
    };
    const drawMetrics = async () => {
      const series = await source.runMetrics(run.id, METRIC_POINTS);
      charts.textContent = '';
      const keys = Object.keys(series);
      if (keys.length === 0) charts.appendChild(h('p', { class: 'empty', text: 'No metric logged yet.' }));
      for (const key of keys) {
        const el = h('div', { class: 'chart', dataset: { key } });
        charts.appendChild(h('div', { class: 'metric-chart' }, h('h3', { text: key }), el));
        drawCurves(el, { [run.id]: series[key] }, new Map([[run.id, run]]), { key, xMode: 'step', smoothing: 0 });
      }
      charts.dataset.drawn = String(keys.length);
    };
    await Promise.all([drawMetrics(), stdout.poll(), stderr.poll(), drawFiles()]);
    const follow = async () => {
      if (disposed) return;
      const wasLive = LIVE_STATES.has(run.state);
      run = await source.run(run.id);
      root.querySelector('#header').replaceWith(header(run));
      root.querySelector('#summary').replaceChildren(summaryTable(run));
      await Promise.all([drawMetrics(), stdout.poll(), stderr.poll(), drawFiles()]);
      if (wasLive && !disposed) timer = setTimeout(() => follow().catch(() => {}), FOLLOW_MS);
    };
    if (source.live && LIVE_STATES.has(run.state)) timer = setTimeout(() => follow().catch(() => {}), FOLLOW_MS);
  })();
  return { ready, dispose: () => { disposed = true; clearTimeout(timer); } };
}
