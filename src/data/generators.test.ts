import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  reportSec4, reportSec5, nrt, amgEscape, lnPgd, saxe, builtinData, builtinNames, generateData, generatorDefaults, generatorParamsProblems,
} from './generators.ts';
import { type Mat, toRows } from '../linalg/mat.ts';
import { Rng } from '../linalg/rng.ts';
import { eigh } from '../linalg/eigh.ts';

/** Solves a·z = b for a small SPD a by Gaussian elimination (test-only reference). */
function solve(a: number[][], b: number[][]): number[][] {
  const n = a.length, aa = a.map((r, i) => [...r, ...b[i]]);
  for (let k = 0; k < n; k++) {
    for (let i = k + 1; i < n; i++) {
      const f = aa[i][k] / aa[k][k];
      for (let j = k; j < aa[i].length; j++) aa[i][j] -= f * aa[k][j];
    }
  }
  const z = b.map((r) => r.map(() => 0));
  for (let i = n - 1; i >= 0; i--) {
    for (let c = 0; c < b[0].length; c++) {
      let s = aa[i][n + c];
      for (let j = i + 1; j < n; j++) s -= aa[i][j] * z[j][c];
      z[i][c] = s / aa[i][i];
    }
  }
  return z;
}

/** a·bᵀ for matrices given as Mat (test-only reference). */
function productNT(a: Mat, b: Mat): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.rows; i++) {
    out.push([]);
    for (let j = 0; j < b.rows; j++) {
      let s = 0;
      for (let k = 0; k < a.cols; k++) s += a.data[i * a.cols + k] * b.data[j * b.cols + k];
      out[i].push(s);
    }
  }
  return out;
}

/** The least-squares map A = Σ_YX Σ_XX⁻¹ and diag(Σ_XX⁻¹). */
function ols(x: Mat, y: Mat): { a: number[][]; invDiag: number[] } {
  const sxx = productNT(x, x), syx = productNT(y, x);
  const at = solve(sxx, syx[0].map((_, j) => syx.map((r) => r[j])));
  const inv = solve(sxx, sxx.map((r, i) => r.map((_, j) => (i === j ? 1 : 0))));
  return { a: syx.map((_, i) => at.map((r) => r[i])), invDiag: inv.map((r, i) => r[i]) };
}

test('reportSec4 draws X then E and sets Y = diag(5,4,3,2,1)X + 0.1E exactly (THEORY §8.1)', () => {
  const d = reportSec4(new Rng(42), 200);
  assert.deepEqual([d.x.rows, d.x.cols, d.y.rows, d.y.cols], [5, 200, 5, 200]);
  const rng = new Rng(42);
  const x = rng.fillNormal(new Float64Array(1000)), e = rng.fillNormal(new Float64Array(1000), 0.1);
  assert.deepEqual(d.x.data, x);
  for (let k = 0; k < 1000; k++) assert.equal(d.y.data[k], e[k] + [5, 4, 3, 2, 1][Math.floor(k / 200)] * x[k]);
});

test('the OLS map of reportSec4 is diag(5,4,3,2,1) within 5 standard errors and the noise variance is 0.1²', () => {
  const { x, y } = reportSec4(new Rng(7));
  assert.equal(x.cols, 1000);
  const { a, invDiag } = ols(x, y);
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < 5; j++) {
      const se = 0.1 * Math.sqrt(invDiag[j]);
      assert.ok(Math.abs(a[i][j] - (i === j ? 5 - i : 0)) < 5 * se, `A[${i}][${j}] = ${a[i][j]}, se ${se}`);
    }
  }
  let rss = 0;
  for (let i = 0; i < 5; i++) for (let k = 0; k < 1000; k++) rss += (y.data[i * 1000 + k] - (5 - i) * x.data[i * 1000 + k]) ** 2;
  const variance = rss / 5000;
  assert.ok(Math.abs(variance - 0.01) < 5 * 0.01 * Math.sqrt(2 / 5000), `noise variance ${variance}`);
  const meanSq = x.data.reduce((s, v) => s + v * v, 0) / 5000;
  assert.ok(Math.abs(meanSq - 1) < 5 * Math.sqrt(2 / 5000), `E x² = ${meanSq}`);
});

