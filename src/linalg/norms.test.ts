import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { frobenius, spectralNorm, symmetricSpectralNorm } from './norms.ts';
import { type Mat, fromRows, toRows, zeros } from './mat.ts';
import { Rng } from './rng.ts';
import { EPS, hilbert, randomSymmetric } from '../../test/helpers/linalgChecks.ts';
import { runNumpy } from '../../test/helpers/numpy.ts';

function gaussian(m: number, n: number, rng: Rng): Mat {
  const a = zeros(m, n);
  rng.fillNormal(a.data);
  return a;
}

test('frobenius(a) is √(Σ a_ij²) and neither overflows nor underflows', () => {
  assert.equal(frobenius(fromRows([[3, 4], [0, 0]])), 5);
  assert.ok(Math.abs(frobenius(fromRows([[3e200, 4e200]])) - 5e200) <= 2 * EPS * 5e200);
  assert.ok(Math.abs(frobenius(fromRows([[3e-200], [-4e-200]])) - 5e-200) <= 2 * EPS * 5e-200);
  assert.equal(frobenius(zeros(3, 2)), 0);
  assert.equal(frobenius(zeros(0, 4)), 0);
  const a = gaussian(13, 7, new Rng(1));
  const plain = Math.sqrt(a.data.reduce((s, x) => s + x * x, 0));
  assert.ok(Math.abs(frobenius(a) - plain) <= 91 * EPS * plain);
});

test('spectralNorm(a) is σ₁: 4 for diag(3, −4), ‖u‖‖v‖ for u·vᵀ, 0 for zero and empty matrices', () => {
  assert.equal(spectralNorm(fromRows([[3, 0], [0, -4]])), 4);
  const u = [1, -2, 2], v = [3, 4];
  const outer = fromRows(u.map((x) => v.map((y) => x * y)));
  assert.ok(Math.abs(spectralNorm(outer) - 15) <= 4 * 3 * EPS * 15);
  assert.equal(spectralNorm(zeros(2, 5)), 0);
  assert.equal(spectralNorm(zeros(0, 5)), 0);
});

test('symmetricSpectralNorm(a) is max|λ|: 5 for diag(−5, 2), σ₁ for symmetric a, from the lower triangle only', () => {
  assert.equal(symmetricSpectralNorm(fromRows([[-5, 0], [0, 2]])), 5);
  assert.equal(symmetricSpectralNorm(fromRows([[-5, 1e30], [0, 2]])), 5);
  const a = randomSymmetric(30, new Rng(2)), s = spectralNorm(a);
  assert.ok(Math.abs(symmetricSpectralNorm(a) - s) <= 8 * 30 * EPS * s);
  assert.equal(symmetricSpectralNorm(zeros(0, 0)), 0);
});

test('spectralNorm agrees with ml-matrix and with numpy.linalg.norm(a, 2) to within 4·max(m,n)·ε‖A‖₂', (t) => {
  const rng = new Rng(3);
  const cases = [gaussian(1, 1, rng), gaussian(7, 3, rng), gaussian(3, 7, rng), gaussian(40, 40, rng), hilbert(8), randomSymmetric(9, rng)];
  for (const a of cases) {
    const ref = new SingularValueDecomposition(new Matrix(toRows(a)), { autoTranspose: true }).norm2;
    assert.ok(Math.abs(spectralNorm(a) - ref) <= 4 * Math.max(a.rows, a.cols) * EPS * ref);
  }
  const out = runNumpy(`emit([float(np.linalg.norm(np.array(c['a']).reshape(c['m'], c['n']), 2)) for c in data])`,
    cases.map((a) => ({ m: a.rows, n: a.cols, a: Array.from(a.data) }))) as number[] | null;
  if (out === null) { t.skip('python3 with numpy is not available'); return; }
  cases.forEach((a, i) => assert.ok(Math.abs(spectralNorm(a) - out[i]) <= 4 * Math.max(a.rows, a.cols) * EPS * out[i], `case ${i}`));
});

test('spectral norms of non-finite matrices are NaN or ∞ like the Frobenius norm', () => {
  assert.ok(Number.isNaN(spectralNorm(fromRows([[1, NaN]]))));
  assert.equal(spectralNorm(fromRows([[1], [-Infinity]])), Infinity);
  assert.ok(Number.isNaN(symmetricSpectralNorm(fromRows([[1, 0], [NaN, 1]]))));
  assert.equal(symmetricSpectralNorm(fromRows([[1, NaN], [0, 1]])), 1);
});
