// The TypeScript gemm's order of operations is a contract (the lane kernels and the generated
// per-shape kernels repeat it, and their results are compared bit for bit with the loops'): checked
// here against the textbook loops of that order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../rng.ts';
import { tsBackend } from './tsBackend.ts';

/** c = alpha·op(a)·op(b) + beta·c in the documented order: beta first, then i-p-j for a·b and aᵀ·b, a dot product per c_ij (p from 0) for a·bᵀ and aᵀ·bᵀ. */
function reference(ta: boolean, tb: boolean, m: number, n: number, k: number, alpha: number, a: Float64Array, b: Float64Array, beta: number, c: Float64Array): void {
  if (beta === 0) c.fill(0, 0, m * n); else if (beta !== 1) for (let i = 0; i < m * n; i++) c[i] *= beta;
  if (alpha === 0 || k === 0) return;
  const A = (i: number, p: number): number => (ta ? a[p * m + i] : a[i * k + p]);
  if (!tb) {
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) { const x = alpha * A(i, p); for (let j = 0; j < n; j++) c[i * n + j] += x * b[p * n + j]; }
  } else {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A(i, p) * b[j * k + p];
      c[i * n + j] += alpha * s;
    }
  }
}

function sameBits(x: Float64Array, y: Float64Array): boolean {
  const a = new BigUint64Array(x.buffer, x.byteOffset, x.length), b = new BigUint64Array(y.buffer, y.byteOffset, y.length);
  return a.every((v, i) => v === b[i]);
}

const shapes: [number, number, number][] = [[1, 1, 1], [5, 5, 1000], [3, 7, 13], [4, 9, 2], [2, 4, 64], [6, 3, 0], [1, 12, 257]];
// Entries of mixed sign and magnitude: sums in another order would round differently.
const draw = (rng: Rng, n: number): Float64Array => Float64Array.from({ length: n }, () => rng.normal() * 10 ** Math.round(rng.uniform() * 6 - 3));

test('the TypeScript gemm keeps its documented order of operations, bit for bit, for every transposition and remainder of four', () => {
  const rng = new Rng(17);
  let orderMatters = 0;
  for (const [m, n, k] of shapes) {
    for (const ta of [false, true]) for (const tb of [false, true]) for (const [alpha, beta] of [[1, 0], [-0.7, 1], [2.5, 0.3]]) {
      const a = draw(rng, m * k), b = draw(rng, k * n), c0 = draw(rng, m * n);
      const want = c0.slice(), got = c0.slice();
      reference(ta, tb, m, n, k, alpha, a, b, beta, want);
      tsBackend.gemm(ta, tb, m, n, k, alpha, a, b, beta, got);
      assert.ok(sameBits(want, got), `${ta ? 't' : 'n'}${tb ? 't' : 'n'} ${m}×${n}×${k}, alpha ${alpha}, beta ${beta}`);
      // The check can tell orders apart: summing each dot product backwards changes some bits.
      if (tb && k > 8) {
        const back = c0.slice();
        if (beta === 0) back.fill(0); else if (beta !== 1) for (let i = 0; i < back.length; i++) back[i] *= beta;
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = k - 1; p >= 0; p--) s += (ta ? a[p * m + i] : a[i * k + p]) * b[j * k + p];
          back[i * n + j] += alpha * s;
        }
        if (!sameBits(back, got)) orderMatters++;
      }
    }
  }
  assert.ok(orderMatters > 10, `${orderMatters} cases where another order gives other bits`);
});
