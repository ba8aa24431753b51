import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Mat, eye, fromRows, zeros } from '../linalg/mat.ts';
import { Rng } from '../linalg/rng.ts';
import { eigvalsh } from '../linalg/eigh.ts';
import { statsFromData } from '../model/stats.ts';
import { zeroWeights } from '../model/network.ts';
import { initGaussian } from '../model/init.ts';
import { hessian } from '../model/hessian.ts';
import { pgd, pgdConstants } from './pgd.ts';
import { LocalSmoothnessError, localSmoothness } from './localSmoothness.ts';

// THEORY §8.9: ℓ(P) = ½‖P − diag(1, 0.5)‖_F², X = I_2, all widths 2.
const stats = statsFromData({ x: eye(2), y: fromRows([[1, 0], [0, 0.5]]) });
const demo = (N: number) => ({ beta: 4 * N, rho: 6 * N, epsilon: 1e-3, c: 0.5, delta: 0.1, deltaF: 1 });

test('pgdConstants computes χ, η, r, g_thres, f_thres, t_thres as in Jin et al. Algorithm 2', () => {
  const k = pgdConstants(8, demo(2));
  const chi = 3 * Math.max(Math.log((8 * 8 * 1) / (0.5 * 1e-6 * 0.1)), 4);
  assert.equal(k.chi, chi);
  assert.equal(k.eta, 0.5 / 8);
  assert.equal(k.r, (Math.sqrt(0.5) / chi ** 2) * (1e-3 / 8));
  assert.equal(k.gThres, (Math.sqrt(0.5) / chi ** 2) * 1e-3);
  assert.equal(k.fThres, (0.5 / chi ** 3) * Math.sqrt(1e-9 / 12));
  assert.equal(k.tThres, Math.ceil((chi / 0.25) * 8 / Math.sqrt(12e-3)));
  assert.equal(k.epsilonInRange, true);
  assert.equal(pgdConstants(8, { ...demo(2), deltaF: 0 }).chi, 12, 'χ ≥ 12');
});

test('PGD escapes the strict saddle at the origin at depth 2 and reaches the global minimum (§8.9)', (t) => {
  const r = pgd(stats, zeroWeights([2, 2, 2]), { ...demo(2), rng: new Rng(1) });
  assert.equal(r.status, 'returned');
  assert.ok(r.loss < 1e-20, `final loss ${r.loss}`);
  assert.ok(r.gradNorm <= r.constants.gThres);
  assert.ok(r.perturbations >= 2, 'one perturbation at the origin, one at the minimum');
  t.diagnostic(`loss ${r.loss.toExponential(2)} after ${r.iterations} iterations, ${r.perturbations} perturbations, t_thres ${r.constants.tThres}`);
});

test('PGD returns the origin at depth 3: a non-strict saddle is ε-second-order stationary (§8.9)', () => {
  const r = pgd(stats, zeroWeights([2, 2, 2, 2]), { ...demo(3), rng: new Rng(2) });
  assert.equal(r.status, 'returned');
  assert.equal(r.perturbations, 1);
  assert.equal(r.iterations, r.constants.tThres);
  for (const w of r.weights) assert.ok(w.data.every((v) => v === 0));
  assert.equal(r.loss, 0.5 * (1 + 0.25));
});

test('a fixed seed gives identical bits; the weights passed in are left unchanged', () => {
  const rng = new Rng(3);
  const w0 = initGaussian([2, 3, 2], rng, 0.01);
  const copy = w0.map((m) => m.data.slice());
  const a = pgd(stats, w0, { ...demo(2), rng: new Rng(4), maxIterations: 3000 });
  const b = pgd(stats, w0, { ...demo(2), rng: new Rng(4), maxIterations: 3000 });
  assert.equal(a.status, 'max-iterations');
  assert.equal(a.iterations, 3000);
  a.weights.forEach((w, j) => assert.deepEqual(w.data, b.weights[j].data));
  w0.forEach((w, j) => assert.deepEqual(w.data, copy[j]));
});

test('shouldStop stops PGD as interrupted at the iterate reached (the bits of a run capped there); onProgress sees every iteration', () => {
  const w0 = initGaussian([2, 3, 2], new Rng(3), 0.01);
  const seen: number[] = [];
  let losses = 0;
  const cut = pgd(stats, w0, {
    ...demo(2), rng: new Rng(4), maxIterations: 3000,
    onProgress(t, loss) { seen.push(t); if (Number.isFinite(loss)) losses++; },
    shouldStop: () => seen.length === 1234,
  });
  assert.deepEqual([cut.status, cut.iterations], ['interrupted', 1234]);
  assert.deepEqual(seen, Array.from({ length: 1234 }, (_, t) => t));
  assert.equal(losses, 1234);
  const capped = pgd(stats, w0, { ...demo(2), rng: new Rng(4), maxIterations: 1234 });
  assert.equal(capped.status, 'max-iterations');
  cut.weights.forEach((w, j) => assert.deepStrictEqual(w.data, capped.weights[j].data));
  assert.deepStrictEqual([cut.loss, cut.gradNorm, cut.perturbations], [capped.loss, capped.gradNorm, capped.perturbations]);
});

test('PGD with the default local β and ρ also escapes at depth 2', () => {
  const r = pgd(stats, zeroWeights([2, 2, 2]), { rng: new Rng(5) });
  assert.equal(r.status, 'returned');
  assert.ok(r.loss < 1e-20);
  assert.ok(r.constants.beta > 0 && r.constants.rho > 0);
});

