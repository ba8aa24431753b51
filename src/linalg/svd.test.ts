import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBackend } from '../../test/helpers/forEachBackend.ts';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { JACOBI_SVD_MAX_N, singularValues, svd } from './svd.ts';
import { type Mat, eye, fromRows, toRows, transposed, zeros } from './mat.ts';
import { Rng } from './rng.ts';
import { EPS, hilbert, noWorseThan, orthogonalityError, svdResidual, withSingularValues } from '../../test/helpers/linalgChecks.ts';
import { runNumpy } from '../../test/helpers/numpy.ts';
import { type KernelBackend, getBackend, setBackend } from './backend.ts';

/** Runs f with backend b selected, restoring the previous backend afterwards. */
function withBackend<T>(b: KernelBackend, f: () => T): T {
  const prev = setBackend(b);
  try { return f(); } finally { setBackend(prev); }
}

function gaussian(m: number, n: number, rng: Rng, std = 1): Mat {
  const a = zeros(m, n);
  rng.fillNormal(a.data, std);
  return a;
}

/** Shapes 1×1 to 64×64, tall, wide, rank-deficient, repeated and graded spectra, scaling extremes. */
function cases(): [string, Mat][] {
  const rng = new Rng(17);
  const graded = gaussian(9, 7, rng), dupCols = gaussian(10, 6, rng), outer = zeros(7, 5);
  for (let i = 0; i < 9; i++) for (let j = 0; j < 7; j++) graded.data[i * 7 + j] *= 10 ** -(2 * j);
  for (let i = 0; i < 10; i++) { dupCols.data[i * 6 + 4] = dupCols.data[i * 6 + 1]; dupCols.data[i * 6 + 5] = 0; }
  for (let i = 0; i < 7; i++) for (let j = 0; j < 5; j++) outer.data[i * 5 + j] = (i - 3) * (j + 1);
  return [
    ['1×1', fromRows([[-2]])],
    ['1×1 zero', zeros(1, 1)],
    ['column 6×1', gaussian(6, 1, rng)],
    ['row 1×6', gaussian(1, 6, rng)],
    ['tall 5×3', gaussian(5, 3, rng)],
    ['wide 3×5', gaussian(3, 5, rng)],
    ['square 20×20', gaussian(20, 20, rng)],
    ['tall 60×17', gaussian(60, 17, rng)],
    ['wide 17×60', gaussian(17, 60, rng)],
    ['square 64×64', gaussian(64, 64, rng)],
    ['tall 90×72', gaussian(90, 72, rng)],
    ['zero 4×6', zeros(4, 6)],
    ['rectangular identity 5×7', eye(5, 7)],
    ['rank 3 of 12×8', withSingularValues(12, 8, [5, 3, 1], rng)],
    ['rank 1 integer outer product', outer],
    ['repeated singular values', withSingularValues(9, 9, [2, 2, 2, 1, 1, 1, 1, 0.5, 0.5], rng)],
    ['clustered singular values', withSingularValues(8, 6, [1, 1 + 1e-13, 1 + 2e-13, 1e-3, 1e-3 + 1e-16, 0], rng)],
    ['duplicate and zero columns', dupCols],
    ['Hilbert 8×8', hilbert(8)],
    ['graded columns 9×7', graded],
    ['scaled by 1e200', gaussian(7, 4, rng, 1e200)],
    ['scaled by 1e-200', gaussian(4, 7, rng, 1e-200)],
  ];
}

