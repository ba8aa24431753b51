import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deltaSearch } from './deltaSearch.ts';

test('deltaSearch(f, {lower}) finds the maximiser of a unimodal function of δ − lower to near machine precision', () => {
  // f(δ) = u·exp(−u/7) with u = δ − 2 is maximal at u = 7, i.e. δ = 9.
  const r = deltaSearch((d) => (d - 2) * Math.exp(-(d - 2) / 7), { lower: 2, scale: 1 });
  assert.ok(Math.abs(r.delta - 9) < 1e-6, `δ = ${r.delta}`);
  assert.ok(Math.abs(r.value - 7 * Math.exp(-1)) < 1e-12);
  assert.equal(r.atGridEdge, false);
  assert.ok(r.evaluations < 400);
});

test('deltaSearch handles maximisers many decades away from the scale hint', () => {
  for (const target of [1e-5, 1e5]) {
    const r = deltaSearch((u) => -Math.pow(Math.log(u / target), 2), { scale: 1 });
    assert.ok(Math.abs(r.delta / target - 1) < 1e-6, `target ${target}: δ = ${r.delta}`);
  }
});

test('deltaSearch reports atGridEdge when the objective keeps increasing past the grid', () => {
  const r = deltaSearch((u) => u / (1 + u), { scale: 1, decades: 3 });
  assert.equal(r.atGridEdge, true);
  assert.ok(r.delta >= 999);
});

test('deltaSearch treats non-finite objective values as −∞', () => {
  const r = deltaSearch((u) => (u < 1 ? Number.NaN : 1 / u), { scale: 1 });
  assert.ok(r.delta >= 1 && r.delta < 1.3, `δ = ${r.delta}`);
});

test('deltaSearch rejects a negative lower bound or a non-positive scale', () => {
  assert.throws(() => deltaSearch((u) => u, { lower: -1 }), /lower/);
  assert.throws(() => deltaSearch((u) => u, { scale: 0 }), /scale/);
});
