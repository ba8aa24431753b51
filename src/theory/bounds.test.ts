import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Mat, zeros } from '../linalg/mat.ts';
import { Rng } from '../linalg/rng.ts';
import { eigh } from '../linalg/eigh.ts';
import { spectralNorm } from '../linalg/norms.ts';
import { type Dataset, statsFromData } from '../model/stats.ts';
import { createGradWorkspace, lossAndGrad, product } from '../model/lossAndGrad.ts';
import { initBalanced, initGaussian } from '../model/init.ts';
import { gradientFlow } from '../optim/flow.ts';
import { boundData } from './boundData.ts';
import { lemma31Bound, productNormBound } from './lemma31.ts';
import { gradientNormBounds } from './gradientNormBounds.ts';
import { stationaritySteps } from './stationaritySteps.ts';
import { escapeSteps } from './escapeSteps.ts';
import { exponentialRate } from './exponentialRate.ts';
import { PremiseError } from '../errors.ts';

function randomData(dx: number, dy: number, m: number, rng: Rng): Dataset {
  const x = zeros(dx, m), y = zeros(dy, m);
  rng.fillNormal(x.data); rng.fillNormal(y.data);
  return { x, y };
}

function gaussianMat(rows: number, cols: number, rng: Rng, std: number): Mat {
  const a = zeros(rows, cols);
  rng.fillNormal(a.data, std);
  return a;
}

test('Lemma 3.1: ‖W‖ ≤ (√(2L¹(W)) + ‖Y‖)/σ_min(X) for maps of every scale', () => {
  const rng = new Rng(1);
  const bd = boundData(randomData(4, 3, 9, rng));
  for (const std of [1e-3, 0.1, 1, 10, 1e3]) {
    const w = gaussianMat(3, 4, rng, std);
    const bound = lemma31Bound(bd, w), norm = spectralNorm(w);
    assert.ok(norm <= bound, `std ${std}: ‖W‖ = ${norm} > ${bound}`);
    if (std >= 10) assert.ok(norm > 0.05 * bound, 'far from the data the bound is within a constant factor');
  }
});

test('Lemma 3.1 bounds the product: ‖W_N⋯W_1‖ ≤ (√(2L(W)) + ‖Y‖)/σ_min(X)', () => {
  const rng = new Rng(2);
  const bd = boundData(randomData(3, 3, 7, rng));
  for (const std of [0.1, 1, 3]) {
    const w = initGaussian([3, 4, 2, 3], rng, std);
    const p = product(zeros(3, 3), w, createGradWorkspace([3, 4, 2, 3]));
    assert.ok(spectralNorm(p) <= productNormBound(bd, w));
  }
});

test('‖∇_{W_j}L‖ ≤ ‖X‖√(2L)Π_{i≠j}‖W_i‖ for every layer', () => {
  const rng = new Rng(3);
  const data = randomData(4, 2, 10, rng);
  const stats = statsFromData(data), bd = boundData(data);
  for (const dims of [[4, 2], [4, 3, 2], [4, 5, 3, 2], [4, 3, 3, 3, 2]]) {
    const w = initGaussian(dims, rng, 0.7);
    const g = w.map((m) => zeros(m.rows, m.cols));
    lossAndGrad(w, stats, g, createGradWorkspace(dims));
    const bounds = gradientNormBounds(bd, w);
    g.forEach((gj, j) => assert.ok(spectralNorm(gj) <= bounds[j] * (1 + 1e-12), `dims ${dims} layer ${j + 1}`));
  }
});

test('stationarity: GD with η = 1/β reaches ‖∇f‖ ≤ ε within ⌊2(f(w₀) − f*)/(ηε²)⌋ steps (depth 1)', () => {
  const rng = new Rng(4);
  const stats = statsFromData(randomData(3, 2, 8, rng));
  const beta = eigh(stats.sxx).values[2];
  const eta = 1 / beta, eps = 1e-2;
  const w = [gaussianMat(2, 3, rng, 3)];
  const g = [zeros(2, 3)], ws = createGradWorkspace([3, 2]);
  const f0 = lossAndGrad(w, stats, g, ws);
  const bound = stationaritySteps(f0, stats.lossOLS, eta, eps);
  assert.equal(bound, Math.floor((2 * (f0 - stats.lossOLS)) / (eta * eps * eps)));
  let t = 0;
  for (; Math.hypot(...g[0].data) > eps; t++) {
    for (let i = 0; i < 6; i++) w[0].data[i] -= eta * g[0].data[i];
    lossAndGrad(w, stats, g, ws);
  }
  assert.ok(t <= bound, `${t} steps > bound ${bound}`);
  assert.equal(stationaritySteps(1, 2, 0.1, 0.1), 0);
});

/** H = Q diag(λ) Qᵀ with Q the eigenvectors of a random symmetric matrix. */
function saddleHessian(lambdas: number[], rng: Rng): Mat {
  const n = lambdas.length, s = gaussianMat(n, n, rng, 1), sym = zeros(n, n), h = zeros(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sym.data[i * n + j] = s.data[i * n + j] + s.data[j * n + i];
  const q = eigh(sym).vectors;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let v = 0;
    for (let k = 0; k < n; k++) v += q.data[i * n + k] * lambdas[k] * q.data[j * n + k];
    h.data[i * n + j] = v;
  }
  return h;
}

