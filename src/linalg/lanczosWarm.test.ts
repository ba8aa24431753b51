import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from './rng.ts';
import { haarOrthogonal } from './random.ts';
import { createLanczosWorkspace, lanczosWarm } from './lanczosWarm.ts';

/** The operator v ↦ Q·diag(lambda)·Qᵀv with a Haar Q, so its spectrum is known exactly. */
function operator(lambda: readonly number[], rng: Rng) {
  const n = lambda.length, q = haarOrthogonal(n, rng).data, t = new Float64Array(n);
  const apply = (v: Float64Array, out: Float64Array): void => {
    for (let k = 0; k < n; k++) { let s = 0; for (let i = 0; i < n; i++) s += q[i * n + k] * v[i]; t[k] = lambda[k] * s; }
    for (let i = 0; i < n; i++) { let s = 0; for (let k = 0; k < n; k++) s += q[i * n + k] * t[k]; out[i] = s; }
  };
  const column = (k: number): Float64Array => Float64Array.from({ length: n }, (_, i) => q[i * n + k]);
  return { apply, column };
}

test('lanczosWarm finds both ends of a known spectrum (distinct, repeated top, clustered bottom) from a random start', () => {
  const rng = new Rng(4);
  const spectra: number[][] = [
    Array.from({ length: 80 }, (_, i) => Math.sin(i + 1) * 5),
    [...Array.from({ length: 60 }, (_, i) => i / 10), 9, 9, 9],
    [-2, -2 + 1e-9, -2 + 2e-9, ...Array.from({ length: 50 }, (_, i) => 1 + i / 25)],
  ];
  for (const lambda of spectra) {
    const op = operator(lambda, rng), ws = createLanczosWorkspace(lambda.length);
    const start = rng.fillNormal(new Float64Array(lambda.length));
    const used = lanczosWarm(op.apply, ws, start, { wantMin: true });
    const max = Math.max(...lambda), min = Math.min(...lambda), scale = Math.max(Math.abs(max), Math.abs(min));
    assert.equal(ws.out[5], 1, 'converged');
    assert.equal(ws.out[4], used);
    assert.ok(Math.abs(ws.out[0] - max) <= 1e-10 * scale, `max ${ws.out[0]} vs ${max}`);
    assert.ok(Math.abs(ws.out[1] - min) <= 1e-10 * scale, `min ${ws.out[1]} vs ${min}`);
    // The Ritz vector's residual is what ws.out reports, to rounding.
    const hv = new Float64Array(lambda.length);
    op.apply(ws.vMax, hv);
    let r = 0;
    for (let i = 0; i < hv.length; i++) r += (hv[i] - ws.out[0] * ws.vMax[i]) ** 2;
    assert.ok(Math.sqrt(r) <= ws.out[2] + 1e-12 * scale, `residual ${Math.sqrt(r)} vs reported ${ws.out[2]}`);
  }
});

test('lanczosWarm from a slightly perturbed top eigenvector converges in a few products; an exact one is an invariant subspace', () => {
  const rng = new Rng(6), n = 100;
  const lambda = Array.from({ length: n }, (_, i) => 1 + i / n);
  const op = operator(lambda, rng), ws = createLanczosWorkspace(n);
  const cold = lanczosWarm(op.apply, ws, rng.fillNormal(new Float64Array(n)));
  const v = op.column(n - 1);
  const near = v.map((x) => x + 1e-6 * rng.normal());
  const warm = lanczosWarm(op.apply, ws, near);
  assert.ok(Math.abs(ws.out[0] - lambda[n - 1]) <= 1e-10 * lambda[n - 1]);
  assert.ok(warm < cold, `warm ${warm} vs cold ${cold} products`);
  assert.equal(lanczosWarm(op.apply, ws, v), 1);
  assert.ok(Math.abs(ws.out[0] - lambda[n - 1]) <= 1e-14 * n);
  assert.throws(() => lanczosWarm(op.apply, ws, new Float64Array(n)), /non-zero/);
  assert.throws(() => lanczosWarm(op.apply, ws, new Float64Array(3)), /length 3/);
});

test('lanczosWarm on an operator smaller than the Krylov cap stops at breakdown with the exact spectrum', () => {
  const rng = new Rng(9), lambda = [3, -1, 0.5, 2];
  const op = operator(lambda, rng), ws = createLanczosWorkspace(4);
  assert.equal(lanczosWarm(op.apply, ws, rng.fillNormal(new Float64Array(4)), { wantMin: true }), 4);
  assert.ok(Math.abs(ws.out[0] - 3) <= 1e-14 && Math.abs(ws.out[1] + 1) <= 1e-14);
});
