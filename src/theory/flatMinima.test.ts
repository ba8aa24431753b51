import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Mat, Rng, zeros, matmul, randomNormal, singularValues, spectralNorm } from '../linalg/index.ts';
import { type Stats, statsFromData, sharpness } from '../model/index.ts';
import { whitenInputs } from '../data/index.ts';
import { balancedFactorization, flatSharpnessClosedForm, globalMinimum } from './flatMinima.ts';
import { flatMinimumSearch } from './flatGaugeSearch.ts';

/** Data with anisotropic inputs (row i of X scaled by 0.5 + i) and Y = AX + noise. */
function data(dx: number, dy: number, m: number, rng: Rng, whiten = false): Stats {
  const x = randomNormal(dx, m, rng, 1);
  for (let i = 0; i < dx; i++) for (let j = 0; j < m; j++) x.data[i * m + j] *= 0.5 + i;
  const y = matmul(zeros(dy, m), randomNormal(dy, dx, rng, 1), x);
  const e = randomNormal(dy, m, rng, 0.3);
  for (let i = 0; i < y.data.length; i++) y.data[i] += e.data[i];
  return statsFromData(whiten ? whitenInputs({ x, y }) : { x, y });
}

function productOf(w: readonly Mat[]): Mat {
  let p = w[0];
  for (let j = 1; j < w.length; j++) p = matmul(zeros(w[j].rows, p.cols), w[j], p);
  return p;
}

/** Random gauges W_j → G_jW_jG_{j−1}^{−1} built from explicit inverses of triangular-plus-identity matrices. */
function randomGauge(w: readonly Mat[], rng: Rng): Mat[] {
  const out = w.map((m) => m);
  for (let j = 0; j + 1 < w.length; j++) {
    const d = w[j].rows, l = zeros(d, d), linv = zeros(d, d);
    // G = I + strictly lower L (inverse by forward substitution), times a positive diagonal D.
    const diag = Array.from({ length: d }, () => Math.exp(rng.normal()));
    for (let i = 0; i < d; i++) { l.data[i * d + i] = 1; for (let k = 0; k < i; k++) l.data[i * d + k] = rng.normal(); }
    for (let c = 0; c < d; c++) {
      for (let i = 0; i < d; i++) {
        let s = i === c ? 1 : 0;
        for (let k = 0; k < i; k++) s -= l.data[i * d + k] * linv.data[k * d + c];
        linv.data[i * d + c] = s;
      }
    }
    const g = zeros(d, d), ginv = zeros(d, d);
    for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) { g.data[i * d + k] = diag[i] * l.data[i * d + k]; ginv.data[i * d + k] = linv.data[i * d + k] / diag[k]; }
    out[j] = matmul(zeros(d, out[j].cols), g, out[j]);
    out[j + 1] = matmul(zeros(out[j + 1].rows, d), out[j + 1], ginv);
  }
  return out;
}

test('whitened inputs: λ_flat = N‖P*‖^{2(N−1)/N}, attained by the balanced factorisation (THEORY §13.2)', () => {
  const rng = new Rng(11);
  for (const dims of [[3, 3, 3], [3, 4, 4, 2], [2, 3, 3, 3, 2], [4, 2, 4], [3, 2, 2, 3]]) {
    const stats = data(dims[0], dims[dims.length - 1], 15, rng, true);
    const n = dims.length - 1;
    const min = globalMinimum(stats, dims);
    const s1 = singularValues(min.product)[0];
    const cf = flatSharpnessClosedForm(stats, dims);
    const want = n * s1 ** (2 - 2 / n);
    assert.ok(Math.abs(cf.lambda - want) <= 1e-10 * want, `${dims}: closed form ${cf.lambda} vs N‖P*‖^{2−2/N} = ${want}`);
    const bal = balancedFactorization(min.product, dims);
    assert.ok(spectralNorm(subMat(productOf(bal), min.product)) <= 1e-13 * s1, `${dims}: the balanced factors multiply to P*`);
    const lam = sharpness(bal, stats).lambdaMax;
    assert.ok(Math.abs(lam - want) <= 1e-9 * want, `${dims}: λ_max(∇²L) at the balanced minimum ${lam} vs ${want}`);
    assert.equal(cf.proven, Math.min(...dims) >= Math.min(dims[0], dims[n]), `${dims}: proven only without a bottleneck`);
  }
});

function subMat(a: Mat, b: Mat): Mat {
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < out.data.length; i++) out.data[i] = a.data[i] - b.data[i];
  return out;
}

test('the closed form is a lower bound of the sharpness of every gauge of the global minimum (THEORY §13.2)', () => {
  const rng = new Rng(12);
  for (const dims of [[3, 3, 3], [2, 3, 3, 2], [3, 5, 4, 3]]) {
    const stats = data(dims[0], dims[dims.length - 1], 15, rng);
    const cf = flatSharpnessClosedForm(stats, dims);
    const base = balancedFactorization(globalMinimum(stats, dims).product, dims);
    for (let k = 0; k < 30; k++) {
      const lam = sharpness(randomGauge(base, rng), stats).lambdaMax;
      assert.ok(lam >= cf.lambda * (1 - 1e-8), `${dims}: gauge ${k} has sharpness ${lam} below the closed form ${cf.lambda}`);
    }
    assert.ok(cf.lambda <= cf.upper * (1 + 1e-12), `${dims}: closed form ${cf.lambda} ≤ N‖P*S‖^{2−2/N}‖Σ_XX‖^{1/N} = ${cf.upper}`);
  }
});

test('the gauge search reaches the closed form on anisotropic data without a bottleneck (THEORY §13.3)', () => {
  const rng = new Rng(13);
  for (const dims of [[3, 3, 3], [2, 3, 3, 2], [3, 4, 2]]) {
    const stats = data(dims[0], dims[dims.length - 1], 15, rng);
    const cf = flatSharpnessClosedForm(stats, dims);
    assert.equal(cf.proven, true);
    const num = flatMinimumSearch(stats, dims, { rng, starts: 3, iterations: 120 });
    assert.ok(Math.abs(num.lambda - cf.lambda) <= 1e-7 * cf.lambda, `${dims}: search ${num.lambda} vs closed form ${cf.lambda}`);
    assert.ok(num.productError <= 1e-12, `${dims}: the gauges kept the product (relative error ${num.productError})`);
    assert.ok(Math.abs(sharpness(num.weights, stats).lambdaMax - num.lambda) <= 1e-9 * num.lambda);
    for (const s of num.perStart) assert.ok(s.end <= s.start * (1 + 1e-12), `${dims}: a start ended sharper (${s.end}) than it began (${s.start})`);
  }
});

test('with a bottleneck and anisotropic inputs the closed form stays a lower bound of the search (THEORY §13.4)', () => {
  const rng = new Rng(14);
  const dims = [3, 2, 3];
  const stats = data(3, 3, 15, rng);
  const cf = flatSharpnessClosedForm(stats, dims);
  assert.equal(cf.proven, false);
  assert.equal(globalMinimum(stats, dims).bottleneck, true);
  const num = flatMinimumSearch(stats, dims, { rng, starts: 3, iterations: 160 });
  assert.ok(num.lambda >= cf.lambda * (1 - 1e-10), `search ${num.lambda} vs closed form ${cf.lambda}`);
  assert.ok(num.lambda <= cf.lambda * 1.05, `the gap stays small: ${num.lambda} vs ${cf.lambda}`);
});
