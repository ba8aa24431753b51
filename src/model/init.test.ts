import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Mat, zeros } from '../linalg/mat.ts';
import { matmul, matmulTN, matmulNT } from '../linalg/matmul.ts';
import { Rng } from '../linalg/rng.ts';
import { singularValues } from '../linalg/svd.ts';
import { initGaussian, initBalanced, initOrthogonal, orthogonalInitIsBalanced, initZero, initialize } from './init.ts';

const EPS = 2.220446049250313e-16;
const SHAPES = [[4, 3], [6, 1, 3], [3, 5, 2, 4], [5, 4, 4, 5], [4, 7, 5, 3, 6, 2], [2, 6, 6, 6, 2]];

/** max_j max_ik |(W_{j+1}ᵀW_{j+1} − W_jW_jᵀ)_ik|, computed with plain matmuls. */
function maxInvariantEntry(w: Mat[]): number {
  let m = 0;
  for (let j = 1; j < w.length; j++) {
    const d = w[j - 1].rows;
    const a = matmulTN(zeros(d, d), w[j], w[j]), b = matmulNT(zeros(d, d), w[j - 1], w[j - 1]);
    for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  }
  return m;
}

function productOf(w: Mat[]): Mat {
  return w.slice(1).reduce((acc, x) => matmul(zeros(x.rows, acc.cols), x, acc), w[0]);
}

function sameBits(a: Mat[], b: Mat[]): boolean {
  return a.length === b.length && a.every((m, j) => m.rows === b[j].rows && m.cols === b[j].cols &&
    Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength).equals(Buffer.from(b[j].data.buffer, b[j].data.byteOffset, b[j].data.byteLength)));
}

function assertShapes(w: Mat[], dims: number[]): void {
  assert.equal(w.length, dims.length - 1);
  w.forEach((m, j) => assert.deepEqual([m.rows, m.cols], [dims[j + 1], dims[j]]));
}

test('initGaussian draws N(0, std²) entries of the right shapes, reproducibly from the seed', () => {
  const dims = [40, 30, 50], std = 0.3;
  const w = initGaussian(dims, new Rng(1), std);
  assertShapes(w, dims);
  let s = 0, s2 = 0, n = 0;
  for (const m of w) for (const v of m.data) { s += v; s2 += v * v; n++; }
  const mean = s / n, sd = Math.sqrt(s2 / n - mean * mean);
  assert.ok(Math.abs(mean) < 5 * std / Math.sqrt(n), `mean ${mean}`);
  assert.ok(Math.abs(sd / std - 1) < 5 / Math.sqrt(2 * n), `std ${sd}`);
  assert.ok(sameBits(w, initGaussian(dims, new Rng(1), std)));
  assert.ok(!sameBits(w, initGaussian(dims, new Rng(2), std)));
});

test('initBalanced gives C_j = 0 up to rounding for arbitrary widths, with k singular values |s| per layer', () => {
  for (const dims of SHAPES) {
    const rMax = Math.min(...dims);
    for (const rank of [undefined, Math.max(rMax - 1, 0)]) {
      const s = 1.3, k = rank ?? rMax, n = dims.length - 1;
      const w = initBalanced(dims, new Rng(17), s, rank);
      assertShapes(w, dims);
      const dMax = Math.max(...dims);
      assert.ok(maxInvariantEntry(w) <= 10 * dMax * EPS * s * s, `dims [${dims}] k=${k}: C_j entry ${maxInvariantEntry(w)}`);
      for (const m of w) {
        const sv = singularValues(m);
        for (let i = 0; i < sv.length; i++) {
          const want = i < k ? s : 0;
          assert.ok(Math.abs(sv[i] - want) <= 10 * dMax * EPS * s, `dims [${dims}] k=${k}: σ_${i + 1} = ${sv[i]}, want ${want}`);
        }
      }
      const sp = singularValues(productOf(w));
      for (let i = 0; i < sp.length; i++) {
        const want = i < k ? s ** n : 0;
        assert.ok(Math.abs(sp[i] - want) <= 10 * n * dMax * EPS * s ** n, `dims [${dims}]: σ_${i + 1}(P) = ${sp[i]}, want ${want}`);
      }
    }
  }
});

