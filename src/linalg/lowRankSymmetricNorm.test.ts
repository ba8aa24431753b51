import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zeros } from './mat.ts';
import { matmul } from './matmul.ts';
import { Rng } from './rng.ts';
import { frobenius, symmetricSpectralNorm } from './norms.ts';
import { lowRankSymmetricNorm } from './lowRankSymmetricNorm.ts';

/** The dense B·diag(s)·Bᵀ. */
function dense(b: ReturnType<typeof zeros>, s: Float64Array): ReturnType<typeof zeros> {
  const bs = zeros(b.rows, b.cols);
  for (let i = 0; i < b.rows; i++) for (let a = 0; a < b.cols; a++) bs.data[i * b.cols + a] = b.data[i * b.cols + a] * s[a];
  const bt = zeros(b.cols, b.rows);
  for (let i = 0; i < b.rows; i++) for (let a = 0; a < b.cols; a++) bt.data[a * b.rows + i] = b.data[i * b.cols + a];
  return matmul(zeros(b.rows, b.rows), bs, bt);
}

test('‖B·S·Bᵀ‖₂ and ‖·‖_F from the r×r problem equal the dense d×d computation', () => {
  const rng = new Rng(7);
  for (const [d, r, scale] of [[30, 4, 1], [60, 9, 1e-3], [40, 13, 50], [12, 11, 1], [25, 1, 2]] as const) {
    const b = zeros(d, r);
    for (let i = 0; i < b.data.length; i++) b.data[i] = scale * rng.normal();
    const s = new Float64Array(r);
    for (let a = 0; a < r; a++) s[a] = rng.uniform() < 0.5 ? 1 : -1;
    const m = dense(b, s), big = frobenius(b) ** 2;
    const tol = 64 * r * Number.EPSILON * big;
    assert.ok(Math.abs(lowRankSymmetricNorm(b, s) - symmetricSpectralNorm(m)) <= tol, `spectral d=${d} r=${r}`);
    assert.ok(Math.abs(lowRankSymmetricNorm(b, s, 'frobenius') - frobenius(m)) <= tol, `frobenius d=${d} r=${r}`);
  }
});

test('cancelling factors give 0, rank-deficient B is exact, and a NaN gives NaN', () => {
  const b = zeros(20, 2);
  for (let i = 0; i < 20; i++) { b.data[2 * i] = i + 1; b.data[2 * i + 1] = i + 1; }
  assert.ok(lowRankSymmetricNorm(b, Float64Array.of(1, -1)) <= 64 * Number.EPSILON * 2 * 2870);
  // Two equal positive columns: ‖2·bbᵀ‖ = 2‖b‖² = 2·Σ i² = 5740.
  assert.ok(Math.abs(lowRankSymmetricNorm(b, Float64Array.of(1, 1)) - 5740) <= 1e-12 * 5740);
  b.data[5] = Number.NaN;
  assert.ok(Number.isNaN(lowRankSymmetricNorm(b, Float64Array.of(1, 1))));
  assert.throws(() => lowRankSymmetricNorm(b, Float64Array.of(1)), /1 signs for 2 columns/);
});
