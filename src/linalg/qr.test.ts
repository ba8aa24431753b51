import { test } from 'node:test';
import assert from 'node:assert/strict';
import { qr } from './qr.ts';
import { type Mat, fromRows, zeros } from './mat.ts';
import { Rng } from './rng.ts';
import { EPS, frob, hilbert, mul, orthogonalityError, withSingularValues } from '../../test/helpers/linalgChecks.ts';
import { runNumpy } from '../../test/helpers/numpy.ts';

function gaussian(m: number, n: number, rng: Rng): Mat {
  const a = zeros(m, n);
  rng.fillNormal(a.data);
  return a;
}

function cases(): [string, Mat][] {
  const rng = new Rng(5);
  return [
    ['1×1', fromRows([[-3]])],
    ['column 5×1', gaussian(5, 1, rng)],
    ['row 1×5', gaussian(1, 5, rng)],
    ['square 12×12', gaussian(12, 12, rng)],
    ['tall 40×9', gaussian(40, 9, rng)],
    ['wide 6×15', gaussian(6, 15, rng)],
    ['zero 4×3', zeros(4, 3)],
    ['rank 2 of 8×6', withSingularValues(8, 6, [3, 1], rng)],
    ['Hilbert 8×8', hilbert(8)],
  ];
}

function check(name: string, a: Mat, full: boolean): void {
  const { rows: m, cols: n } = a, k = Math.min(m, n), tol = 4 * Math.max(m, n) * EPS;
  const { q, r } = qr(a, { full });
  assert.deepEqual([q.rows, q.cols, r.rows, r.cols], full ? [m, m, m, n] : [m, k, k, n], name);
  for (let i = 0; i < r.rows; i++) for (let j = 0; j < Math.min(i, n); j++) assert.equal(r.data[i * n + j], 0, `${name}: r(${i},${j})`);
  assert.ok(orthogonalityError(q) <= tol, `${name}: orthogonality ${orthogonalityError(q)}`);
  const qr_ = mul(q, r);
  for (let i = 0; i < qr_.data.length; i++) qr_.data[i] -= a.data[i];
  const na = frob(a);
  assert.ok(frob(qr_) <= tol * (na === 0 ? 1 : na), `${name}: residual ${frob(qr_) / na}`);
}

test('qr(a) returns orthonormal q (m×k), upper-triangular r (k×n) and ‖A − QR‖ ≤ 4·max(m,n)·ε‖A‖', () => {
  for (const [name, a] of cases()) check(name, a, false);
});

test('qr(a, { full: true }) returns orthogonal q (m×m) and upper-triangular r (m×n) with a = q·r', () => {
  for (const [name, a] of cases()) check(name, a, true);
});

test('qr(a) has the |r_ii| of numpy.linalg.qr (unique up to sign) to within 4·max(m,n)·ε‖A‖', (t) => {
  const all = cases();
  const out = runNumpy(`emit([np.abs(np.diag(np.linalg.qr(np.array(c['a']).reshape(c['m'], c['n']))[1])).tolist() for c in data])`,
    all.map(([, a]) => ({ m: a.rows, n: a.cols, a: Array.from(a.data) }))) as number[][] | null;
  if (out === null) { t.skip('python3 with numpy is not available'); return; }
  all.forEach(([name, a], c) => {
    const { r } = qr(a), tol = 4 * Math.max(a.rows, a.cols) * EPS * frob(a);
    out[c].forEach((x, i) => assert.ok(Math.abs(Math.abs(r.data[i * a.cols + i]) - x) <= tol, `${name}: |r_${i}${i}|`));
  });
});

test('qr of an empty matrix gives empty factors', () => {
  const { q, r } = qr(zeros(3, 0));
  assert.deepEqual([q.rows, q.cols, r.rows, r.cols], [3, 0, 0, 0]);
});