function checkDecomposition(name: string, a: Mat, full: boolean): void {
  const { rows: m, cols: n } = a, k = Math.min(m, n), tol = 4 * Math.max(m, n) * EPS;
  const { u, s, vt } = svd(a, { full });
  assert.deepEqual([u.rows, u.cols, s.length, vt.rows, vt.cols], full ? [m, m, k, n, n] : [m, k, k, k, n], name);
  for (let i = 0; i < k; i++) assert.ok(s[i] >= 0 && (i === 0 || s[i] <= s[i - 1]), `${name}: s not descending and non-negative at ${i}`);
  assert.ok(svdResidual(a, u, s, vt) <= tol, `${name}: residual ${svdResidual(a, u, s, vt)}`);
  assert.ok(orthogonalityError(u) <= tol, `${name}: u orthogonality ${orthogonalityError(u)}`);
  assert.ok(orthogonalityError(transposed(vt)) <= tol, `${name}: vt orthogonality ${orthogonalityError(transposed(vt))}`);
}

forEachBackend(() => {
  test('svd(a) returns descending s, orthonormal u and vt and a backward error within 4·max(m,n)·ε‖A‖', () => {
    for (const [name, a] of cases()) checkDecomposition(name, a, false);
  });

  test('svd(a, { full: true }) returns square orthogonal u (m×m) and vt (n×n) that reproduce a', () => {
    for (const [name, a] of cases()) checkDecomposition(name, a, true);
  });

  test('singularValues(a) equals svd(a).s to within 4·max(m,n)·ε·σ₁', () => {
    for (const [name, a] of cases()) {
      const s1 = singularValues(a), s2 = svd(a).s, tol = 4 * Math.max(a.rows, a.cols) * EPS * s2[0];
      for (let i = 0; i < s1.length; i++) assert.ok(Math.abs(s1[i] - s2[i]) <= tol, `${name}: σ${i} ${s1[i]} vs ${s2[i]}`);
    }
  });

  test('svd(U·diag(σ)·Vᵀ) recovers σ to within 4·max(m,n)·ε·σ₁, and svd(diag(3, −4, 0)) gives 4, 3, 0', () => {
    const rng = new Rng(23);
    for (const [m, n, sigma] of [[6, 4, [9, 4, 4, 1e-9]], [3, 8, [1, 1, 1]], [30, 30, Array.from({ length: 30 }, (_, i) => 2 ** -i)]] as const) {
      const s = svd(withSingularValues(m, n, sigma, rng)).s, tol = 4 * Math.max(m, n) * EPS * sigma[0];
      sigma.forEach((x, i) => assert.ok(Math.abs(s[i] - x) <= tol, `σ${i}: ${s[i]} vs ${x}`));
    }
    assert.deepEqual(Array.from(svd(fromRows([[3, 0, 0], [0, -4, 0], [0, 0, 0]])).s), [4, 3, 0]);
  });

  test('svd agrees with ml-matrix SingularValueDecomposition to within 4·max(m,n)·ε·σ₁', () => {
    for (const [name, a] of cases().filter(([name]) => !name.startsWith('scaled'))) {
      const ref = new SingularValueDecomposition(new Matrix(toRows(a)), { autoTranspose: true }).diagonal;
      const s = svd(a).s, tol = 4 * Math.max(a.rows, a.cols) * EPS * s[0];
      for (let i = 0; i < s.length; i++) assert.ok(Math.abs(s[i] - ref[i]) <= tol, `${name}: σ${i} ${s[i]} vs ml-matrix ${ref[i]}`);
    }
  });

  test('svd matches numpy.linalg.svd; up to min(m, n) = JACOBI_SVD_MAX_N its residual and orthogonality are no larger than numpy’s (2ε floor), above it (and through LAPACK) within 4×', (t) => {
    const all = cases().filter(([name]) => !name.startsWith('scaled'));
    assert.ok(all.some(([, a]) => Math.min(a.rows, a.cols) === JACOBI_SVD_MAX_N) && all.some(([, a]) => Math.min(a.rows, a.cols) > JACOBI_SVD_MAX_N));
    // numpy's factors come back and both are measured by the same TypeScript helpers.
    const out = runNumpy(`
res = []
for c in data:
    a = np.array(c['a'], dtype=float).reshape(c['m'], c['n'])
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    res.append({'u': u.ravel().tolist(), 's': s.tolist(), 'vt': vt.ravel().tolist()})
emit(res)`, all.map(([, a]) => ({ m: a.rows, n: a.cols, a: Array.from(a.data) }))) as { u: number[]; s: number[]; vt: number[] }[] | null;
    if (out === null) { t.skip('python3 with numpy is not available'); return; }
    all.forEach(([name, a], c) => {
      const { rows: m, cols: n } = a, k = Math.min(m, n), { u, s, vt } = svd(a), ref = out[c], tol = 4 * Math.max(m, n) * EPS * s[0];
      for (let i = 0; i < k; i++) assert.ok(Math.abs(s[i] - ref.s[i]) <= tol, `${name}: σ${i} ${s[i]} vs numpy ${ref.s[i]}`);
      const refU = { rows: m, cols: k, data: Float64Array.from(ref.u) }, refVt = { rows: k, cols: n, data: Float64Array.from(ref.vt) };
      const ours = [svdResidual(a, u, s, vt), orthogonalityError(u), orthogonalityError(transposed(vt))];
      const theirs = [svdResidual(a, refU, Float64Array.from(ref.s), refVt), orthogonalityError(refU), orthogonalityError(transposed(refVt))];
      theirs.forEach((r, i) => {
        const ok = k <= JACOBI_SVD_MAX_N && getBackend().gesdd === undefined ? noWorseThan(ours[i], r) : ours[i] <= 4 * Math.max(r, EPS);
        assert.ok(ok, `${name}: ${['residual', 'u orthogonality', 'v orthogonality'][i]} ${ours[i] / EPS}ε vs numpy ${r / EPS}ε`);
      });
    });
  });

  test('svd of an empty matrix has empty factors (identities when full)', () => {
    const thin = svd(zeros(0, 3)), full = svd(zeros(2, 0), { full: true });
    assert.deepEqual([thin.u.rows, thin.u.cols, thin.s.length, thin.vt.rows, thin.vt.cols], [0, 0, 0, 0, 3]);
    assert.deepEqual([full.u, full.vt], [eye(2), eye(0)]);
    assert.equal(singularValues(zeros(3, 0)).length, 0);
  });

  test('svd and singularValues reject non-finite entries with a RangeError naming the function', () => {
    assert.throws(() => svd(fromRows([[1, Infinity]])), { name: 'RangeError', message: /^svd: .*non-finite/ });
    assert.throws(() => singularValues(fromRows([[NaN], [1]])), { name: 'RangeError', message: /^singularValues: .*non-finite/ });
  });
});

