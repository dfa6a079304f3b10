// The front-end's rules, without a browser: node --test dashboard/web/test/
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatNumber } from '../src/format.js';
import { bestFraction, bestSoFar, contourGrid, drawAsPoints, empiricalDistribution, mergeRuns, projectsOf, resultOf, rowsFromColumns, varyingParams } from '../src/model.js';

const run = (n, state, obj, params = {}) => ({ id: `r${n}`, n, state, obj, params, m: {} });

test('failed, crashed and killed runs never count, even with a better value logged', () => {
  const runs = [run(1, 'finished', 0.5), run(2, 'failed', 0.01), run(3, 'crashed', 0.001), run(4, 'killed', 0.0001), run(5, 'finished', 0.4)];
  assert.deepEqual(bestSoFar(runs, 'minimize').map((p) => p.best), [0.5, 0.5, 0.5, 0.5, 0.4]);
  assert.equal(resultOf(runs[1]), null);
  assert.deepEqual([...bestFraction(runs, 'minimize', 0.1)], ['r5']);
});

test('stopped and running runs are not results; NaN is not a result', () => {
  const runs = [run(1, 'stopped', 0.1), run(2, 'running', 0.2), run(3, 'finished', 'NaN'), run(4, 'finished', 3)];
  assert.deepEqual(bestSoFar(runs, 'maximize').map((p) => p.best), [null, null, null, 3]);
});

test('constant parameters get no axis', () => {
  const params = [{ name: 'lr', dist: 'uniform' }, { name: 'seed', dist: 'constant', constant: true }, { name: 'bs', dist: 'categorical', values: [32] }];
  const runs = [run(1, 'finished', 1, { lr: 0.1, seed: 1, bs: 32 }), run(2, 'finished', 2, { lr: 0.2, seed: 1, bs: 32 })];
  assert.deepEqual(varyingParams(params, runs).map((p) => p.name), ['lr']);
});

test('a metric logged once per run draws as points', () => {
  assert.equal(drawAsPoints([1, 1, 1]), true);
  assert.equal(drawAsPoints([1, 40]), false);
});

test('live changes replace runs by id and keep number order', () => {
  const merged = mergeRuns([run(1, 'running', null), run(3, 'queued', null)], [run(1, 'finished', 2), run(2, 'running', null)]);
  assert.deepEqual(merged.map((r) => [r.n, r.state]), [[1, 'finished'], [2, 'running'], [3, 'queued']]);
});

test('numbers have sensible precision', () => {
  assert.equal(formatNumber(0.1 + 0.2), '0.3');
  assert.equal(formatNumber(123.456789), '123.5');
  assert.equal(formatNumber(0.000012345), '1.234e-5');
  assert.equal(formatNumber(42), '42');
  assert.equal(formatNumber('NaN'), 'NaN');
});

test('columns become rows; a null parameter or metric cell means the run has none', () => {
  const cols = { count: 2, id: ['a', 'b'], n: [1, 2], state: ['finished', 'running'], obj: [0.5, null], created: [1, 2],
    started: [1, null], ended: [3, null], exit: [0, null], signal: [null, null], reason: ['', ''], host: ['h', 'h'],
    name: ['', 'x'], labels: [[], ['t']], params: { lr: [0.1, null], opt: ['adam', 'sgd'] }, m: { loss: [0.5, null] } };
  const rows = rowsFromColumns(cols);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0].params, { lr: 0.1, opt: 'adam' });
  assert.deepEqual(rows[1].params, { opt: 'sgd' });
  assert.deepEqual(rows[1].m, {});
  assert.deepEqual(rows[1].labels, ['t']);
  assert.equal(rows[1].state, 'running');
  assert.equal(rowsFromColumns(rows), rows); // rows (a change event's) pass through
});

test('projects group the sweeps; a manual sweep holds standalone runs, not a sweep', () => {
  const sweeps = [
    { project: 'vision', method: 'bayes', runs: 10, updated: 100 },
    { project: 'vision', method: 'manual', runs: 3, updated: 300 },
    { project: 'nlp', method: 'grid', runs: 4, updated: 200 },
  ];
  assert.deepEqual(projectsOf(sweeps), [
    { name: 'vision', sweeps: 1, runs: 13, standalone: 3, updated: 300 },
    { name: 'nlp', sweeps: 1, runs: 4, standalone: 0, updated: 200 },
  ]);
});

test('the EDF of the objective counts finished runs only', () => {
  const runs = [run(1, 'finished', 3), run(2, 'failed', 0), run(3, 'finished', 1), run(4, 'finished', 2)];
  const edf = empiricalDistribution(runs);
  assert.deepEqual(edf.x, [1, 2, 3]);
  assert.deepEqual(edf.y, [1 / 3, 2 / 3, 1]);
});

test('the contour grid averages results per cell, log-spaced for a log parameter, one bin per category', () => {
  const lr = { name: 'lr', log: true };
  const opt = { name: 'opt', values: ['adam', 'sgd'] };
  const runs = [
    run(1, 'finished', 1, { lr: 0.001, opt: 'adam' }), run(2, 'finished', 3, { lr: 0.002, opt: 'adam' }),
    run(3, 'finished', 5, { lr: 0.1, opt: 'sgd' }), run(4, 'failed', 100, { lr: 0.1, opt: 'adam' }),
  ];
  const grid = contourGrid(runs, lr, opt, 2, (p) => p.values || null);
  assert.deepEqual(grid.yLabels, ['adam', 'sgd']);
  assert.equal(grid.xLabels.length, 2);
  assert.ok(Math.abs(grid.xLabels[0] - 10 ** -2.5) < 1e-12); // middle of the lower log bin
  assert.deepEqual(grid.cells.sort(), [[0, 0, 2], [1, 1, 5]]);
  assert.equal(grid.runs, 3);
});

test('a numeric parameter with few values gets a contour bin per value', () => {
  const x = { name: 'x' };
  const y = { name: 'y' };
  const runs = [run(1, 'finished', 1, { x: 1, y: 10 }), run(2, 'finished', 2, { x: 3, y: 10 }), run(3, 'finished', 3, { x: 2, y: 20 })];
  const grid = contourGrid(runs, x, y, 20, () => null);
  assert.deepEqual(grid.xLabels, [1, 2, 3]);
  assert.deepEqual(grid.yLabels, [10, 20]);
  assert.deepEqual(grid.cells.sort(), [[0, 0, 1], [1, 1, 3], [2, 0, 2]]);
});

test('previews: images under the cap and text files by extension; anything else is downloaded', async () => {
  const { MAX_IMAGE_PREVIEW_BYTES, previewKind } = await import('../src/file_preview.js');
  assert.equal(previewKind('plots/loss.PNG', 10), 'image');
  assert.equal(previewKind('a.webp', MAX_IMAGE_PREVIEW_BYTES + 1), null);
  assert.equal(previewKind('stdout.log', 1e9), 'text');
  assert.equal(previewKind('config.yaml', 5), 'text');
  assert.equal(previewKind('page.html', 5), null);
  assert.equal(previewKind('model.pt', 5), null);
  assert.equal(previewKind('Makefile', 5), null);
});

test('byte sizes read as B, KiB, MiB', async () => {
  const { formatBytes } = await import('../src/format.js');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(3 * 1024 * 1024), '3.0 MiB');
});
