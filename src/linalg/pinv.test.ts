import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numericalRank, pinv } from './pinv.ts';
import { solve } from './solve.ts';
import { type Mat, eye, fromRows, transposed, zeros } from './mat.ts';
import { Rng } from './rng.ts';
import { EPS, frob, hilbert, mul, withSingularValues } from '../../test/helpers/linalgChecks.ts';
import { runNumpy } from '../../test/helpers/numpy.ts';

function diff(a: Mat, b: Mat): number {
  return frob({ rows: a.rows, cols: a.cols, data: a.data.map((x, i) => x - b.data[i]) });
}

/** Cases with their exact rank r and σ₁/σ_r (the condition number that bounds pinv's error). */
function cases(): [string, Mat, number, number][] {
  const rng = new Rng(41), g = zeros(7, 4);
  rng.fillNormal(g.data);
  return [
    ['1×1', fromRows([[-4]]), 1, 1],
    ['full rank tall 7×4', withSingularValues(7, 4, [3, 2, 1, 0.5], rng), 4, 6],
    ['full rank wide 3×6', withSingularValues(3, 6, [1, 1, 0.1], rng), 3, 10],
    ['rank 2 of 6×5', withSingularValues(6, 5, [4, 1], rng), 2, 4],
    ['rank 1 of 4×9', withSingularValues(4, 9, [2], rng), 1, 1],
    ['zero 3×2', zeros(3, 2), 0, 1],
  ];
}

test('pinv(a) satisfies the four Penrose conditions to within 8·max(m,n)·ε·σ₁/σ_r', () => {
  for (const [name, a, , kappa] of cases()) {
    const x = pinv(a), ax = mul(a, x), xa = mul(x, a), tol = 8 * Math.max(a.rows, a.cols) * EPS * kappa;
    assert.deepEqual([x.rows, x.cols], [a.cols, a.rows], name);
    assert.ok(diff(mul(ax, a), a) <= tol * Math.max(frob(a), 1), `${name}: A·A⁺·A = A`);
    assert.ok(diff(mul(xa, x), x) <= tol * Math.max(frob(x), 1), `${name}: A⁺·A·A⁺ = A⁺`);
    assert.ok(diff(ax, transposed(ax)) <= tol, `${name}: A·A⁺ symmetric`);
    assert.ok(diff(xa, transposed(xa)) <= tol, `${name}: A⁺·A symmetric`);
  }
});

test('pinv closed forms: the inverse of a nonsingular matrix, vᵀ/‖v‖² for a column, zero for zero', () => {
  const a = fromRows([[4, 1, 0], [1, 3, 1], [0, 1, 2]]), inv = solve(a, eye(3));
  assert.ok(diff(pinv(a), inv) <= 4 * 3 * EPS * 10 * frob(inv));
  const v = fromRows([[3], [0], [-4]]);
  assert.ok(diff(pinv(v), fromRows([[3 / 25, 0, -4 / 25]])) <= 4 * EPS / 5);
  assert.deepEqual(pinv(zeros(2, 3)), zeros(3, 2));
  assert.deepEqual(pinv(fromRows([[2, 0], [0, 0], [0, 0]])), fromRows([[0.5, 0, 0], [0, 0, 0]]));
});

test('numericalRank counts σ_i > rtol·σ₁ with rtol = max(m,n)·ε by default', () => {
  for (const [name, a, r] of cases()) assert.equal(numericalRank(a), r, name);
  const graded = withSingularValues(5, 5, [1, 1e-3, 1e-9, 1e-13, 0], new Rng(2));
  assert.equal(numericalRank(graded), 4);
  assert.equal(numericalRank(graded, 1e-6), 2);
  assert.equal(numericalRank(eye(6)), 6);
  assert.equal(numericalRank(zeros(0, 4)), 0);
  // pinv drops exactly the values that numericalRank does not count.
  assert.ok(frob(pinv(graded, 1e-6)) < 2e3);
});

test('pinv and numericalRank agree with numpy (pinv with rtol=None, matrix_rank)', (t) => {
  // Hilbert 12×12 has σ₁/σ_r ≈ 1e16: only its rank is compared, pinv's entries are not determined.
  const all: [string, Mat, number][] = [...cases().map(([name, a, , kappa]) => [name, a, kappa] as [string, Mat, number]), ['Hilbert 12×12', hilbert(12), Infinity]];
  const out = runNumpy(`
res = []
for c in data:
    a = np.array(c['a'], dtype=float).reshape(c['m'], c['n'])
    res.append({'pinv': np.linalg.pinv(a, rtol=None).ravel().tolist(), 'rank': int(np.linalg.matrix_rank(a))})
emit(res)`, all.map(([, a]) => ({ m: a.rows, n: a.cols, a: Array.from(a.data) }))) as { pinv: number[]; rank: number }[] | null;
  if (out === null) { t.skip('python3 with numpy is not available'); return; }
  all.forEach(([name, a, kappa], c) => {
    assert.equal(numericalRank(a), out[c].rank, name);
    if (!Number.isFinite(kappa)) return;
    const ref = { rows: a.cols, cols: a.rows, data: Float64Array.from(out[c].pinv) };
    assert.ok(diff(pinv(a), ref) <= 8 * Math.max(a.rows, a.cols) * EPS * kappa * Math.max(frob(ref), 1), `${name}: ${diff(pinv(a), ref)}`);
  });
});

test('pinv and numericalRank reject non-finite entries and a negative rtol with a RangeError naming the function', () => {
  assert.throws(() => pinv(fromRows([[1, NaN]])), { name: 'RangeError', message: /^pinv: matrix has non-finite entries/ });
  assert.throws(() => numericalRank(fromRows([[Infinity]])), { name: 'RangeError', message: /^numericalRank: matrix has non-finite entries/ });
  assert.throws(() => pinv(eye(2), -1), { name: 'RangeError', message: /^pinv: rtol must be a non-negative number/ });
});