test('svd and singularValues hand a copy of a and buffers of the thin or full shapes to the backend’s gesdd', () => {
  const calls: unknown[][] = [];
  const fake: KernelBackend = {
    ...getBackend(),
    name: 'fake-lapack',
    gesdd(m, n, a, s, u, vt, full) { calls.push([m, n, Array.from(a), u.length, vt.length, full]); a.fill(0); s.set([5, 1]); u.fill(1); vt.fill(2); },
  };
  const a = fromRows([[1, 2, 3], [4, 5, 6]]), before = a.data.slice();
  const thin = withBackend(fake, () => svd(a)), full = withBackend(fake, () => svd(a, { full: true }));
  assert.deepEqual(calls, [[2, 3, [1, 2, 3, 4, 5, 6], 4, 6, false], [2, 3, [1, 2, 3, 4, 5, 6], 4, 9, true]]);
  assert.deepEqual([thin.u.rows, thin.u.cols, thin.vt.rows, thin.vt.cols, full.vt.rows], [2, 2, 2, 3, 3]);
  assert.deepEqual(Array.from(thin.s), [5, 1]);
  assert.deepEqual(Array.from(withBackend(fake, () => singularValues(a))), [5, 1]);
  assert.deepEqual(a.data, before);
  assert.throws(() => withBackend(fake, () => svd(fromRows([[NaN]]))), { name: 'RangeError', message: /^svd: .*non-finite/ });
});