test('GD on f(θ) = ½θᵀHθ with one negative eigenvalue ε-escapes the saddle within the §6.3 bound', (t) => {
  const rng = new Rng(5);
  const lambdas = [-0.5, 0.05, 0.3, 1, 2];
  const h = saddleHessian(lambdas, rng);
  const n = 5, eta = 1 / 2, eps = 1e-2;
  for (let trial = 0; trial < 5; trial++) {
    const offset = gaussianMat(n, 1, rng, trial % 2 === 0 ? 1e-3 : 0.3).data;
    const bound = escapeSteps(h, offset, eta, eps);
    assert.ok(Math.abs(bound.alpha - 0.5) < 1e-12 && Math.abs(bound.beta - 2) < 1e-12);
    const w = offset.slice(), grad = new Float64Array(n);
    let steps = 0;
    for (;; steps++) {
      let f = 0, g2 = 0;
      for (let i = 0; i < n; i++) { let v = 0; for (let j = 0; j < n; j++) v += h.data[i * n + j] * w[j]; grad[i] = v; f += 0.5 * w[i] * v; g2 += v * v; }
      if (f < 0 && Math.sqrt(g2) > eps) break;
      for (let i = 0; i < n; i++) w[i] -= eta * grad[i];
    }
    assert.ok(steps <= bound.steps, `escaped after ${steps} > bound ${bound.steps}`);
    assert.ok(steps >= bound.steps - 20, `the bound ${bound.steps} is close to the observed ${steps}`);
    t.diagnostic(`trial ${trial}: escaped after ${steps} steps, bound ${bound.steps}`);
  }
});

test("escapeSteps fails its premises by name: 'strict-saddle', 'eta-at-most-inverse-beta', 'offset-along-negative-curvature'", () => {
  const rng = new Rng(6);
  const premise = (name: string) => (e: unknown) => e instanceof PremiseError && e.premise === name;
  const psd = saddleHessian([0, 0.5, 1], rng);
  assert.throws(() => escapeSteps(psd, [1, 1, 1], 0.5, 1e-3), premise('strict-saddle'));
  const h = saddleHessian([-1, 0.5, 2], rng);
  assert.throws(() => escapeSteps(h, [1, 1, 1], 0.6, 1e-3), premise('eta-at-most-inverse-beta'));
  const v1 = eigh(h).vectors, e2 = [v1.data[1], v1.data[4], v1.data[7]];
  assert.throws(() => escapeSteps(h, [0, 0, 0], 0.5, 1e-3), premise('offset-along-negative-curvature'));
  assert.throws(() => escapeSteps(h, e2, 0.5, 1e-3), premise('offset-along-negative-curvature'));
});

test('an offset already past the escape thresholds needs 0 steps', () => {
  const h = saddleHessian([-1, 1], new Rng(7));
  const v = eigh(h).vectors;
  assert.equal(escapeSteps(h, [v.data[0], v.data[2]], 0.5, 1e-3).steps, 0);
});

test('§3.6: along gradient flow the excess loss decays at least like exp(−2αλ_min(Σ_XX)t)', (t) => {
  const rng = new Rng(8);
  const data = randomData(3, 2, 12, rng);
  const stats = statsFromData(data);
  // Wide-to-narrow widths with a large W_2 and a small W_1, so that C_1 = W_2ᵀW_2 − W_1W_1ᵀ has d_2 = 2 positive eigenvalues.
  const w = [gaussianMat(3, 3, rng, 0.1), gaussianMat(2, 3, rng, 1.5)];
  const r = exponentialRate(stats, w);
  assert.ok(r.rate !== null, r.reason ?? '');
  if (r.rate === null) return;
  assert.ok(r.alpha > 0 && r.alphas.length === 1);
  const l0 = lossAndGrad(w, stats, null, createGradWorkspace([3, 3, 2])) - stats.lossOLS;
  let checked = 0;
  gradientFlow(stats, w, {
    tEnd: 3 / r.rate, recordDt: 0.1 / r.rate, rtol: 1e-10, atol: 1e-12,
    onRecord: (rec) => {
      const bound = l0 * Math.exp(-r.rate * (rec.t ?? 0));
      assert.ok(rec.loss - stats.lossOLS <= bound * (1 + 1e-6) + 1e-12, `t = ${rec.t}: ${rec.loss - stats.lossOLS} > ${bound}`);
      checked++;
    },
  });
  assert.ok(checked >= 30);
  t.diagnostic(`rate ${r.rate.toExponential(3)}, α = ${r.alpha.toExponential(3)}`);
});

test('§3.6 does not apply (rate null, with the reason) when C_{l−1} lacks d_l positive eigenvalues', () => {
  const rng = new Rng(9);
  const stats = statsFromData(randomData(3, 2, 12, rng));
  const balanced = exponentialRate(stats, initBalanced([3, 3, 2], rng, 1));
  assert.equal(balanced.rate, null);
  assert.match(balanced.reason ?? '', /C_1\(0\) has 0 positive eigenvalue/);
  const widening = exponentialRate(statsFromData(randomData(3, 4, 12, rng)), initGaussian([3, 2, 4], rng, 1));
  assert.equal(widening.rate, null);
  assert.match(widening.reason ?? '', /cannot have d_2 = 4/);
});
