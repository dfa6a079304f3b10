import { rowsFromColumns } from './model.js';

// Where the pages get their data: the live server's JSON API (`sweep ui`),
// or the document embedded in a report (`sweep report`), which answers the
// same questions from what it holds and says so when it cannot.

async function getJson(path) {
  const res = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      message = (await res.json()).error || message;
    } catch (e) {
      /* not JSON: keep the status line */
    }
    throw new Error(message);
  }
  return res.json();
}

const q = encodeURIComponent;

export class LiveSource {
  get live() {
    return true;
  }
  sweeps() {
    return getJson('api/sweeps');
  }
  async sweep(id) {
    const doc = await getJson(`api/sweeps/${q(id)}`);
    doc.runs = rowsFromColumns(doc.runs);
    return doc;
  }
  importance(id) {
    return getJson(`api/sweeps/${q(id)}/importance`);
  }
  // xKey: another logged key as the x axis (each point gets x), or none.
  curves(id, key, runIds, points, xKey) {
    const x = xKey ? `&x=${q(xKey)}` : '';
    return getJson(`api/sweeps/${q(id)}/curves?key=${q(key)}&runs=${runIds.map(q).join(',')}&points=${points}${x}`);
  }
  // {ids}: the runs matching a `sweep runs --filter` expression.
  filter(id, text) {
    return getJson(`api/sweeps/${q(id)}/filter?q=${q(text)}`);
  }
  run(id) {
    return getJson(`api/runs/${q(id)}`);
  }
  runMetrics(id, points) {
    return getJson(`api/runs/${q(id)}/metrics?points=${points}`);
  }
  log(id, stream, offset) {
    const at = offset === null || offset === undefined ? '' : `&offset=${offset}`;
    return getJson(`api/runs/${q(id)}/log?stream=${stream}${at}`);
  }
  // Asks the run's agent to stop it (`sweep ui --actions`). The header is
  // the server's CSRF guard: no other site's page can send it.
  async stopRun(id) {
    const res = await fetch(`api/runs/${q(id)}/stop`, { method: 'POST', credentials: 'same-origin', headers: { 'X-Sweep-Action': '1' } });
    if (!res.ok) {
      let message = `${res.status} ${res.statusText}`;
      try {
        message = (await res.json()).error || message;
      } catch (e) {
        /* not JSON */
      }
      throw new Error(message);
    }
  }
  // {produced, consumed}: artifact versions (api_json.h ArtifactVersionJson).
  runLineage(id) {
    return getJson(`api/runs/${q(id)}/lineage`);
  }
  // {files: [{path, size, sha256}], truncated}: the run folder's files.
  runFiles(id) {
    return getJson(`api/runs/${q(id)}/files`);
  }
  // Where the browser downloads a run's file.
  runFileUrl(id, path) {
    return `api/runs/${q(id)}/file?path=${q(path)}`;
  }
  // The start of a run's text file (at most `maxChars` characters).
  async runFileText(id, path, maxChars) {
    const res = await fetch(this.runFileUrl(id, path), { credentials: 'same-origin', cache: 'no-store' });
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
    const text = await res.text();
    return text.length > maxChars ? `${text.slice(0, maxChars)}\n[... ${text.length - maxChars} more characters: download the file]` : text;
  }
  // Calls onChange(doc) with each batch of changed runs after `mark`;
  // returns a function that stops listening.
  watchSweep(id, mark, onChange, onError) {
    const source = new EventSource(`api/sweeps/${q(id)}/events?mark=${q(mark)}`);
    source.onmessage = (event) => onChange(JSON.parse(event.data));
    source.onerror = () => onError && onError();
    return () => source.close();
  }
}

export class SnapshotSource {
  constructor(doc) {
    this.doc = doc;
    doc.sweep.runs = rowsFromColumns(doc.sweep.runs);
  }
  get live() {
    return false;
  }
  async sweeps() {
    return this.doc.sweeps;
  }
  async sweep() {
    return this.doc.sweep;
  }
  async importance() {
    return this.doc.importance;
  }
  async curves(id, key, runIds, points, xKey) {
    if (xKey) throw new Error('another x axis than step or time needs the live dashboard (sweep ui)');
    const held = this.doc.curves || { key: '', curves: {} };
    const curves = {};
    if (held.key === key) for (const r of runIds) if (held.curves[r]) curves[r] = held.curves[r];
    return { key, curves };
  }
  async filter() {
    throw new Error('filtering needs the live dashboard (sweep ui)');
  }
  async run(id) {
    const row = this.doc.sweep.runs.find((r) => r.id === id);
    if (!row) throw new Error(`run ${id} is not in this report`);
    const s = this.doc.sweep.sweep;
    return { ...row, sweep: s.id, sweep_name: s.name, metric: s.metric, goal: s.goal, summary: {}, argv: [], snapshot: true };
  }
  async runMetrics(id) {
    const held = this.doc.curves || { key: '', curves: {} };
    return held.curves[id] ? { [held.key]: held.curves[id] } : {};
  }
  async log() {
    return null;
  }
  async runFiles() {
    return null;
  }
  async runLineage() {
    return null;
  }
  watchSweep() {
    return () => {};
  }
}

// The report embeds its document in <script type="application/json"
// id="sweep-snapshot">; without it the page talks to the server.
export function openSource() {
  const el = document.getElementById('sweep-snapshot');
  if (el) return new SnapshotSource(JSON.parse(el.textContent));
  return new LiveSource();
}
