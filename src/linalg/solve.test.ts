import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solve } from './solve.ts';
import { type Mat, eye, fromRows, zeros } from './mat.ts';
import { Rng } from './rng.ts';
import { EPS, frob, hilbert, mul } from '../../test/helpers/linalgChecks.ts';
import { runNumpy } from '../../test/helpers/numpy.ts';

function gaussian(m: number, n: number, rng: Rng): Mat {
  const a = zeros(m, n);
  rng.fillNormal(a.data);
  return a;
}

function diff(a: Mat, b: Mat): number {
  return frob({ rows: a.rows, cols: a.cols, data: a.data.map((x, i) => x - b.data[i]) });
}

function cases(): [string, Mat, Mat][] {
  const rng = new Rng(51);
  return [
    ['1×1', fromRows([[-2]]), fromRows([[6, 1]])],
    ['needs pivoting', fromRows([[0, 1], [1, 0]]), fromRows([[2], [3]])],
    ['tiny leading pivot', fromRows([[1e-20, 1], [1, 1]]), fromRows([[1], [2]])],
    ['Gaussian 30×30, 4 right-hand sides', gaussian(30, 30, rng), gaussian(30, 4, rng)],
    ['Hilbert 8×8', hilbert(8), gaussian(8, 2, rng)],
  ];
}

test('solve(a, b) returns X with ‖AX − B‖ ≤ 4nε‖A‖‖X‖ (backward stable with partial pivoting)', () => {
  for (const [name, a, b] of cases()) {
    const x = solve(a, b);
    assert.deepEqual([x.rows, x.cols], [b.rows, b.cols], name);
    assert.ok(diff(mul(a, x), b) <= 4 * a.rows * EPS * frob(a) * frob(x), `${name}: residual ${diff(mul(a, x), b)}`);
  }
  assert.deepEqual(solve(fromRows([[0, 2], [4, 0]]), fromRows([[2], [8]])), fromRows([[2], [1]]));
  assert.deepEqual(solve(eye(3), eye(3)), eye(3));
});

test('solve matches numpy.linalg.solve to within 4nε·κ(A)·‖X‖', (t) => {
  const all = cases();
  const out = runNumpy(`
res = []
for c in data:
    a = np.array(c['a'], dtype=float).reshape(c['n'], c['n'])
    b = np.array(c['b'], dtype=float).reshape(c['n'], -1)
    res.append({'x': np.linalg.solve(a, b).ravel().tolist(), 'cond': float(np.linalg.cond(a))})
emit(res)`, all.map(([, a, b]) => ({ n: a.rows, a: Array.from(a.data), b: Array.from(b.data) }))) as { x: number[]; cond: number }[] | null;
  if (out === null) { t.skip('python3 with numpy is not available'); return; }
  all.forEach(([name, a, b], c) => {
    const x = solve(a, b), ref = { rows: b.rows, cols: b.cols, data: Float64Array.from(out[c].x) };
    assert.ok(diff(x, ref) <= 4 * a.rows * EPS * out[c].cond * frob(ref), `${name}: ${diff(x, ref)}`);
  });
});

test('solve throws a RangeError naming itself for singular and mismatched systems', () => {
  assert.throws(() => solve(fromRows([[1, 2], [2, 4]]), fromRows([[1], [2]])), { name: 'RangeError', message: /^solve: matrix is singular/ });
  assert.throws(() => solve(zeros(2, 3), zeros(2, 1)), { name: 'RangeError', message: /^solve: / });
  assert.throws(() => solve(eye(2), zeros(3, 1)), { name: 'RangeError', message: /^solve: / });
});
