#include "review/report/report_assets.h"

namespace sweep::report {

// Plain ES2015, no libraries. Scatter points and parallel-coordinate lines
// are drawn as one <path> per series (not one element per run) so that
// 10,000 runs stay fast; data never goes through innerHTML, only textContent.
const char kReportScript[] = R"JS(
(function () {
'use strict';
var NS = 'http://www.w3.org/2000/svg';
var D = JSON.parse(document.getElementById('report-data').textContent);
var MAX = D.sweep.goal === 'maximize';
var P = D.params;
var RUNS = D.runs;  // [number, id, state, objective, created, duration, exit, reason, values]
var TOP_FRACTION = 0.1;       // "the best 10%" highlighted everywhere
var TABLE_FIRST_ROWS = 1000;  // rows built before "show all": keeps load fast
var PALETTE = ['#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22',
               '#7f7f7f', '#d62728', '#ff7f0e'];
var FAILED = {failed: 1, crashed: 1, killed: 1};

function isNum(x) { return typeof x === 'number' && isFinite(x); }
function $(id) { return document.getElementById(id); }
function el(tag, attrs, parent) {
  var e = document.createElementNS(NS, tag);
  if (attrs) for (var k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}
function html(tag, text, parent) {
  var e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}
function txt(parent, x, y, s, attrs) {
  var t = el('text', attrs || {}, parent);
  t.setAttribute('x', x); t.setAttribute('y', y); t.textContent = s;
  return t;
}
function svgIn(c, w, h) { return el('svg', {width: w, height: h, viewBox: '0 0 ' + w + ' ' + h}, c); }
function note(c, s) { html('p', s, c).className = 'note'; }
function f1(v) { return v.toFixed(1); }
function fmt(v) {
  if (typeof v !== 'number') return String(v);
  if (!isFinite(v)) return String(v);
  var a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace('e+', 'e');
  return String(+v.toPrecision(4));
}
function short(s, n) { s = String(s); return s.length > n ? s.slice(0, n - 1) + '\u2026' : s; }
function extent(vals, log) {
  var lo = Infinity, hi = -Infinity;
  for (var i = 0; i < vals.length; i++) {
    var v = vals[i];
    if (!isNum(v) || (log && !(v > 0))) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return log ? [1, 10] : [0, 1];
  if (lo === hi) return log ? [lo / 2, hi * 2] : [lo - (lo === 0 ? 1 : Math.abs(lo) * 0.1), hi + (hi === 0 ? 1 : Math.abs(hi) * 0.1)];
  if (!log) { var pad = (hi - lo) * 0.04; lo -= pad; hi += pad; }
  return [lo, hi];
}
function niceTicks(lo, hi, n) {
  var step = Math.pow(10, Math.floor(Math.log10((hi - lo) / n)));
  var err = (hi - lo) / n / step;
  if (err >= 7.5) step *= 10; else if (err >= 3.5) step *= 5; else if (err >= 1.5) step *= 2;
  var t = [];
  for (var v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) t.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return t;
}
function linScale(d, r) {
  var s = function (v) { return r[0] + (v - d[0]) / (d[1] - d[0]) * (r[1] - r[0]); };
  s.ticks = function (n) { return niceTicks(d[0], d[1], n || 5); };
  s.label = fmt;
  return s;
}
function logScale(d, r) {
  var l0 = Math.log10(d[0]), l1 = Math.log10(d[1]);
  var s = function (v) { return r[0] + (Math.log10(v) - l0) / (l1 - l0) * (r[1] - r[0]); };
  s.ticks = function (n) {
    var t = [];
    for (var e = Math.ceil(l0); e <= Math.floor(l1); e++) t.push(Math.pow(10, e));
    if (t.length < 2) t = niceTicks(d[0], d[1], n || 4).filter(function (x) { return x > 0; });
    return t;
  };
  s.label = fmt;
  s.log = true;
  return s;
}
function catScale(cats, r) {
  var n = Math.max(1, cats.length);
  var s = function (i) { return r[0] + (i + 0.5) / n * (r[1] - r[0]); };
  s.ticks = function () { return cats.map(function (_, i) { return i; }); };
  s.label = function (i) { return short(cats[i], 14); };
  s.band = Math.abs(r[1] - r[0]) / n;
  s.cat = true;
  return s;
}
function paramScale(j, r) {
  var p = P[j];
  if (p.cat) return catScale(p.cats, r);
  var vals = RUNS.map(function (row) { return row[8][j]; });
  return p.log ? logScale(extent(vals, true), r) : linScale(extent(vals, false), r);
}
function valueOk(j, v) { return v !== null && v !== undefined && (!P[j].log || v > 0); }
function xAxis(g, s, y, x0, x1, title) {
  var a = el('g', {'class': 'axis'}, g);
  el('line', {x1: x0, x2: x1, y1: y, y2: y}, a);
  s.ticks(8).forEach(function (t) {
    var x = s(t);
    el('line', {x1: f1(x), x2: f1(x), y1: y, y2: y + 4}, a);
    txt(a, f1(x), y + 15, s.label(t), {'text-anchor': 'middle'});
  });
  if (title) txt(a, (x0 + x1) / 2, y + 32, title, {'text-anchor': 'middle', 'font-weight': 600});
}
function yAxis(g, s, x, y0, y1, gridTo, title) {
  var grid = el('g', {'class': 'grid'}, g), a = el('g', {'class': 'axis'}, g);
  el('line', {x1: x, x2: x, y1: y0, y2: y1}, a);
  s.ticks(6).forEach(function (t) {
    var y = s(t);
    if (gridTo) el('line', {x1: x, x2: gridTo, y1: f1(y), y2: f1(y)}, grid);
    el('line', {x1: x - 4, x2: x, y1: f1(y), y2: f1(y)}, a);
    txt(a, x - 6, f1(y + 4), s.label(t), {'text-anchor': 'end'});
  });
  if (title) txt(a, 12, (y0 + y1) / 2, title, {'text-anchor': 'middle', 'font-weight': 600,
      transform: 'rotate(-90 12 ' + (y0 + y1) / 2 + ')'});
}
function dot(x, y, r) {
  return 'M' + f1(x - r) + ',' + f1(y) + 'a' + r + ',' + r + ' 0 1,0 ' + 2 * r + ',0a' + r + ',' + r +
         ' 0 1,0 ' + -2 * r + ',0';
}
function cross(x, y, r) {
  return 'M' + f1(x - r) + ',' + f1(y - r) + 'l' + 2 * r + ',' + 2 * r + 'm0,' + -2 * r + 'l' + -2 * r + ',' + 2 * r;
}
function legend(c, items) {
  var d = html('div', null, c); d.className = 'legend';
  items.forEach(function (it) {
    var s = html('span', null, d), i = html('i', null, s);
    i.style.background = it[1];
    s.appendChild(document.createTextNode(it[0]));
  });
}

// Runs with a finite metric, best first; the best TOP_FRACTION of them.
var OK = RUNS.filter(function (r) { return isNum(r[3]); });
var RANKED = OK.slice().sort(function (a, b) { return MAX ? b[3] - a[3] : a[3] - b[3]; });
var TOP = new Set(RANKED.slice(0, Math.ceil(RANKED.length * TOP_FRACTION)));
var METRIC = D.sweep.metric;
function metricScale(r) { return linScale(extent(OK.map(function (x) { return x[3]; }), false), r); }

function drawHistory() {
  var c = $('history'), W = 1120, H = 340, m = {l: 64, r: 20, t: 12, b: 44};
  if (!RUNS.length) { note(c, 'No runs yet.'); c.dataset.drawn = 0; return; }
  var byNum = RUNS.slice().sort(function (a, b) { return a[0] - b[0]; });
  var s = svgIn(c, W, H);
  var x = linScale(extent(byNum.map(function (r) { return r[0]; }), false), [m.l, W - m.r]);
  var y = metricScale([H - m.b, m.t]);
  yAxis(s, y, m.l, H - m.b, m.t, W - m.r, METRIC);
  xAxis(s, x, H - m.b, m.l, W - m.r, 'run number');
  var pts = '', stopped = '', fails = '', best = '', bestV = null, n = 0;
  byNum.forEach(function (r) {
    var px = x(r[0]);
    if (isNum(r[3])) {
      var d = dot(px, y(r[3]), 2.5);
      if (r[2] === 'stopped') stopped += d; else pts += d;
      n++;
      if (bestV === null || (MAX ? r[3] > bestV : r[3] < bestV)) {
        best += (bestV === null ? 'M' + f1(px) + ',' + f1(y(r[3])) : 'H' + f1(px) + 'V' + f1(y(r[3])));
        bestV = r[3];
      }
    } else if (FAILED[r[2]]) {
      fails += cross(px, H - m.b, 3.5); n++;
    }
  });
  if (best) { best += 'H' + (W - m.r); n++; }
  el('path', {d: pts, fill: '#1f77b4', 'fill-opacity': 0.55}, s);
  el('path', {d: stopped, fill: '#ff9f1c', 'fill-opacity': 0.7}, s);
  el('path', {d: best, fill: 'none', stroke: '#2ca02c', 'stroke-width': 2}, s);
  el('path', {d: fails, fill: 'none', stroke: '#d62728', 'stroke-width': 1.5}, s);
  legend(c, [['finished', '#1f77b4'], ['stopped early', '#ff9f1c'], ['best so far', '#2ca02c'],
             ['failed / crashed / killed', '#d62728']]);
  c.dataset.drawn = n;
}

function drawParallel() {
  var c = $('parallel'), W = 1120, H = 430, m = {l: 60, r: 80, t: 34, b: 44};
  if (!OK.length) { note(c, 'No run has a finite metric value yet.'); c.dataset.drawn = 0; return; }
  var nAx = P.length + 1, bottom = H - m.b, missingY = bottom + 16;
  var ax = function (i) { return nAx === 1 ? W / 2 : m.l + i * (W - m.l - m.r) / (nAx - 1); };
  var scales = P.map(function (_, j) { return paramScale(j, [bottom, m.t]); });
  scales.push(metricScale([bottom, m.t]));
  var s = svgIn(c, W, H + 10);
  var lines = OK.map(function (r) {
    var ys = [], d = '';
    for (var i = 0; i < nAx; i++) {
      var v = i < P.length ? r[8][i] : r[3];
      var yy = (i === P.length || valueOk(i, v)) ? scales[i](v) : missingY;
      ys.push(yy);
      d += (i ? 'L' : 'M') + f1(ax(i)) + ',' + f1(yy);
    }
    return {row: r, ys: ys, d: d};
  });
  var dim = el('path', {fill: 'none', stroke: '#d5d9e0', 'stroke-opacity': 0.5}, s);
  var sel = el('path', {fill: 'none', stroke: '#1f77b4', 'stroke-opacity': 0.35}, s);
  var top = el('path', {fill: 'none', stroke: '#ff7f0e', 'stroke-opacity': 0.8, 'stroke-width': 1.3}, s);
  var brushes = [], brushRects = [], count = html('p', '', null);
  count.className = 'help';
  function update() {
    var a = [], b = [], t = [], n = 0;
    lines.forEach(function (l) {
      for (var i = 0; i < nAx; i++) {
        var br = brushes[i];
        if (br && (l.ys[i] < br[0] || l.ys[i] > br[1])) { a.push(l.d); return; }
      }
      n++;
      (TOP.has(l.row) ? t : b).push(l.d);
    });
    dim.setAttribute('d', a.join('')); sel.setAttribute('d', b.join('')); top.setAttribute('d', t.join(''));
    count.textContent = n + ' of ' + lines.length + ' runs selected';
  }
  function svgY(e) { var rc = s.getBoundingClientRect(); return (e.clientY - rc.top) * ((H + 10) / rc.height); }
  var drag = null, pending = false;
  for (var i = 0; i < nAx; i++) {
    var g = el('g', {'class': 'axis'}, s), x = ax(i), sc = scales[i];
    el('line', {x1: x, x2: x, y1: m.t, y2: bottom}, g);
    sc.ticks(5).forEach(function (t) {
      var yy = sc(t);
      el('line', {x1: x - 3, x2: x, y1: f1(yy), y2: f1(yy)}, g);
      txt(g, x - 5, f1(yy + 4), sc.label(t), {'text-anchor': 'end'});
    });
    var name = i < P.length ? P[i].name + (P[i].log ? ' (log)' : '') : METRIC;
    txt(g, x, 20, short(name, 22), {'text-anchor': 'middle', 'font-weight': 600});
    txt(g, x, missingY + 4, i < P.length ? 'n/a' : '', {'text-anchor': 'middle', fill: '#999'});
    brushRects.push(el('rect', {x: x - 8, width: 16, y: 0, height: 0, fill: '#1f77b4', 'fill-opacity': 0.2,
                                stroke: '#1f77b4', display: 'none'}, s));
    var hit = el('rect', {x: x - 10, width: 20, y: m.t - 6, height: missingY - m.t + 12, fill: 'transparent',
                          style: 'cursor:crosshair'}, s);
    hit.addEventListener('mousedown', (function (k) {
      return function (e) { e.preventDefault(); drag = {axis: k, y0: svgY(e), moved: false}; };
    })(i));
  }
  function setBrush(k, a, b) {
    brushes[k] = a === null ? null : [Math.min(a, b), Math.max(a, b)];
    var r = brushRects[k];
    if (!brushes[k]) { r.setAttribute('display', 'none'); return; }
    r.setAttribute('display', 'inline');
    r.setAttribute('y', f1(brushes[k][0])); r.setAttribute('height', f1(brushes[k][1] - brushes[k][0]));
  }
  window.addEventListener('mousemove', function (e) {
    if (!drag) return;
    var y1 = svgY(e);
    if (Math.abs(y1 - drag.y0) > 3) drag.moved = true;
    if (!drag.moved) return;
    setBrush(drag.axis, drag.y0, y1);
    if (!pending) { pending = true; requestAnimationFrame(function () { pending = false; update(); }); }
  });
  window.addEventListener('mouseup', function () {
    if (!drag) return;
    if (!drag.moved) setBrush(drag.axis, null);
    drag = null;
    update();
  });
  update();
  legend(c, [['best 10%', '#ff7f0e'], ['selected', '#1f77b4'], ['filtered out', '#d5d9e0']]);
  c.appendChild(count);
  c.dataset.drawn = lines.length;
}

function drawImportance() {
  var c = $('importance'), rows = D.importance.slice();
  if (!rows.length) { note(c, D.importance_note || 'No importance analysis is available.'); c.dataset.drawn = 0; return; }
  function num(v) { return isNum(v) ? v : 0; }
  rows.sort(function (a, b) { return num(b.imp) - num(a.imp); });
  var rowH = 26, m = {t: 30, b: 10}, W = 1120, H = m.t + rows.length * rowH + m.b;
  var s = svgIn(c, W, H), L0 = 210, L1 = 540, R0 = 680, R1 = 960, n = 0;
  var hi = 0;
  rows.forEach(function (r) { hi = Math.max(hi, num(r.imp) + Math.abs(num(r.std))); });
  var xi = linScale([0, hi > 0 ? hi * 1.05 : 1], [L0, L1]), xr = linScale([-1, 1], [R0, R1]);
  txt(s, L0, 16, 'importance \u00b1 std', {'font-weight': 600});
  txt(s, (R0 + R1) / 2, 16, 'Spearman correlation with ' + short(METRIC, 30), {'font-weight': 600, 'text-anchor': 'middle'});
  txt(s, 990, 16, 'GP relevance', {'font-weight': 600});
  el('line', {x1: xr(0), x2: xr(0), y1: m.t - 4, y2: H - m.b, stroke: '#9aa3b2'}, s);
  rows.forEach(function (r, k) {
    var y = m.t + k * rowH, cy = y + rowH / 2;
    txt(s, L0 - 8, cy + 4, short(r.p, 30), {'text-anchor': 'end'});
    var v = num(r.imp), sd = Math.abs(num(r.std));
    el('rect', {x: L0, y: y + 5, width: f1(Math.max(0, xi(Math.max(v, 0)) - L0)), height: rowH - 10, fill: '#1f77b4'}, s);
    var e0 = xi(Math.max(0, v - sd)), e1 = xi(v + sd);
    el('path', {d: 'M' + f1(e0) + ',' + cy + 'H' + f1(e1) + 'M' + f1(e0) + ',' + (cy - 5) + 'v10M' + f1(e1) + ',' + (cy - 5) + 'v10',
                stroke: '#333', fill: 'none'}, s);
    txt(s, f1(e1 + 6), cy + 4, isNum(r.imp) ? fmt(r.imp) + ' \u00b1 ' + fmt(sd) : 'n/a');
    var rho = Math.max(-1, Math.min(1, num(r.rho)));
    el('rect', {x: f1(Math.min(xr(0), xr(rho))), y: y + 5, width: f1(Math.abs(xr(rho) - xr(0))), height: rowH - 10,
                fill: rho >= 0 ? '#2ca02c' : '#d62728'}, s);
    txt(s, rho >= 0 ? xr(0) - 4 : xr(0) + 4, cy + 4, isNum(r.rho) ? r.rho.toFixed(2) : 'n/a',
        {'text-anchor': rho >= 0 ? 'end' : 'start'});
    txt(s, 990, cy + 4, isNum(r.gp) ? fmt(r.gp) : '\u2013');
    n += 2;
  });
  c.dataset.drawn = n;
}

function hash01(k) { var h = Math.sin(k * 12.9898) * 43758.5453; return h - Math.floor(h); }

function drawScatters() {
  var host = $('scatter'), charts = 0;
  if (!P.length) { note(host, 'The search space has no parameters.'); host.dataset.drawn = 0; return; }
  if (!OK.length) { note(host, 'No run has a finite metric value yet.'); }
  P.forEach(function (p, j) {
    var c = html('div', null, host), W = 360, H = 270, m = {l: 62, r: 12, t: 24, b: 46};
    c.id = 'scatter-' + j; c.dataset.param = p.name; c.className = 'chart';
    var s = svgIn(c, W, H);
    txt(s, W / 2, 15, short(p.name, 44) + (p.log ? ' (log scale)' : ''), {'text-anchor': 'middle', 'font-weight': 600});
    var x = paramScale(j, [m.l, W - m.r]), y = metricScale([H - m.b, m.t]);
    yAxis(s, y, m.l, H - m.b, m.t, W - m.r, '');
    xAxis(s, x, H - m.b, m.l, W - m.r, '');
    var a = '', b = '', n = 0;
    OK.forEach(function (r, k) {
      var v = r[8][j];
      if (!valueOk(j, v)) return;
      var px = x(v) + (x.cat ? (hash01(k) - 0.5) * x.band * 0.5 : 0);
      var d = dot(px, y(r[3]), 2);
      if (TOP.has(r)) b += d; else a += d;
      n++;
    });
    el('path', {d: a, fill: '#1f77b4', 'fill-opacity': 0.45}, s);
    el('path', {d: b, fill: '#ff7f0e', 'fill-opacity': 0.85}, s);
    c.dataset.drawn = n;
    charts++;
  });
  host.dataset.drawn = charts;
}

function drawCurves() {
  var c = $('curves'), C = D.curves.filter(function (k) { return k.s.length > 0; });
  if (!C.length) { note(c, 'No metric curves were recorded for the best or stopped runs.'); c.dataset.drawn = 0; return; }
  var W = 1120, H = 360, m = {l: 64, r: 20, t: 12, b: 44}, steps = [], vals = [];
  C.forEach(function (k) { steps = steps.concat(k.s); vals = vals.concat(k.v); });
  var x = linScale(extent(steps, false), [m.l, W - m.r]), y = linScale(extent(vals, false), [H - m.b, m.t]);
  var s = svgIn(c, W, H), items = [], top = 0;
  yAxis(s, y, m.l, H - m.b, m.t, W - m.r, METRIC);
  xAxis(s, x, H - m.b, m.l, W - m.r, 'step');
  C.forEach(function (k) {
    var d = '';
    for (var i = 0; i < k.s.length; i++) d += (i ? 'L' : 'M') + f1(x(k.s[i])) + ',' + f1(y(k.v[i]));
    var color = k.stopped ? '#a0a7b4' : PALETTE[top++ % PALETTE.length];
    var p = el('path', {d: d, fill: 'none', stroke: color, 'stroke-width': k.stopped ? 1.2 : 1.8}, s);
    if (k.stopped) {
      p.setAttribute('stroke-dasharray', '5,4');
      var last = k.s.length - 1;
      el('path', {d: cross(x(k.s[last]), y(k.v[last]), 3), stroke: '#d62728', fill: 'none'}, s);
    } else {
      items.push(['#' + k.n, color]);
    }
    el('title', null, p).textContent = 'run #' + k.n + ' ' + k.id + (k.stopped ? ' (stopped)' : '');
  });
  if (C.some(function (k) { return k.stopped; })) items.push(['stopped early (dashed, \u00d7 = cut)', '#a0a7b4']);
  legend(c, items);
  c.dataset.drawn = C.length;
}

function iso(t) { return isNum(t) && t > 0 ? new Date(t * 1000).toISOString().replace('T', ' ').slice(0, 19) : ''; }

function drawRuns() {
  var c = $('runs');
  if (!RUNS.length) { note(c, 'No runs yet.'); c.dataset.drawn = 0; return; }
  function objKey(v) { return isNum(v) ? (MAX ? -v : v) : Infinity; }
  var cols = [
    {h: '#', v: function (r) { return r[0]; }, k: function (r) { return r[0]; }},
    {h: 'id', v: function (r) { return r[1]; }},
    {h: 'state', v: function (r) { return r[2]; }},
    {h: METRIC + (MAX ? ' \u2193best' : ' \u2191best'), v: function (r) { return r[3] === null ? '' : String(r[3]); },
     k: function (r) { return objKey(r[3]); }},
    {h: 'created (UTC)', v: function (r) { return iso(r[4]); }, k: function (r) { return r[4]; }},
    {h: 'duration s', v: function (r) { return r[5] === null ? '' : String(r[5]); }, k: function (r) { return r[5] === null ? Infinity : r[5]; }},
    {h: 'exit', v: function (r) { return r[6] === null ? '' : String(r[6]); }, k: function (r) { return r[6] === null ? Infinity : r[6]; }}
  ];
  P.forEach(function (p, j) {
    cols.push({h: p.name,
      v: function (r) { var v = r[8][j]; return v === null ? '' : p.cat ? p.cats[v] : String(v); },
      k: p.cat ? undefined : function (r) { return r[8][j] === null ? Infinity : r[8][j]; }});
  });
  cols.push({h: 'failure reason', v: function (r) { return r[7]; }});
  var order = RUNS.slice(), sortCol = 0, dir = 1, limit = TABLE_FIRST_ROWS;
  var wrap = html('div', null, c), table = html('table', null, wrap), thead = html('thead', null, table);
  wrap.className = 'tablewrap'; table.className = 'runs';
  var tbody = html('tbody', null, table), hr = html('tr', null, thead);
  var more = html('button', '', c);
  cols.forEach(function (col, i) {
    var th = html('th', col.h, hr);
    th.title = 'sort by ' + col.h;
    th.addEventListener('click', function () { dir = sortCol === i ? -dir : 1; sortCol = i; render(); });
  });
  more.addEventListener('click', function () { limit = Infinity; render(); });
  function render() {
    var col = cols[sortCol], key = col.k || col.v;
    var keyed = order.map(function (r) { return [key(r), r]; });
    keyed.sort(function (a, b) {
      var x = a[0], y = b[0];
      if (typeof x === 'number' && typeof y === 'number') return (x === y ? 0 : x < y ? -1 : 1) * dir;
      return String(x).localeCompare(String(y)) * dir;
    });
    order = keyed.map(function (k) { return k[1]; });
    var body = document.createElement('tbody'), n = Math.min(limit, order.length);
    for (var i = 0; i < n; i++) {
      var r = order[i], tr = html('tr', null, body);
      tr.className = r[2];
      for (var j = 0; j < cols.length; j++) {
        var td = html('td', cols[j].v(r), tr);
        if (j === cols.length - 1 && r[7]) td.title = r[7];
      }
    }
    table.replaceChild(body, tbody); tbody = body;
    more.style.display = n < order.length ? '' : 'none';
    more.textContent = 'Show all ' + order.length + ' runs (' + n + ' shown)';
    c.dataset.drawn = n;
  }
  render();
}

function drawFailures() {
  var c = $('failures'), groups = new Map();
  RUNS.forEach(function (r) {
    if (!FAILED[r[2]]) return;
    var reason = r[7] || '(no reason recorded)';
    if (!groups.has(reason)) groups.set(reason, []);
    groups.get(reason).push(r);
  });
  if (!groups.size) { note(c, 'No failed, crashed or killed runs.'); c.dataset.drawn = 0; return; }
  var list = Array.from(groups.entries()).sort(function (a, b) { return b[1].length - a[1].length; });
  var wrap = html('div', null, c), table = html('table', null, wrap), hr = html('tr', null, html('thead', null, table));
  wrap.className = 'tablewrap'; table.className = 'runs';
  ['count', 'states', 'reason', 'runs'].forEach(function (h) { html('th', h, hr); });
  var tb = html('tbody', null, table);
  var SHOWN_RUN_NUMBERS = 12;  // enough to find examples without a wall of numbers
  list.forEach(function (g) {
    var tr = html('tr', null, tb), runs = g[1];
    tr.className = 'failed';
    html('td', String(runs.length), tr);
    html('td', Array.from(new Set(runs.map(function (r) { return r[2]; }))).join(', '), tr);
    var td = html('td', g[0], tr); td.style.whiteSpace = 'pre-wrap'; td.title = g[0];
    html('td', runs.slice(0, SHOWN_RUN_NUMBERS).map(function (r) { return '#' + r[0]; }).join(' ') +
               (runs.length > SHOWN_RUN_NUMBERS ? ' \u2026' : ''), tr);
  });
  c.dataset.drawn = list.length;
}

function safely(name, f) {
  try { f(); } catch (e) {
    var b = document.body;
    b.dataset.errors = (b.dataset.errors ? b.dataset.errors + ' | ' : '') + name + ': ' + (e && e.message || e);
  }
}
safely('history', drawHistory);
safely('parallel', drawParallel);
safely('importance', drawImportance);
safely('scatter', drawScatters);
safely('curves', drawCurves);
safely('runs', drawRuns);
safely('failures', drawFailures);
document.body.dataset.status = 'done';
})();
)JS";

}  // namespace sweep::report
