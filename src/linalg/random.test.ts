import { test } from 'node:test';
import assert from 'node:assert/strict';
import { haarOrthogonal, randomNormal } from './random.ts';
import { Rng } from './rng.ts';
import { EPS, orthogonalityError } from '../../test/helpers/linalgChecks.ts';

test('randomNormal(rows, cols, rng, std) has the shape, fixed-seed bits and std·N(0, 1) entries', () => {
  const a = randomNormal(3, 4, new Rng(9)), b = randomNormal(3, 4, new Rng(9)), c = randomNormal(3, 4, new Rng(9), 2.5);
  assert.deepEqual([a.rows, a.cols], [3, 4]);
  assert.deepEqual(a, b);
  assert.deepEqual(Array.from(c.data), Array.from(a.data, (x) => 2.5 * x));
});

test('randomNormal entries have sample mean 0 and variance std² within 5 standard errors', () => {
  const n = 40000, x = randomNormal(200, 200, new Rng(1), 3).data;
  const mean = x.reduce((s, v) => s + v, 0) / n, variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  assert.ok(Math.abs(mean) <= 5 * 3 / Math.sqrt(n), `mean ${mean}`);
  assert.ok(Math.abs(variance - 9) <= 5 * 9 * Math.sqrt(2 / n), `variance ${variance}`);
});

test('haarOrthogonal(n, rng) is orthogonal to within 4nε and reproducible from its seed', () => {
  for (const n of [1, 2, 7, 50]) {
    const q = haarOrthogonal(n, new Rng(n));
    assert.ok(orthogonalityError(q) <= 4 * n * EPS, `n = ${n}: ${orthogonalityError(q)}`);
    assert.deepEqual(q, haarOrthogonal(n, new Rng(n)));
  }
});

test('haarOrthogonal matches Haar moments: E[tr Q] = 0, E[Q_11²] = 1/n, P(det Q = 1) = 1/2', () => {
  // Without the sign fix Q·sign(diag R) the mean trace of these draws is about −0.5: the first check fails.
  const rng = new Rng(4), n = 3, draws = 3000;
  let trace = 0, q11sq = 0, positive = 0;
  for (let t = 0; t < draws; t++) {
    const q = haarOrthogonal(n, rng).data;
    trace += q[0] + q[4] + q[8];
    q11sq += q[0] * q[0];
    const det = q[0] * (q[4] * q[8] - q[5] * q[7]) - q[1] * (q[3] * q[8] - q[5] * q[6]) + q[2] * (q[3] * q[7] - q[4] * q[6]);
    if (det > 0) positive++;
  }
  // Var(tr Q) = 1 and Var(Q_11²) = 2(n−1)/(n²(n+2)) for Haar O(n); 5 standard errors each.
  assert.ok(Math.abs(trace / draws) <= 5 / Math.sqrt(draws), `mean trace ${trace / draws}`);
  assert.ok(Math.abs(q11sq / draws - 1 / n) <= 5 * Math.sqrt(2 * (n - 1) / (n * n * (n + 2)) / draws), `E[Q11²] ${q11sq / draws}`);
  assert.ok(Math.abs(positive / draws - 0.5) <= 5 * 0.5 / Math.sqrt(draws), `P(det = 1) ${positive / draws}`);
});

test('Rng.fillNormal gives the bits and the final state of as many normal() calls, from any spare state', () => {
  for (const [seed, n, pre] of [[1, 0, 0], [2, 1, 0], [3, 2, 1], [4, 7, 1], [5, 1000, 0], [6, 1001, 3]] as const) {
    const a = new Rng(seed), b = new Rng(seed);
    for (let k = 0; k < pre; k++) { a.normal(); b.normal(); }
    const got = a.fillNormal(new Float64Array(n), 0.3, -2);
    const want = Float64Array.from({ length: n }, () => -2 + 0.3 * b.normal());
    assert.deepEqual(Array.from(got), Array.from(want), `seed ${seed}, n ${n}`);
    assert.deepEqual(a.state(), b.state(), `state after seed ${seed}, n ${n}`);
    assert.equal(a.normal(), b.normal());
  }
});

test('Rng.fillNormal draws the stream it drew before it was unrolled (pinned hash of 1001 normals, seed 2024)', () => {
  const r = new Rng(2024), a = r.fillNormal(new Float64Array(1001), 0.1, 3);
  let h = 0n;
  for (const x of new BigUint64Array(a.buffer)) h = (h * 1000003n + x) & ((1n << 64n) - 1n);
  assert.equal(h.toString(16), 'ae17ebae673c1a0');
  assert.deepEqual(r.state(), [1722085967, 1289816517, 1755339413, -1347177940, 1, -1.378795172778599]);
});
