// The runs table: one column per parameter and per metric, sortable,
// virtualized (only the rows in view exist in the DOM), so 10,000 runs
// scroll smoothly. Tick rows to compare them. A column chooser hides
// columns; the choice is kept in the browser (localStorage) for every sweep.
import { h } from './dom.js';

const HIDDEN_COLUMNS_KEY = 'sweep-ui.hidden-columns';

// The hidden column keys; storage may be unavailable (a report opened from
// a file with storage disabled): then nothing is hidden or remembered.
function loadHidden() {
  try {
    const saved = JSON.parse(window.localStorage.getItem(HIDDEN_COLUMNS_KEY) || '[]');
    return new Set(Array.isArray(saved) ? saved.filter((k) => typeof k === 'string') : []);
  } catch (e) {
    return new Set();
  }
}

function saveHidden(hidden) {
  try {
    window.localStorage.setItem(HIDDEN_COLUMNS_KEY, JSON.stringify([...hidden]));
  } catch (e) {
    /* not remembered; the choice still applies to this page */
  }
}

const ROW_HEIGHT = 26; // px; must match .vrow in app.css
const OVERSCAN = 10; // rows drawn beyond the view, so fast scrolls show no gaps
const COLUMN_WIDTH = 110;
const WIDE_COLUMN = 220;

function compare(a, b) {
  const an = a === null || a === undefined || a === '';
  const bn = b === null || b === undefined || b === '';
  if (an || bn) return an === bn ? 0 : an ? 1 : -1; // empty last
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

export class RunsTable {
  // columns: [{key, label, value(run) -> sortable, text(run) -> string,
  //            num, wide, link(run) -> href}]
  constructor(container, { onSelectionChange } = {}) {
    this.container = container;
    this.columns = [];
    this.rows = [];
    this.sorted = [];
    this.sortKey = null;
    this.sortDir = 1;
    this.checked = new Set();
    this.onSelectionChange = onSelectionChange || (() => {});
    this.header = h('div', { class: 'vrow vhead' });
    this.spacer = h('div', { class: 'vspacer' });
    this.body = h('div', { class: 'vbody' }, this.spacer);
    this.body.addEventListener('scroll', () => this.drawVisible());
    this.hidden = loadHidden();
    this.allColumns = [];
    this.chooserList = h('div', { class: 'chooser-list' });
    this.chooser = h('details', { class: 'chooser', id: 'columns' }, h('summary', { text: 'Columns' }), this.chooserList);
    container.textContent = '';
    container.appendChild(h('div', { class: 'vtable' }, this.header, this.body));
  }

  // The column chooser, for the caller to place (next to the filter box).
  get chooserElement() {
    return this.chooser;
  }

  drawChooser() {
    const keys = this.allColumns.map((c) => c.key).join('\n');
    if (keys === this.chooserKeys) return;
    this.chooserKeys = keys;
    this.chooserList.textContent = '';
    for (const c of this.allColumns) {
      const box = h('input', { type: 'checkbox', dataset: { column: c.key } });
      box.checked = !this.hidden.has(c.key);
      box.addEventListener('change', () => {
        if (box.checked) this.hidden.delete(c.key);
        else this.hidden.add(c.key);
        saveHidden(this.hidden);
        this.setColumns(this.allColumns);
      });
      this.chooserList.appendChild(h('label', null, box, ' ', c.label));
    }
  }

  // Every column the table can show; the hidden ones are left out.
  setColumns(all) {
    this.allColumns = all;
    this.drawChooser();
    const columns = all.filter((c) => !this.hidden.has(c.key));
    this.columns = columns;
    const template = ['28px', ...columns.map((c) => `${c.wide ? WIDE_COLUMN : COLUMN_WIDTH}px`)].join(' ');
    this.template = template;
    this.header.textContent = '';
    this.header.style.gridTemplateColumns = template;
    this.header.appendChild(h('span', { text: '' }));
    for (const c of columns) {
      const arrow = this.sortKey === c.key ? (this.sortDir > 0 ? ' ▲' : ' ▼') : '';
      this.header.appendChild(h('span', { class: c.num ? 'num sortable' : 'sortable', title: c.label, text: c.label + arrow,
        onclick: () => this.sortBy(c.key) }));
    }
    const width = 28 + columns.reduce((s, c) => s + (c.wide ? WIDE_COLUMN : COLUMN_WIDTH), 0);
    this.header.style.width = `${width}px`;
    this.spacer.style.width = `${width}px`;
    this.resort();
  }

  setRows(rows) {
    this.rows = rows;
    this.resort();
  }

  sortBy(key) {
    if (this.sortKey === key) this.sortDir = -this.sortDir;
    else {
      this.sortKey = key;
      this.sortDir = 1;
    }
    this.setColumns(this.allColumns);
  }

  resort() {
    this.sorted = this.rows.slice();
    const col = this.columns.find((c) => c.key === this.sortKey);
    if (col) this.sorted.sort((a, b) => this.sortDir * compare(col.value(a), col.value(b)));
    this.spacer.style.height = `${this.sorted.length * ROW_HEIGHT}px`;
    this.container.dataset.rows = String(this.sorted.length);
    this.container.dataset.drawn = String(this.sorted.length);
    this.drawVisible(true);
  }

  drawVisible(force) {
    const first = Math.max(0, Math.floor(this.body.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const count = Math.ceil((this.body.clientHeight || 400) / ROW_HEIGHT) + 2 * OVERSCAN;
    const last = Math.min(this.sorted.length, first + count);
    if (!force && this.drawnRange && this.drawnRange[0] === first && this.drawnRange[1] === last) return;
    this.drawnRange = [first, last];
    for (const el of [...this.spacer.children]) el.remove();
    for (let i = first; i < last; i++) this.spacer.appendChild(this.rowElement(this.sorted[i], i));
  }

  rowElement(run, index) {
    const row = h('div', { class: `vrow st-row-${run.state}`, dataset: { run: run.id } });
    row.style.gridTemplateColumns = this.template;
    row.style.top = `${index * ROW_HEIGHT}px`;
    const box = h('input', { type: 'checkbox', title: 'select to compare' });
    box.checked = this.checked.has(run.id);
    box.addEventListener('change', () => {
      if (box.checked) this.checked.add(run.id);
      else this.checked.delete(run.id);
      this.onSelectionChange(this.checked);
    });
    row.appendChild(h('span', null, box));
    for (const c of this.columns) {
      const text = c.text(run);
      const href = c.link ? c.link(run) : null;
      row.appendChild(h('span', { class: c.num ? 'num' : null, title: text }, href ? h('a', { href, text }) : text));
    }
    return row;
  }
}