test('reportSec5 is 5×5 with Y = diag(1,2,3,4,5)X + 0.1E (THEORY §8.3)', () => {
  const d = reportSec5(new Rng(3));
  const rng = new Rng(3);
  const x = rng.fillNormal(new Float64Array(25)), e = rng.fillNormal(new Float64Array(25), 0.1);
  assert.deepEqual([d.x.rows, d.x.cols, d.y.rows, d.y.cols], [5, 5, 5, 5]);
  assert.deepEqual(d.x.data, x);
  for (let k = 0; k < 25; k++) assert.equal(d.y.data[k], e[k] + (Math.floor(k / 5) + 1) * x[k]);
});

test('nrt gives Y = AX with A of rank r and singular values linspace(2, 1, r), X of variance 1/m (THEORY §8.6)', () => {
  for (const opts of [{}, { dx: 6, dy: 7, m: 40, rank: 3 }, { dx: 5, dy: 3, m: 12, rank: 1 }]) {
    const { dx = 10, dy = 8, m = 30, rank = 4 } = opts as { dx?: number; dy?: number; m?: number; rank?: number };
    const { x, y } = nrt(new Rng(11), opts);
    assert.deepEqual([x.rows, x.cols, y.rows, y.cols], [dx, m, dy, m]);
    const { a } = ols(x, y);
    const aat = { rows: dy, cols: dy, data: Float64Array.from(a.flatMap((ri) => a.map((rj) => ri.reduce((s, v, k) => s + v * rj[k], 0)))) };
    const values = Array.from(eigh(aat).values).reverse();
    const expected = Array.from({ length: dy }, (_, k) => (k >= rank ? 0 : (rank === 1 ? 2 : 2 - k / (rank - 1)) ** 2));
    values.forEach((v, k) => assert.ok(Math.abs(v - expected[k]) < 1e-9, `σ²_${k + 1} = ${v}, expected ${expected[k]}`));
    const meanSq = x.data.reduce((s, v) => s + v * v, 0) / (dx * m);
    assert.ok(Math.abs(meanSq * m - 1) < 5 * Math.sqrt(2 / (dx * m)), `m·E x² = ${meanSq * m}`);
  }
  assert.throws(() => nrt(new Rng(1), { dx: 3, dy: 8, rank: 4 }), { name: 'ArgumentError' });
});

test('amgEscape draws independent X (10×100) and Y (4×100) with standard normal entries (THEORY §8.8)', () => {
  const { x, y } = amgEscape(new Rng(5));
  assert.deepEqual([x.rows, x.cols, y.rows, y.cols], [10, 100, 4, 100]);
  const rng = new Rng(5);
  assert.deepEqual(x.data, rng.fillNormal(new Float64Array(1000)));
  assert.deepEqual(y.data, rng.fillNormal(new Float64Array(400)));
  const cross = productNT(y, x).flat().map((v) => v / 100);
  assert.ok(cross.every((c) => Math.abs(c) < 5 / Math.sqrt(100)), 'sample cross-covariance within 5 standard errors of 0');
});

test('lnPgd is X = I_2, Y = diag(1, 0.5) (THEORY §8.9)', () => {
  const { x, y } = lnPgd();
  assert.deepEqual(toRows(x), [[1, 0], [0, 1]]);
  assert.deepEqual(toRows(y), [[1, 0], [0, 0.5]]);
});

test('every built-in data set gives identical bits for the same seed and different data for different seeds', () => {
  assert.deepEqual([...builtinNames].sort(), Object.keys(builtinData).sort());
  for (const name of builtinNames) {
    const a = builtinData[name](new Rng(123)), b = builtinData[name](new Rng(123)), c = builtinData[name](new Rng(124));
    assert.deepEqual([a.x.data, a.y.data], [b.x.data, b.y.data], name);
    assert.equal(a.x.cols, a.y.cols, name);
    assert.match(a.describe, new RegExp(`^${name}: .*THEORY §(8|14)\\.\\d\\)$`));
    if (name !== 'ln-pgd') assert.notDeepEqual(a.y.data, c.y.data, name);
  }
});

test('generateData with no settings, or the defaults, is builtinData to the bit', () => {
  for (const name of builtinNames) {
    const ref = builtinData[name](new Rng(5));
    for (const params of [{}, generatorDefaults[name]]) {
      const g = generateData(name, new Rng(5), params);
      assert.deepEqual([...g.x.data], [...ref.x.data], name);
      assert.deepEqual([...g.y.data], [...ref.y.data], name);
      assert.equal(g.describe, ref.describe);
    }
  }
});