test('initOrthogonal makes every singular value |s|, and is balanced exactly when orthogonalInitIsBalanced says so', () => {
  const expected: Record<string, boolean> = {
    '4,3': true, '6,1,3': true, '3,5,2,4': false, '5,4,4,5': true, '4,7,5,3,6,2': false, '2,6,6,6,2': false,
  };
  for (const dims of SHAPES) {
    const s = 0.8;
    const w = initOrthogonal(dims, new Rng(23), s);
    assertShapes(w, dims);
    for (const m of w) {
      const sv = singularValues(m);
      assert.equal(sv.length, Math.min(m.rows, m.cols));
      for (const v of sv) assert.ok(Math.abs(v - s) <= 20 * EPS * s, `dims [${dims}]: σ = ${v}`);
    }
    const balanced = orthogonalInitIsBalanced(dims);
    assert.equal(balanced, expected[dims.join(',')], `dims [${dims}]`);
    const c = maxInvariantEntry(w);
    if (balanced) assert.ok(c <= 100 * EPS * s * s, `dims [${dims}]: C entry ${c}`);
    else assert.ok(c > 0.01 * s * s, `dims [${dims}]: C entry ${c} should be of order s²`);
  }
});

test('initZero gives zero matrices of the right shapes', () => {
  const w = initZero([3, 5, 2]);
  assertShapes(w, [3, 5, 2]);
  assert.ok(w.every((m) => m.data.every((v) => v === 0)));
});

test('initialize dispatches on spec.kind with the same draws as the direct calls', () => {
  const dims = [3, 5, 2, 4];
  assert.ok(sameBits(initialize(dims, { kind: 'gaussian', std: 0.2 }, new Rng(4)), initGaussian(dims, new Rng(4), 0.2)));
  assert.ok(sameBits(initialize(dims, { kind: 'balanced', scale: 2 }, new Rng(4)), initBalanced(dims, new Rng(4), 2)));
  assert.ok(sameBits(initialize(dims, { kind: 'orthogonal', scale: 2 }, new Rng(4)), initOrthogonal(dims, new Rng(4), 2)));
  assert.ok(sameBits(initialize(dims, { kind: 'zero' }, new Rng(4)), initZero(dims)));
});

test("initialize({kind: 'weights'}) returns a deep copy and rejects weights of the wrong shapes", () => {
  const dims = [3, 5, 2];
  const given = initGaussian(dims, new Rng(8), 1);
  const got = initialize(dims, { kind: 'weights', weights: given }, new Rng(0));
  assert.ok(sameBits(got, given));
  got[0].data[0] += 1;
  assert.notEqual(got[0].data[0], given[0].data[0]);
  assert.throws(() => initialize([3, 4, 2], { kind: 'weights', weights: given }, new Rng(0)), /W1 has shape 5×3, but widths 3,4,2 need 4×3/);
  assert.throws(() => initialize([3, 5, 2, 1], { kind: 'weights', weights: given }, new Rng(0)), /2 weight matrices, but widths 3,5,2,1 need 3/);
});

test('initializers reject bad parameters with a message naming them', () => {
  assert.throws(() => initGaussian([2, 2], new Rng(0), -1), /std must be a finite non-negative number/);
  assert.throws(() => initBalanced([3, 2, 4], new Rng(0), 1, 3), /rank must be an integer in \[0, 2\]/);
  assert.throws(() => initOrthogonal([3, 2], new Rng(0), Number.NaN), /scale must be a finite number/);
  assert.throws(() => initZero([3]), /at least two widths/);
});