function flat(weights: readonly Mat[]): Float64Array {
  const out = new Float64Array(weights.reduce((s, w) => s + w.data.length, 0));
  let o = 0;
  for (const w of weights) { out.set(w.data, o); o += w.data.length; }
  return out;
}

/** A random point of the region {‖W_j‖² ≤ K}: Gaussian layers rescaled to a random spectral norm ≤ √K. */
function pointInRegion(dims: number[], K: number, rng: Rng): Mat[] {
  return initGaussian(dims, rng, 1).map((w) => {
    const s = Math.sqrt(Math.max(...eigvalsh(gram(w))));
    const f = (Math.sqrt(K) * rng.uniform()) / s;
    return { rows: w.rows, cols: w.cols, data: w.data.map((v) => v * f) };
  });
}

function gram(w: Mat): Mat {
  const g = zeros(w.cols, w.cols);
  for (let i = 0; i < w.cols; i++) for (let j = 0; j < w.cols; j++) for (let k = 0; k < w.rows; k++) g.data[i * w.cols + j] += w.data[k * w.cols + i] * w.data[k * w.cols + j];
  return g;
}

test('localSmoothness: β bounds ‖∇²L‖ and ρ bounds the Hessian\'s Lipschitz quotient on the region {‖W_j‖² ≤ K}', () => {
  const rng = new Rng(6);
  const x = zeros(3, 8), y = zeros(2, 8);
  rng.fillNormal(x.data); rng.fillNormal(y.data);
  const s = statsFromData({ x, y });
  for (const dims of [[3, 2], [3, 3, 2], [3, 2, 3, 2], [3, 2, 2, 2, 2]]) {
    const K = 0.8;
    const { beta, rho } = localSmoothness(s, initGaussian(dims, rng, 0.1), K);
    for (let trial = 0; trial < 20; trial++) {
      const w1 = pointInRegion(dims, K, rng), w2 = pointInRegion(dims, K, rng);
      const h1 = hessian(w1, s), h2 = hessian(w2, s);
      const ev = eigvalsh(h1);
      assert.ok(Math.max(-ev[0], ev[ev.length - 1]) <= beta, `dims ${dims}: ‖∇²L‖ > β = ${beta}`);
      const diff = zeros(h1.rows, h1.cols);
      for (let i = 0; i < diff.data.length; i++) diff.data[i] = h1.data[i] - h2.data[i];
      const dv = eigvalsh(diff), a = flat(w1), b = flat(w2);
      const dist = Math.hypot(...a.map((v, i) => v - b[i]));
      assert.ok(Math.max(-dv[0], dv[dv.length - 1]) <= rho * dist, `dims ${dims}: Hessian quotient above ρ = ${rho}`);
    }
  }
});

test('localSmoothness throws a LocalSmoothnessError, with its reason apart, when the default bounds vanish', () => {
  const zero = statsFromData({ x: zeros(2, 3), y: zeros(2, 3) });
  assert.throws(() => localSmoothness(zero, zeroWeights([2, 2, 2])), (e: unknown) => e instanceof LocalSmoothnessError && e instanceof RangeError
    && e.reason === 'the bounds vanish (β = 0, ρ = 0; K = 0); pass β and ρ explicitly' && e.message === `localSmoothness: ${e.reason}`);
  assert.throws(() => localSmoothness(zero, zeroWeights([2, 2, 2]), Number.NaN), (e: unknown) => e instanceof LocalSmoothnessError && /K must be a finite number/.test(e.reason));
});

test('an interrupted PGD run resumed in slices has the bits of one uninterrupted run, across its perturbations and its return', () => {
  const w0 = zeroWeights([2, 2, 2]);
  const whole: [number, number][] = [];
  const full = pgd(stats, w0, { ...demo(2), rng: new Rng(6), onProgress: (t, l) => { whole.push([t, l]); } });
  assert.equal(full.status, 'returned');
  assert.ok(full.perturbations >= 2);
  // Slices of 997 iterations each (the same generator object throughout), and a budget cut exactly at a perturbation.
  const rng = new Rng(6), sliced: [number, number][] = [];
  let r = pgd(stats, w0, { ...demo(2), rng, onProgress: (t, l) => { sliced.push([t, l]); }, shouldStop: () => sliced.length % 997 === 0 });
  let slices = 1;
  while (r.status === 'interrupted') {
    const start = sliced.length;
    r = pgd(stats, w0, { ...demo(2), rng, resume: r.resume, onProgress: (t, l) => { sliced.push([t, l]); }, shouldStop: () => sliced.length - start === 997 });
    slices++;
  }
  assert.ok(slices > 3, `${slices} slices`);
  assert.deepStrictEqual(sliced, whole);
  assert.deepStrictEqual([r.status, r.iterations, r.perturbations, r.loss, r.gradNorm], [full.status, full.iterations, full.perturbations, full.loss, full.gradNorm]);
  r.weights.forEach((w, j) => assert.deepStrictEqual(w.data, full.weights[j].data));
  // The first perturbation happens at the origin, at t = 0: a budget of 0 returns the unperturbed origin.
  const none = pgd(stats, w0, { ...demo(2), rng: new Rng(6), maxIterations: 0 });
  assert.deepStrictEqual([none.status, none.perturbations, none.loss], ['max-iterations', 0, 0.5 * 1.25]);
});
