// DOM helpers. Every string from the API (parameter values, metric names,
// run names, tags, failure reasons, log text) reaches the page through
// textContent or a text node: never innerHTML, so no user string is markup.

// h('div', {class: 'x', dataset: {id: 1}, onclick: f}, child, 'text', ...)
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'text') el.textContent = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// A section with a heading, a help line and a body element to draw into.
export function section(title, help, body) {
  return h('section', { class: 'panel' }, h('h2', { text: title }), help ? h('p', { class: 'help', text: help }) : null, body);
}

// A two-column key/value table.
export function kvTable(rows) {
  return h('table', { class: 'kv' }, h('tbody', null, rows.map(([k, v]) => h('tr', null, h('th', { text: k }), h('td', null, v)))));
}

export function stateBadge(state) {
  return h('span', { class: `state st-${state}`, text: state });
}

export function link(href, text) {
  return h('a', { href, text });
}

// Resolves once the browser has painted what the page drew so far: a task
// queued from an animation frame runs after that frame is produced.
export function afterNextPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}
