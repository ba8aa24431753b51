import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Rng } from '../linalg/rng.ts';
import { type Mat, zeros, fromRows, transposed } from '../linalg/mat.ts';
import { matmul } from '../linalg/matmul.ts';
import { statsFromData } from '../model/stats.ts';
import { ArgumentError, PremiseError, ShapeError } from '../errors.ts';
import { dataSpectrum } from './spectrum.ts';
import { bestRankR } from './bestRankR.ts';
import { svd } from '../linalg/svd.ts';
import { invSqrtSPD } from '../linalg/cholesky.ts';
import { lossAndGrad, createGradWorkspace } from '../model/lossAndGrad.ts';
import { criticalValues } from './criticalValues.ts';
import { randomData, gaussian } from '../../test/helpers/randomInstance.ts';

const EPS = 2.220446049250313e-16;

test('dataSpectrum returns λ descending with orthonormal U and ΣU = UΛ', () => {
  for (const [dx, dy] of [[5, 4], [6, 2], [4, 4], [3, 1]]) {
    const stats = statsFromData(randomData(dx, dy, 40, new Rng(dx * 10 + dy)));
    const { lambda, u, sigma, distinct, warnings } = dataSpectrum(stats);
    assert.ok(distinct, warnings.join('; '));
    for (let i = 0; i + 1 < dy; i++) assert.ok(lambda[i] >= lambda[i + 1]);
    const scale = lambda[0];
    for (let a = 0; a < dy; a++) {
      for (let b = 0; b < dy; b++) {
        let utu = 0, res = 0;
        for (let k = 0; k < dy; k++) {
          utu += u.data[k * dy + a] * u.data[k * dy + b];
          res += sigma.data[a * dy + k] * u.data[k * dy + b];
        }
        res -= u.data[a * dy + b] * lambda[b];
        assert.ok(Math.abs(utu - (a === b ? 1 : 0)) <= 10 * dy * EPS);
        assert.ok(Math.abs(res) <= 10 * dy * EPS * scale, `(ΣU − UΛ)[${a},${b}] = ${res}`);
      }
    }
  }
});

test('dataSpectrum: Σ = Σ_YX Σ_XX⁻¹ Σ_XY equals M Σ_XX Mᵀ when Y = M X exactly', () => {
  const x = fromRows([[1, 1, -1, 0], [0, 2, 0, -2], [4, 0, 0, 0]]);
  const mm = fromRows([[1, 2, 0], [0, 1, 3]]);
  const stats = statsFromData({ x, y: matmul(zeros(2, 4), mm, x) });
  const sxx = matmul(zeros(3, 3), x, { rows: 4, cols: 3, data: Float64Array.from([1, 0, 4, 1, 2, 0, -1, 0, 0, 0, -2, 0]) });
  const want = matmul(zeros(2, 2), matmul(zeros(2, 3), mm, sxx), fromRows([[1, 0], [2, 1], [0, 3]]));
  const { sigma } = dataSpectrum(stats);
  const big = Math.max(...want.data.map(Math.abs));
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(sigma.data[i] - want.data[i]) <= 1e-13 * big, `Σ entry ${i}: ${sigma.data[i]} vs ${want.data[i]}`);
});

test('dataSpectrum rejects a singular Σ_XX with a PremiseError naming its rank', () => {
  const rng = new Rng(3);
  const x = matmul(zeros(5, 30), gaussian(5, 3, rng), gaussian(3, 30, rng));
  const stats = statsFromData({ x, y: gaussian(2, 30, rng) });
  assert.throws(() => dataSpectrum(stats), (e: unknown) => e instanceof PremiseError && e.exitCode === 3 && e.premise === 'sigma-xx-singular'
    && e.message === 'Σ_XX = XXᵀ is singular (rank 3 < d_x = 5); the spectrum Σ of the critical values needs Σ_XX invertible (Assumption 1, THEORY §5.1): drop the input features that are linear combinations of the others');
  assert.throws(() => criticalValues(stats, [5, 2, 2]), PremiseError);
});

