import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../linalg/rng.ts';
import { type Mat, zeros } from '../linalg/mat.ts';
import { statsFromData } from '../model/stats.ts';
import { hessian } from '../model/hessian.ts';
import { eigvalsh } from '../linalg/eigh.ts';
import { StoppedError } from '../errors.ts';
import { classify } from './classify.ts';
import { hessianVerdict } from './hessianVerdict.ts';
import { buildCriticalPoint } from './criticalPoint.ts';
import { gaussian } from '../../test/helpers/randomInstance.ts';

/**
 * THEORY §9's counter-example: d_x > d_y, W_N = … = W_2 = 0 and W_1 with rows in the null space of
 * Σ_YX. Every pivot is tightened (W_1Σ_XY = 0) and every term of the Hessian vanishes in exact
 * arithmetic; in floating point Σ_YX W_1ᵀ is ~ε, so H has eigenvalues of pure rounding, of both signs.
 */
function sigmaXYBlindPoint(seed: number, dims: readonly number[]): { weights: Mat[]; stats: ReturnType<typeof statsFromData> } {
  const rng = new Rng(seed);
  const dx = dims[0], dy = dims[dims.length - 1], m = 3 * dx;
  const x = gaussian(dx, m, rng), y = gaussian(dy, m, rng);
  // the last row of X orthogonal to every row of Y, so Σ_YX e_{d_x} = Y·X[d_x−1,:]ᵀ = 0 up to rounding:
  // an orthonormal basis of the rows of Y (Gram–Schmidt), then the projection removed twice
  const basis: Float64Array[] = [];
  for (let i = 0; i < dy; i++) {
    const v = y.data.slice(i * m, (i + 1) * m);
    for (const b of basis) { let d = 0; for (let s = 0; s < m; s++) d += b[s] * v[s]; for (let s = 0; s < m; s++) v[s] -= d * b[s]; }
    let n = 0; for (let s = 0; s < m; s++) n += v[s] * v[s];
    basis.push(v.map((t) => t / Math.sqrt(n)));
  }
  const last = x.data.subarray((dx - 1) * m, dx * m);
  for (let pass = 0; pass < 2; pass++) {
    for (const b of basis) { let d = 0; for (let s = 0; s < m; s++) d += b[s] * last[s]; for (let s = 0; s < m; s++) last[s] -= d * b[s]; }
  }
  const weights = dims.slice(1).map((d, j) => zeros(d, dims[j]));
  for (let a = 0; a < dims[1]; a++) weights[0].data[a * dx + dx - 1] = 1 + rng.normal();
  return { weights, stats: statsFromData({ x, y }) };
}

test('a Hessian that vanishes in exact arithmetic is no strict saddle: THEORY §9\'s Σ_XY-blind point is non-strict by both verdicts', () => {
  let roundoff = 0;
  for (const [seed, dims] of [[1, [5, 3, 3, 2]], [2, [6, 4, 3, 3]], [3, [4, 2, 2, 2, 2]], [4, [5, 3, 4, 2]]] as const) {
    const { weights, stats } = sigmaXYBlindPoint(seed, dims);
    const h = hessian(weights, stats);
    let maxH = 0;
    for (const v of h.data) maxH = Math.max(maxH, Math.abs(v));
    roundoff = Math.max(roundoff, maxH);
    const res = classify(weights, stats, { eigenvalues: 'all' });
    const label = `dims [${dims}]: ${res.hessian.reason}; max|H_ij| = ${maxH}`;
    assert.equal(res.theorem7.type, 'non-strict-saddle', label);
    assert.equal(res.hessian.verdict, 'non-strict-saddle', label);
    assert.ok(res.agree, label);
    assert.equal(res.hessian.negativeCount, 0, label);
    assert.equal(res.hessian.zeroCount, res.hessian.p, label);
  }
  // the point of the test: H is not exactly 0 but rounding (max|λ| alone would call its sign)
  assert.ok(roundoff > 0 && roundoff < 1e-12, `max|H_ij| = ${roundoff}`);
});

test('the rounding floor leaves genuine strict saddles and ordinary tolerances alone', () => {
  // same data, W_1 no longer blind to Σ_XY: a strict saddle (pivot (3,2) not tightened)
  const { weights, stats } = sigmaXYBlindPoint(5, [5, 3, 3, 2]);
  const rng = new Rng(9);
  weights[0] = gaussian(3, 5, rng);
  const res = classify(weights, stats, { eigenvalues: 'all' });
  assert.equal(res.theorem7.type, 'strict-saddle');
  assert.equal(res.hessian.verdict, 'strict-saddle');
  assert.equal(res.hessian.tolerance, 1e-9 * Math.max(-res.hessian.lambdaMin, res.hessian.lambdaMax));
});

test('badly gauged critical points keep the relative threshold (the rounding level stays far below it)', () => {
  const rng = new Rng(17);
  for (const dims of [[4, 4, 2, 4, 4], [6, 5, 3, 4, 3], [7, 2, 2, 2, 4]]) {
    const n = dims.length - 1;
    const x = gaussian(dims[0], 3 * dims[0], rng), y = gaussian(dims[n], 3 * dims[0], rng);
    const stats = statsFromData({ x, y });
    for (const [s, kind] of [[[1], 'strict'], [[1], 'non-strict'], [[2], 'strict']] as const) {
      const cp = buildCriticalPoint(stats, dims, [...s], { kind, gauge: 'random', gaugeCond: 30, rng });
      const res = classify(cp.weights, stats, { eigenvalues: 'all' });
      const h = res.hessian;
      assert.equal(h.tolerance, 1e-9 * Math.max(-h.lambdaMin, h.lambdaMax), `dims [${dims}] S = {${s}} ${kind}`);
      assert.ok(res.agree, `dims [${dims}] S = {${s}} ${kind}: ${h.reason}`);
    }
  }
});

test('hessianVerdict reports its stages; shouldStop stops Lanczos with estimates and the dense path with a StoppedError', () => {
  const rng = new Rng(3), dims = [3, 4, 4, 2];
  const stats = statsFromData({ x: gaussian(3, 20, rng), y: gaussian(2, 20, rng) });
  const weights = dims.slice(1).map((d, j) => gaussian(d, dims[j], rng, 0.5));
  const p = 3 * 4 + 4 * 4 + 4 * 2;
  const stages: string[] = [];
  const dense = hessianVerdict(weights, stats, { eigenvalues: 'all', onProgress: (s, k, n) => { if (k === 0) stages.push(`${s}/${n}`); } });
  // eigvalsh above the Jacobi size reports the n − 1 steps of its reduction, else runs in one piece (total 0).
  assert.deepEqual(stages, [`dense-hessian/${p}`, 'eigenvalues/0']);
  assert.deepEqual(dense.eigenvalues, eigvalsh(hessian(weights, stats)));
  assert.throws(() => hessianVerdict(weights, stats, { shouldStop: () => true }),
    (e: unknown) => e instanceof StoppedError && e.stage === 'dense-hessian' && e.done > 0 && e.total === p);
  let k = 0;
  const lz = hessianVerdict(weights, stats, { denseLimit: 10, onProgress: (s) => { assert.equal(s, 'lanczos'); k++; }, shouldStop: () => k >= 3 });
  assert.equal(lz.method, 'lanczos');
  assert.deepEqual([lz.lanczos?.iterations, lz.lanczos?.stopped, lz.lanczos?.converged], [3, true, false]);
  assert.ok(lz.lambdaMin >= dense.lambdaMin - 1e-9 * dense.lambdaMax && lz.lambdaMax <= dense.lambdaMax * (1 + 1e-12), 'Ritz values inside the spectrum');
});