test('generator settings: samples, noise and dimensions give the shapes asked for; nrt\'s condition spaces σ from 2 to 2/κ (checked by numpy)', () => {
  const a = generateData('report-sec4', new Rng(1), { samples: 40, noise: 0 });
  assert.deepEqual([a.x.rows, a.x.cols, a.y.rows, a.y.cols], [5, 40, 5, 40]);
  // noise 0: Y = diag(5,4,3,2,1)X exactly.
  for (let j = 0; j < 40; j++) assert.equal(a.y.data[2 * 40 + j], 3 * a.x.data[2 * 40 + j]);
  const e = generateData('amg-escape', new Rng(1), { dx: 3, dy: 2, samples: 7 });
  assert.deepEqual([e.x.rows, e.x.cols, e.y.rows, e.y.cols], [3, 7, 2, 7]);
  const n = generateData('nrt', new Rng(2), { dx: 6, dy: 5, samples: 20, rank: 3, condition: 10 });
  // A = Y X⁺ (X has full row rank); its non-zero singular values are linspace(2, 0.2, 3).
  const out = execFileSync('python3', ['-c', `import json,sys,numpy as np
d=json.load(sys.stdin); x=np.array(d['x']); y=np.array(d['y'])
print(json.dumps(np.linalg.svd(y@np.linalg.pinv(x), compute_uv=False).tolist()))`], { input: JSON.stringify({ x: toRows(n.x), y: toRows(n.y) }) }).toString();
  const s = JSON.parse(out) as number[];
  [2, 1.1, 0.2].forEach((v, k) => assert.ok(Math.abs(s[k] - v) <= 1e-12, `σ_${k + 1} = ${s[k]}, want ${v}`));
  for (const v of s.slice(3)) assert.ok(v <= 1e-12);
});

test('generator settings that do not fit are named, one message each', () => {
  assert.deepEqual(generatorParamsProblems('report-sec5', { rank: 2, noise: -1 }), ['noise: must be a finite number ≥ 0', 'rank: report-sec5 takes samples, noise']);
  assert.deepEqual(generatorParamsProblems('nrt', { dx: 3, rank: 4 }), ['rank: 4 exceeds min(d_x, d_y) = 3']);
  assert.deepEqual(generatorParamsProblems('ln-pgd', { samples: 3 }), ['samples: ln-pgd takes no settings']);
  assert.deepEqual(generatorParamsProblems('nrt', { condition: 0.5 }), ['condition: must be a finite number ≥ 1 (σ_1/σ_r)']);
  assert.throws(() => generateData('nrt', new Rng(0), { rank: 9 }), /nrt: rank: 9 exceeds min\(d_x, d_y\) = 8/);
});

test('saxe: whitened inputs (X̃X̃ᵀ = I) and Σ_YX = ỸX̃ᵀ with singular values 3, 2, 1.5, 1, 0.5 (eigenvalues of Σ_YXᵀΣ_YX)', () => {
  const { x, y } = saxe(new Rng(2), { m: 40 });
  assert.deepEqual([x.rows, x.cols, y.rows, y.cols], [5, 40, 5, 40]);
  const dot = (a: Mat, i: number, b: Mat, j: number) => { let v = 0; for (let k = 0; k < a.cols; k++) v += a.data[i * a.cols + k] * b.data[j * b.cols + k]; return v; };
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) assert.ok(Math.abs(dot(x, i, x, j) - (i === j ? 1 : 0)) < 1e-12, `X̃X̃ᵀ[${i}][${j}]`);
  const syx = Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => dot(y, i, x, j)));
  const gram = { rows: 5, cols: 5, data: Float64Array.from({ length: 25 }, (_, k) => syx.reduce((v, r) => v + r[Math.floor(k / 5)] * r[k % 5], 0)) };
  const sv = Array.from(eigh(gram).values, (v) => Math.sqrt(v)).reverse();
  [3, 2, 1.5, 1, 0.5].forEach((s, i) => assert.ok(Math.abs(sv[i] - s) < 1e-12, `σ_${i + 1} = ${sv[i]}`));
  assert.throws(() => saxe(new Rng(2), { m: 4 }), /saxe: 4 samples: whitening 5 inputs needs at least 5/);
  assert.deepEqual(generatorParamsProblems('saxe', { samples: 4 }), ['samples: whitening saxe\'s 5 inputs needs at least 5 samples']);
});
