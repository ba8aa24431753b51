import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cholesky, invSqrtSPD, solveSPD } from './cholesky.ts';
import { type Mat, eye, fromRows, transposed, zeros } from './mat.ts';
import { Rng } from './rng.ts';
import { EPS, frob, hilbert, mul, withSpectrum } from '../../test/helpers/linalgChecks.ts';
import { runNumpy } from '../../test/helpers/numpy.ts';

/** Symmetric positive definite test matrices with their 2-norm condition numbers where known. */
function cases(): [string, Mat][] {
  const rng = new Rng(31);
  return [
    ['1×1', fromRows([[4]])],
    ['diagonal', fromRows([[2, 0, 0], [0, 9, 0], [0, 0, 0.25]])],
    ['well conditioned 10×10', withSpectrum([1, 1.5, 2, 2, 3, 4, 5, 6, 7, 8], rng)],
    ['κ = 1e8, 12×12', withSpectrum(Array.from({ length: 12 }, (_, i) => 10 ** (-8 * i / 11)), rng)],
    ['Hilbert 8×8', hilbert(8)],
  ];
}

function diff(a: Mat, b: Mat): number {
  return frob({ rows: a.rows, cols: a.cols, data: a.data.map((x, i) => x - b.data[i]) });
}

test('cholesky(a) is lower triangular with positive diagonal and ‖A − LLᵀ‖ ≤ 4nε‖A‖', () => {
  for (const [name, a] of cases()) {
    const n = a.rows, l = cholesky(a);
    for (let i = 0; i < n; i++) {
      assert.ok(l.data[i * n + i] > 0, `${name}: pivot ${i}`);
      for (let j = i + 1; j < n; j++) assert.equal(l.data[i * n + j], 0, `${name}: l(${i},${j})`);
    }
    assert.ok(diff(mul(l, transposed(l)), a) <= 4 * n * EPS * frob(a), `${name}: residual`);
  }
});

test('cholesky reads only the lower triangle and matches numpy.linalg.cholesky to within 4nε·κ(A)·‖L‖', (t) => {
  const all = cases();
  for (const [name, a] of all) {
    const n = a.rows, b = zeros(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b.data[i * n + j] = j <= i ? a.data[i * n + j] : -1e9;
    assert.deepEqual(cholesky(b), cholesky(a), name);
  }
  const out = runNumpy(`
res = []
for c in data:
    a = np.array(c, dtype=float).reshape(int(len(c) ** 0.5), -1)
    res.append({'l': np.linalg.cholesky(a).ravel().tolist(), 'cond': float(np.linalg.cond(a))})
emit(res)`, all.map(([, a]) => Array.from(a.data))) as { l: number[]; cond: number }[] | null;
  if (out === null) { t.skip('python3 with numpy is not available'); return; }
  all.forEach(([name, a], c) => {
    const l = cholesky(a), ref = { rows: a.rows, cols: a.cols, data: Float64Array.from(out[c].l) };
    assert.ok(diff(l, ref) <= 4 * a.rows * EPS * out[c].cond * frob(ref), `${name}: ${diff(l, ref)}`);
  });
});

test('cholesky throws a RangeError naming itself for indefinite, singular and non-square input', () => {
  for (const a of [fromRows([[1, 2], [2, 1]]), zeros(3, 3), fromRows([[-1]]), fromRows([[1, 0], [0, NaN]])]) {
    assert.throws(() => cholesky(a), { name: 'RangeError', message: /^cholesky: matrix is not positive definite/ });
  }
  assert.throws(() => cholesky(zeros(2, 3)), { name: 'RangeError', message: /^cholesky: matrix must be square/ });
});

test('solveSPD(a, b) solves a·X = b: exactly for diag(4, 16), with ‖AX − B‖ ≤ 4nε‖A‖‖X‖ otherwise', () => {
  assert.deepEqual(solveSPD(fromRows([[4, 0], [0, 16]]), fromRows([[4, 12], [16, -32]])), fromRows([[1, 3], [1, -2]]));
  const rng = new Rng(8);
  for (const [name, a] of cases()) {
    const b = zeros(a.rows, 3);
    rng.fillNormal(b.data);
    const x = solveSPD(a, b);
    assert.ok(diff(mul(a, x), b) <= 4 * a.rows * EPS * frob(a) * frob(x), `${name}: residual`);
  }
  assert.throws(() => solveSPD(eye(3), zeros(2, 1)), { name: 'RangeError', message: /^solveSPD: / });
});

test('invSqrtSPD(a) is symmetric with X·A·X = I to within 4nε·κ(A), and diag(4, 9) gives diag(1/2, 1/3)', () => {
  assert.deepEqual(invSqrtSPD(fromRows([[4, 0], [0, 9]])), fromRows([[0.5, 0], [0, 1 / 3]]));
  const rng = new Rng(12);
  for (const lam of [[1, 2, 3, 4, 5], [1e-6, 1, 1, 10], Array.from({ length: 20 }, (_, i) => 1 + i)]) {
    const n = lam.length, kappa = Math.max(...lam) / Math.min(...lam), a = withSpectrum(lam, rng), y = invSqrtSPD(a);
    assert.deepEqual(y, transposed(y));
    assert.ok(diff(mul(mul(y, a), y), eye(n)) <= 4 * n * EPS * kappa, `λ = ${lam}: ${diff(mul(mul(y, a), y), eye(n))}`);
  }
});

test('invSqrtSPD throws a RangeError naming itself for singular, indefinite and non-square input', () => {
  for (const a of [fromRows([[1, 1], [1, 1]]), fromRows([[1, 0], [0, -1]]), zeros(2, 2)]) {
    assert.throws(() => invSqrtSPD(a), { name: 'RangeError', message: /^invSqrtSPD: matrix is not positive definite/ });
  }
  assert.throws(() => invSqrtSPD(zeros(1, 2)), { name: 'RangeError', message: /^invSqrtSPD: matrix must be square/ });
});
