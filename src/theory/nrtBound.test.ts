import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Mat, zeros } from '../linalg/mat.ts';
import { Rng } from '../linalg/rng.ts';
import { spectralNorm } from '../linalg/norms.ts';
import { type Dataset, statsFromData } from '../model/stats.ts';
import { createGradWorkspace, lossAndGrad } from '../model/lossAndGrad.ts';
import { initBalanced, initGaussian } from '../model/init.ts';
import { gdStep } from '../optim/gd.ts';
import { balancedness } from '../model/invariants.ts';
import { boundData } from './boundData.ts';
import { type NrtBoundResult, nrtBound, closedFormEtaMax, nrtInputs, nrtStepBound } from './nrtBound.ts';
import { PremiseError } from '../errors.ts';

const EPS = Number.EPSILON;

function randomData(dx: number, dy: number, m: number, rng: Rng): Dataset {
  const x = zeros(dx, m), a = zeros(dy, dx), y = zeros(dy, m);
  rng.fillNormal(x.data); rng.fillNormal(a.data);
  for (let i = 0; i < dy; i++) for (let s = 0; s < m; s++) {
    let v = 0.1 * rng.normal();
    for (let k = 0; k < dx; k++) v += a.data[i * dx + k] * x.data[k * m + s];
    y.data[i * m + s] = v;
  }
  return { x, y };
}

interface Tightness { maxBalOverDelta: number; maxLayerOverK: number; minDecreaseRatio: number; lossDrop: number }

/** Runs `steps` GD steps at η = η_max and asserts the four guarantees of THEORY §4.3 at every step. */
function assertGuarantees(data: Dataset, weights: Mat[], b: NrtBoundResult, steps: number): Tightness {
  const stats = statsFromData(data);
  const dims = [weights[0].cols, ...weights.map((w) => w.rows)];
  const ws = createGradWorkspace(dims), grads = weights.map((w) => zeros(w.rows, w.cols));
  const eta = b.etaMax;
  const out: Tightness = { maxBalOverDelta: 0, maxLayerOverK: 0, minDecreaseRatio: Infinity, lossDrop: 0 };
  const check = (k: number): void => {
    const bal = balancedness(weights);
    assert.ok(bal <= b.delta + 64 * EPS * b.K, `step ${k}: bal ${bal} > δ ${b.delta}`);
    out.maxBalOverDelta = Math.max(out.maxBalOverDelta, bal / b.delta);
    for (const w of weights) {
      const n2 = spectralNorm(w) ** 2;
      assert.ok(n2 <= b.K * (1 + 64 * EPS), `step ${k}: ‖W_j‖² = ${n2} > K = ${b.K}`);
      out.maxLayerOverK = Math.max(out.maxLayerOverK, n2 / b.K);
    }
  };
  let loss = lossAndGrad(weights, stats, grads, ws);
  const l0 = loss;
  check(0);
  for (let k = 0; k < steps; k++) {
    let g2 = 0;
    for (const g of grads) for (const v of g.data) g2 += v * v;
    gdStep(weights, grads, eta);
    const next = lossAndGrad(weights, stats, grads, ws);
    const tol = 64 * EPS * loss;
    assert.ok(next <= loss + tol, `step ${k}: loss rose from ${loss} to ${next}`);
    assert.ok(next <= loss - (eta / 2) * g2 + tol, `step ${k}: decrease ${loss - next} < (η/2)‖∇L‖² = ${(eta / 2) * g2}`);
    if (g2 > 0) out.minDecreaseRatio = Math.min(out.minDecreaseRatio, (loss - next) / ((eta / 2) * g2));
    check(k + 1);
    loss = next;
  }
  out.lossDrop = 1 - loss / l0;
  return out;
}

const depths: [number, number[]][] = [[2, [4, 5, 3]], [3, [4, 3, 4, 3]], [4, [4, 4, 3, 4, 3]]];

