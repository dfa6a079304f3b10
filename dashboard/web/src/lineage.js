// The run page's lineage: the artifact versions the run logged (with the
// registered model versions that point at them) and those it used (with a
// link to the run that logged each). Every string is text (dom.js).
import { h, link } from './dom.js';
import { formatBytes, formatTime } from './format.js';

// The digest shown in the table; the whole one is the cell's title.
const DIGEST_CHARS = 16;

function modelsText(models) {
  return (models || []).map((m) => `${m.model} v${m.version} (${m.stage})${m.aliases.length ? ` @${m.aliases.join(', @')}` : ''}`).join('; ');
}

function versionsTable(id, versions, consumed) {
  const columns = ['artifact', 'type', 'size', 'digest', 'aliases', 'created', consumed ? 'produced by' : 'registered as'];
  return h('table', { class: 'grid', id },
    h('thead', null, h('tr', null, columns.map((t) => h('th', { text: t })))),
    h('tbody', null, versions.map((v) => h('tr', { dataset: { ref: v.ref } },
      h('td', { class: 'mono', text: v.project ? `${v.project}/${v.ref}` : v.ref }),
      h('td', { text: v.type }),
      h('td', { class: 'num', text: formatBytes(v.size) }),
      h('td', { class: 'mono', title: v.digest, text: v.digest.slice(0, DIGEST_CHARS) }),
      h('td', { text: v.aliases.join(', ') }),
      h('td', { text: formatTime(v.created) }),
      consumed
        ? h('td', null, v.producer ? link(`#/run/${encodeURIComponent(v.producer)}`, v.producer) : '(none)')
        : h('td', { text: modelsText(v.models) })))));
}

// The lineage section's body for `lineage` ({produced, consumed}, or null
// where the source has none: a report).
export function lineageView(lineage) {
  if (!lineage) return h('p', { class: 'empty', text: 'Lineage is not part of the report: open the run in `sweep ui`.' });
  if (lineage.produced.length === 0 && lineage.consumed.length === 0) {
    return h('p', { class: 'empty', text: 'The run logged and used no artifacts.' });
  }
  return h('div', null,
    h('h3', { text: `Produced (${lineage.produced.length})` }),
    lineage.produced.length ? versionsTable('lineage-produced', lineage.produced, false) : h('p', { class: 'empty', text: 'none' }),
    h('h3', { text: `Consumed (${lineage.consumed.length})` }),
    lineage.consumed.length ? versionsTable('lineage-consumed', lineage.consumed, true) : h('p', { class: 'empty', text: 'none' }));
}
