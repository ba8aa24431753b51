import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Mat, fromRows, toRows, transposed, zeros } from './mat.ts';
import { Rng } from './rng.ts';
import { gemm, matmul, matmulNT, matmulTN, matmulTT } from './matmul.ts';
import { mul } from '../../test/helpers/linalgChecks.ts';

function gaussian(rows: number, cols: number, rng: Rng): Mat {
  const m = zeros(rows, cols);
  rng.fillNormal(m.data);
  return m;
}

function close(a: Mat, b: Mat, tol: number): void {
  assert.deepEqual([a.rows, a.cols], [b.rows, b.cols]);
  for (let i = 0; i < a.data.length; i++) assert.ok(Math.abs(a.data[i] - b.data[i]) <= tol, `entry ${i}: ${a.data[i]} vs ${b.data[i]}`);
}

test('matmul, matmulTN, matmulNT and matmulTT compute a·b, aᵀ·b, a·bᵀ and aᵀ·bᵀ (exact on small integers)', () => {
  const a = fromRows([[1, 2, 3], [4, 5, 6]]), b = fromRows([[1, 0], [2, -1], [0, 3]]);
  const ab = [[5, 7], [14, 13]];
  assert.deepEqual(toRows(matmul(zeros(2, 2), a, b)), ab);
  assert.deepEqual(toRows(matmulTN(zeros(2, 2), transposed(a), b)), ab);
  assert.deepEqual(toRows(matmulNT(zeros(2, 2), a, transposed(b))), ab);
  assert.deepEqual(toRows(matmulTT(zeros(2, 2), transposed(a), transposed(b))), ab);
});

test('gemm accumulates out = α·op(a)·op(b) + β·out against a plain triple loop', () => {
  const rng = new Rng(4);
  const a = gaussian(5, 7, rng), b = gaussian(7, 3, rng), c0 = gaussian(5, 3, rng);
  const want = zeros(5, 3), ab = mul(a, b);
  for (let i = 0; i < want.data.length; i++) want.data[i] = -0.5 * ab.data[i] + 2 * c0.data[i];
  const out = { ...c0, data: c0.data.slice() };
  close(gemm(out, transposed(a), transposed(b), { transA: true, transB: true, alpha: -0.5, beta: 2 }), want, 64 * Number.EPSILON * 8);
  // β = 0 ignores whatever out held, even NaN.
  const dirty = zeros(5, 3);
  dirty.data.fill(Number.NaN);
  close(gemm(dirty, a, b), ab, 0);
});

test('every product names the shapes that do not match', () => {
  const a = zeros(2, 3), b = zeros(4, 2);
  assert.throws(() => matmul(zeros(2, 2), a, b), { name: 'RangeError', message: 'matmul: shapes a 2×3, b 4×2, out 2×2 do not match' });
  assert.throws(() => matmul(zeros(3, 2), a, zeros(3, 2)), /^RangeError: matmul: shapes a 2×3, b 3×2, out 3×2 do not match$/);
  assert.throws(() => matmulTN(zeros(3, 3), a, b), /^RangeError: matmulTN: /);
  assert.throws(() => matmulNT(zeros(2, 4), a, b), /^RangeError: matmulNT: /);
  assert.doesNotThrow(() => matmulTT(zeros(3, 4), a, b), 'aᵀ (3×2) · bᵀ (2×4) fits');
  assert.throws(() => matmulTT(zeros(3, 3), a, b), /^RangeError: matmulTT: /);
  assert.throws(() => gemm(zeros(2, 2), a, b, { transB: true }), /^RangeError: gemm: /);
});

test('out may not alias a or b: the product refuses instead of reading what it overwrites', () => {
  const a = fromRows([[1, 2], [3, 4]]);
  assert.throws(() => matmul(a, a, fromRows([[1, 0], [0, 1]])), { message: 'matmul: out must not alias a or b' });
  assert.deepEqual(toRows(matmulTN(zeros(2, 2), a, a)), [[10, 14], [14, 20]], 'a and b may be one matrix: only out must be apart');
  assert.throws(() => matmulNT(a, fromRows([[1, 0], [0, 1]]), a), { message: 'matmulNT: out must not alias a or b' });
  assert.throws(() => gemm(a, a, a, { beta: 1 }), { message: 'gemm: out must not alias a or b' });
  // The same buffer seen through another Mat is an alias too.
  const view: Mat = { rows: 2, cols: 2, data: a.data };
  assert.throws(() => matmulTT(view, a, fromRows([[1, 0], [0, 1]])), /alias/);
  assert.deepEqual(toRows(a), [[1, 2], [3, 4]], 'a refused product leaves its operands alone');
});

test('a product with an inner dimension of 0 is the zero matrix (β = 0) or β·out', () => {
  const out = fromRows([[1, 2], [3, 4]]);
  assert.deepEqual(toRows(matmul(zeros(2, 2), zeros(2, 0), zeros(0, 2))), [[0, 0], [0, 0]]);
  assert.deepEqual(toRows(gemm(out, zeros(2, 0), zeros(0, 2), { beta: 3 })), [[3, 6], [9, 12]]);
});