test('dataSpectrum warns that S is ambiguous when Σ has a repeated eigenvalue', () => {
  // Σ_XX = I, Σ_YX = diag(2, 2, 1): Σ = diag(4, 4, 1).
  const x = fromRows([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  const y = fromRows([[2, 0, 0], [0, 2, 0], [0, 0, 1]]);
  const spec = dataSpectrum(statsFromData({ x, y }));
  assert.equal(spec.distinct, false);
  assert.equal(spec.warnings.length, 1);
  assert.match(spec.warnings[0], /λ_1 and λ_2 of Σ are repeated .*ambiguous/);
  assert.deepEqual(Array.from(spec.lambda).map((l) => Math.round(l * 1e12) / 1e12), [4, 4, 1]);
});

test('criticalValues lists ½(tr Σ_YY − Σ_{i∈S}λ_i) for every |S| ≤ r_max, sorted, with S = {1..r_max} the global minimum', () => {
  const rng = new Rng(8);
  const data = randomData(5, 4, 30, rng);
  const stats = statsFromData(data);
  const res = criticalValues(stats, [5, 3, 4]);
  assert.equal(res.rMax, 3);
  assert.equal(res.values.length, 1 + 4 + 6 + 4);
  for (let k = 0; k + 1 < res.values.length; k++) assert.ok(res.values[k].loss <= res.values[k + 1].loss);
  assert.deepEqual(res.values[0].subset, [1, 2, 3]);
  assert.deepEqual(res.globalMinimum.subset, [1, 2, 3]);
  assert.deepEqual(res.values[res.values.length - 1].subset, []);
  assert.equal(res.plateaus.length, 4);
  const trYY = stats.trYY;
  for (const v of res.values) {
    let sum = 0;
    for (const i of v.subset) sum += res.lambda[i - 1];
    assert.equal(v.rank, v.subset.length);
    assert.ok(Math.abs(v.loss - 0.5 * (trYY - sum)) <= 1e-12 * trYY, `S = {${v.subset}}`);
  }
  assert.ok(Math.abs(res.values[res.values.length - 1].loss - 0.5 * trYY) <= 1e-12 * trYY, 'S = ∅ gives ½‖Y‖²');
});

test('criticalValues rejects widths that do not fit the data and enumerations that are too large', () => {
  const stats = statsFromData(randomData(5, 4, 30, new Rng(9)));
  assert.throws(() => criticalValues(stats, [4, 3, 4]), (e: unknown) => e instanceof ShapeError && e.message === 'the network of widths 4,3,4 starts with 4, but X has 5 features');
  assert.throws(() => criticalValues(stats, [5, 0, 4]), ShapeError);
  assert.throws(() => criticalValues(stats, [5, 4, 4], { maxCount: 10 }), /means 16 index sets S ⊂ \{1..4\} with \|S\| ≤ 4, more than the 10 dln enumerates; use smaller widths/);
});

function numpyCriticalValues(x: Mat, y: Mat, rMax: number): number[] | null {
  const script = `
import json, sys, itertools
import numpy as np
d = json.load(sys.stdin)
X = np.array(d['x']).reshape(d['dx'], -1); Y = np.array(d['y']).reshape(d['dy'], -1)
Sxx = X @ X.T; Syx = Y @ X.T
S = Syx @ np.linalg.solve(Sxx, Syx.T)
lam = np.sort(np.linalg.eigvalsh((S + S.T) / 2))[::-1]
tr = np.sum(Y * Y)
vals = sorted(0.5 * (tr - sum(lam[list(s)])) for r in range(d['rmax'] + 1) for s in itertools.combinations(range(d['dy']), r))
print(json.dumps(vals))
`;
  const input = JSON.stringify({ x: Array.from(x.data), y: Array.from(y.data), dx: x.rows, dy: y.rows, rmax: rMax });
  const out = spawnSync('python3', ['-c', script], { input, encoding: 'utf8' });
  if (out.status !== 0) return null;
  return JSON.parse(out.stdout) as number[];
}

test('criticalValues agrees with an independent numpy computation', (t) => {
  const data = randomData(6, 4, 50, new Rng(21));
  const want = numpyCriticalValues(data.x, data.y, 3);
  if (want === null) { t.skip('python3 with numpy is not available'); return; }
  const got = criticalValues(statsFromData(data), [6, 4, 3, 4]).values.map((v) => v.loss);
  assert.equal(got.length, want.length);
  for (let k = 0; k < got.length; k++) assert.ok(Math.abs(got[k] - want[k]) <= 1e-10 * want[k], `value ${k}: ${got[k]} vs numpy ${want[k]}`);
});

function lossOfProduct(r: Mat, stats: ReturnType<typeof statsFromData>): number {
  return lossAndGrad([r], stats, null, createGradWorkspace([r.cols, r.rows]));
}

test('bestRankR equals the whitened Eckart–Young product (QΣ_XX^{−1/2}, Q = Σ_YXΣ_XX^{−1/2} truncated)', () => {
  for (const [dx, dy, seed] of [[5, 4, 1], [6, 3, 2], [4, 4, 3]]) {
    const stats = statsFromData(randomData(dx, dy, 40, new Rng(seed)));
    const isq = invSqrtSPD(stats.sxx);
    const { u, s, vt } = svd(matmul(zeros(dy, dx), stats.syx, isq));
    const big = Math.max(...stats.ols.data.map(Math.abs));
    for (let r = 0; r <= dy; r++) {
      const trunc = zeros(dy, dx);
      for (let i = 0; i < dy; i++) {
        for (let j = 0; j < dx; j++) {
          let v = 0;
          for (let k = 0; k < r; k++) v += u.data[i * u.cols + k] * s[k] * vt.data[k * dx + j];
          trunc.data[i * dx + j] = v;
        }
      }
      const want = matmul(zeros(dy, dx), trunc, isq);
      const best = bestRankR(stats, r);
      for (let i = 0; i < want.data.length; i++) {
        assert.ok(Math.abs(best.product.data[i] - want.data[i]) <= 1e-13 * big, `dx ${dx}, r = ${r}: entry ${i} differs by ${Math.abs(best.product.data[i] - want.data[i])}`);
      }
      const direct = lossOfProduct(best.product, stats);
      assert.ok(Math.abs(best.loss - direct) <= 1e-12 * direct, `r = ${r}: loss ${best.loss} vs ½‖R*X − Y‖² = ${direct}`);
      assert.ok(best.unique);
    }
  }
});

test('no random or nearby rank-r product beats bestRankR', () => {
  const rng = new Rng(31);
  const dx = 5, dy = 4, r = 2;
  const stats = statsFromData(randomData(dx, dy, 40, rng));
  const best = bestRankR(stats, r);
  const spec = dataSpectrum(stats);
  // R* = U_[r]·(U_[r]ᵀA): perturb both factors (stays rank ≤ r).
  const ur = zeros(dy, r);
  for (let i = 0; i < dy; i++) for (let k = 0; k < r; k++) ur.data[i * r + k] = spec.u.data[i * dy + k];
  const right = matmul(zeros(r, dx), transposed(ur), spec.ols);
  let worst = Infinity;
  for (let t = 0; t < 2000; t++) {
    const near = t % 2 === 0;
    const b = near ? ur.data.map((v) => v + 0.05 * rng.normal()) : gaussian(dy, r, rng).data;
    const c = near ? right.data.map((v) => v + 0.05 * rng.normal()) : gaussian(r, dx, rng).data;
    const cand = matmul(zeros(dy, dx), { rows: dy, cols: r, data: b }, { rows: r, cols: dx, data: c });
    worst = Math.min(worst, lossOfProduct(cand, stats) - best.loss);
  }
  assert.ok(worst >= -1e-12 * best.loss, `a candidate beat R*_r by ${-worst}`);
});

test('bestRankR rejects a rank outside 0..d_y', () => {
  const stats = statsFromData(randomData(5, 4, 30, new Rng(3)));
  assert.throws(() => bestRankR(stats, 5), (e: unknown) => e instanceof ArgumentError && /0..d_y = 4, got 5/.test(e.message));
  assert.throws(() => bestRankR(stats, -1), ArgumentError);
});