for (const [n, dims] of depths) {
  test(`GD at η_max from a balanced start (N = ${n}, Remark 2.5(b) δ) keeps monotone loss, sufficient decrease, bal ≤ δ and ‖W_j‖² ≤ K_δ`, (t) => {
    const rng = new Rng(100 + n);
    const data = randomData(dims[0], dims[n], 12, rng);
    const w = initBalanced(dims, rng, 1);
    const b = nrtBound(boundData(data), w, { delta: 'remark' });
    assert.ok(b.alpha < 1e-12, `balanced start has α = ${b.alpha}`);
    const r = assertGuarantees(data, w, b, 300);
    assert.ok(r.lossDrop > 0, 'the loss decreased');
    t.diagnostic(`η_max=${b.etaMax.toExponential(3)} δ=${b.delta.toPrecision(4)} maxBal/δ=${r.maxBalOverDelta.toExponential(2)} max‖W‖²/K=${r.maxLayerOverK.toFixed(3)} minDecrease/(η/2‖∇‖²)=${r.minDecreaseRatio.toFixed(3)} lossDrop=${r.lossDrop.toFixed(3)}`);
  });

  test(`GD at η_max from a Gaussian start (N = ${n}, std 0.2, optimised δ) keeps the four guarantees of Theorem 2.4`, (t) => {
    const rng = new Rng(200 + n);
    const data = randomData(dims[0], dims[n], 12, rng);
    const w = initGaussian(dims, rng, 0.2);
    const b = nrtBound(boundData(data), w, { delta: 'optimal' });
    assert.ok(b.alpha > 0 && b.alpha < 1);
    const r = assertGuarantees(data, w, b, 300);
    t.diagnostic(`η_max=${b.etaMax.toExponential(3)} α=${b.alpha.toFixed(3)} maxBal/δ=${r.maxBalOverDelta.toFixed(4)} max‖W‖²/K=${r.maxLayerOverK.toFixed(3)} minDecrease/(η/2‖∇‖²)=${r.minDecreaseRatio.toFixed(3)} lossDrop=${r.lossDrop.toExponential(2)}`);
  });
}

test('nrtBound computes M, K_δ, B_δ and η_max by (2.8)–(2.11) from the statistics', () => {
  const rng = new Rng(7);
  const data = randomData(3, 2, 9, rng);
  const w = initGaussian([3, 4, 2], rng, 0.3);
  const delta = balancedness(w) + 0.7;
  const b = nrtBound(boundData(data), w, { delta });
  const stats = statsFromData(data);
  const l0 = lossAndGrad(w, stats, null, createGradWorkspace([3, 4, 2]));
  const e = Math.E, N = 2;
  const M = (Math.sqrt(2 * l0) + spectralNorm(data.y)) / b.sigmaMinX;
  const K = Math.pow(M, 2 / N) + 9 * delta;
  const B = 2 * e * N * K * b.normX ** 2 + Math.sqrt(e) * N * b.normXY;
  const alpha = balancedness(w) / delta;
  const eta = (2 * (1 - alpha) * delta) / (4 * l0 + (1 - alpha) * delta * B);
  for (const [got, want] of [[b.M, M], [b.K, K], [b.B, B], [b.alpha, alpha], [b.etaMax, eta], [b.L0, l0]]) {
    assert.ok(Math.abs(got - want) <= 1e-13 * Math.abs(want), `${got} vs ${want}`);
  }
  assert.equal(b.deltaChoice, 'given');
  assert.equal(b.normYSource, 'exact');
});

test("Remark 2.5(b) δ is M^{2/N}/(N(N+1)²) with c_N = (N+1)², and M^{2/N}/(N(N−1)) with c_N = 'N-1'", () => {
  const rng = new Rng(8);
  const data = randomData(3, 3, 10, rng);
  const w = initBalanced([3, 3, 3, 3], rng, 0.8);
  const a = nrtBound(boundData(data), w, {});
  assert.equal(a.deltaChoice, 'remark');
  assert.ok(Math.abs(a.delta - Math.pow(a.M, 2 / 3) / (3 * 16)) <= 4 * EPS * a.delta);
  assert.ok(Math.abs(a.K - (4 / 3) * Math.pow(a.M, 2 / 3)) <= 8 * EPS * a.K, 'K_δ* = (1 + 1/N)M^{2/N}');
  const b = nrtBound(boundData(data), w, { cN: 'N-1' });
  assert.equal(b.cN, 2);
  assert.ok(Math.abs(b.delta - Math.pow(b.M, 2 / 3) / 6) <= 4 * EPS * b.delta);
  assert.ok(Math.abs(b.K - (4 / 3) * Math.pow(b.M, 2 / 3)) <= 8 * EPS * b.K);
});

