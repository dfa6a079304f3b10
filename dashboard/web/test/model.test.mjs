// The front-end's rules, without a browser: node --test dashboard/web/test/
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatNumber } from '../src/format.js';
import { bestFraction, bestSoFar, drawAsPoints, mergeRuns, resultOf, rowsFromColumns, varyingParams } from '../src/model.js';

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