test('the optimised δ gives an η_max at least that of the Remark δ and of every δ on a fine grid', () => {
  const rng = new Rng(9);
  const data = randomData(4, 3, 12, rng);
  const w = initGaussian([4, 4, 4, 3], rng, 0.03);
  const bd = boundData(data);
  const opt = nrtBound(bd, w, { delta: 'optimal' });
  const rem = nrtBound(bd, w, { delta: 'remark' });
  assert.ok(opt.etaMax >= rem.etaMax * (1 - 1e-12));
  const inputs = nrtInputs(bd, w);
  for (let i = 1; i <= 400; i++) {
    const d = opt.balancedness + (opt.delta - opt.balancedness) * Math.pow(10, -2 + 4 * i / 400);
    assert.ok(nrtStepBound(inputs, d).etaMax <= opt.etaMax * (1 + 1e-9), `δ = ${d} beats the optimum`);
  }
  assert.equal(opt.deltaChoice, 'optimal');
});

test('the closed form of §4.4(b) never exceeds (2.8) at δ* and has the same δ* and α', () => {
  for (const [seed, dims] of [[10, [3, 3, 3]], [11, [4, 3, 3, 4]], [12, [3, 4, 4, 4, 3]]] as const) {
    const rng = new Rng(seed);
    const data = randomData(dims[0], dims[dims.length - 1], 10, rng);
    const w = initBalanced([...dims], rng, 0.7);
    const b = nrtBound(boundData(data), w);
    const c = closedFormEtaMax(b);
    assert.ok(c.etaMax <= b.etaMax && c.etaMax > 0.05 * b.etaMax, `closed ${c.etaMax} vs ${b.etaMax}`);
    assert.ok(Math.abs(c.delta - b.delta) <= 4 * EPS * b.delta);
    assert.equal(c.alpha, b.alpha);
  }
});

test('without Σ_YY the bound uses ‖Y‖_F ≥ ‖Y‖ and is smaller; with Σ_YY it equals the raw-data bound', () => {
  const rng = new Rng(13);
  const data = randomData(3, 3, 10, rng);
  const w = initBalanced([3, 3, 3], rng, 1);
  const stats = statsFromData(data);
  const syy = zeros(3, 3);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let s = 0; s < 10; s++) syy.data[i * 3 + j] += data.y.data[i * 10 + s] * data.y.data[j * 10 + s];
  const exact = nrtBound(boundData(data), w, { delta: 0.5 });
  const viaSyy = nrtBound(boundData(stats, syy), w, { delta: 0.5 });
  const frob = nrtBound(stats, w, { delta: 0.5 });
  assert.ok(Math.abs(viaSyy.etaMax - exact.etaMax) <= 1e-12 * exact.etaMax);
  assert.equal(viaSyy.normYSource, 'exact');
  assert.equal(frob.normYSource, 'frobenius-bound');
  assert.ok(frob.normY > exact.normY && frob.etaMax < exact.etaMax);
});

test("a singular Σ_XX fails the premise 'sigma-xx-singular'", () => {
  const rng = new Rng(14);
  const data = randomData(4, 2, 3, rng); // m = 3 < d_x = 4
  const w = initGaussian([4, 3, 2], rng, 0.2);
  assert.throws(() => nrtBound(boundData(data), w), (e: unknown) => e instanceof PremiseError && e.premise === 'sigma-xx-singular' && e.exitCode === 3 && /singular/.test(e.message));
});

test("δ ≤ bal(W(0)) fails 'alpha-below-one' naming bal(W(0)) and δ; δ ≤ 0 fails 'delta-positive'", () => {
  const rng = new Rng(15);
  const data = randomData(3, 3, 10, rng);
  const w = initGaussian([3, 3, 3, 3], rng, 1);
  const bal = balancedness(w);
  const premise = (name: string) => (e: unknown) => e instanceof PremiseError && e.premise === name;
  assert.throws(() => nrtBound(boundData(data), w, { delta: bal / 2 }), (e: unknown) =>
    premise('alpha-below-one')(e) && (e as Error).message.includes(bal.toPrecision(6)) && (e as Error).message.includes((bal / 2).toPrecision(6)));
  assert.throws(() => nrtBound(boundData(data), w, { delta: 0 }), premise('delta-positive'));
  assert.throws(() => nrtBound(boundData(data), w, { delta: -1 }), premise('delta-positive'));
  assert.doesNotThrow(() => nrtBound(boundData(data), w, { delta: 'optimal' }));
});
