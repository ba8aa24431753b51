import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBackend } from '../../test/helpers/forEachBackend.ts';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { JACOBI_EIGH_MAX_N, eigh, eigvalsh, eigvalshQR } from './eigh.ts';
import { type Mat, fromRows, zeros, eye } from './mat.ts';
import { Rng } from './rng.ts';
import { EPS, eigResidual, frob, hilbert, noWorseThan, orthogonalityError, randomSymmetric, withSpectrum } from '../../test/helpers/linalgChecks.ts';
import { runNumpy } from '../../test/helpers/numpy.ts';
import { type KernelBackend, getBackend, setBackend } from './backend.ts';

/** Runs f with backend b selected, restoring the previous backend afterwards. */
function withBackend<T>(b: KernelBackend, f: () => T): T {
  const prev = setBackend(b);
  try { return f(); } finally { setBackend(prev); }
}

function scaled(a: Mat, s: number): Mat {
  return { rows: a.rows, cols: a.cols, data: a.data.map((x) => s * x) };
}

/** Symmetric test matrices: sizes, repeated/clustered spectra, ill-conditioning and scaling extremes. */
function cases(): [string, Mat][] {
  const rng = new Rng(7);
  const graded = zeros(10, 10), wilkinson = zeros(21, 21);
  for (let i = 0; i < 10; i++) for (let j = 0; j <= i; j++) { const x = rng.normal() * 10 ** -(i + j); graded.data[i * 10 + j] = x; graded.data[j * 10 + i] = x; }
  for (let i = 0; i < 21; i++) {
    wilkinson.data[i * 21 + i] = Math.abs(10 - i);
    if (i < 20) { wilkinson.data[i * 21 + i + 1] = 1; wilkinson.data[(i + 1) * 21 + i] = 1; }
  }
  return [
    ['1×1', fromRows([[-3]])],
    ['2×2', fromRows([[2, 1], [1, 2]])],
    ['diagonal, unsorted', fromRows([[3, 0, 0], [0, -1, 0], [0, 0, 2]])],
    ['zero 6×6', zeros(6, 6)],
    ['identity 7×7', eye(7)],
    ['GOE 5×5', randomSymmetric(5, rng)],
    ['GOE 40×40', randomSymmetric(40, rng)],
    ['GOE 64×64', randomSymmetric(64, rng)],
    ['GOE 80×80', randomSymmetric(80, rng)],
    ['repeated eigenvalues', withSpectrum([1, 1, 1, 2, 2, 3, 3, 3, 3, -2], rng)],
    ['clustered eigenvalues', withSpectrum([1, 1 + 1e-12, 1 + 2e-12, 1 + 3e-12, 2, 2 + 1e-14, 5], rng)],
    ['rank 2 of 9', withSpectrum([0, 0, 0, 0, 4, 0, 0, -7, 0], rng)],
    ['Hilbert 8×8', hilbert(8)],
    ['graded 10×10', graded],
    ['Wilkinson W21+', wilkinson],
    ['scaled by 1e200', scaled(randomSymmetric(12, rng), 1e200)],
    ['scaled by 1e-200', scaled(randomSymmetric(12, rng), 1e-200)],
  ];
}

forEachBackend(() => {
  test('eigh(a) returns ascending eigenvalues, orthonormal vectors and a backward error within 4nε‖A‖', () => {
    for (const [name, a] of cases()) {
      const n = a.rows, { values, vectors } = eigh(a);
      assert.equal(values.length, n, name);
      for (let k = 1; k < n; k++) assert.ok(values[k - 1] <= values[k], `${name}: values not ascending at ${k}`);
      assert.ok(eigResidual(a, values, vectors) <= 4 * n * EPS, `${name}: residual ${eigResidual(a, values, vectors)}`);
      assert.ok(orthogonalityError(vectors) <= 4 * n * EPS, `${name}: orthogonality ${orthogonalityError(vectors)}`);
    }
  });

  test('eigh(Q·diag(λ)·Qᵀ) recovers λ to within 4nε·max|λ|', () => {
    const rng = new Rng(3);
    const lambdas = [[-4, -1, 0, 0.5, 0.5, 0.5, 9], [1e-8, 1, 1, 2], Array.from({ length: 30 }, (_, i) => i * i - 100)];
    for (const lam of lambdas) {
      const values = eigh(withSpectrum(lam, rng)).values, sorted = [...lam].sort((x, y) => x - y);
      const tol = 4 * lam.length * EPS * Math.max(...lam.map(Math.abs));
      for (let k = 0; k < lam.length; k++) assert.ok(Math.abs(values[k] - sorted[k]) <= tol, `λ${k}: ${values[k]} vs ${sorted[k]}`);
    }
  });

  test('eigvalsh(a) equals eigh(a).values to within 4nε‖A‖_F', () => {
    for (const [name, a] of cases()) {
      const v1 = eigvalsh(a), v2 = eigh(a).values, tol = 4 * a.rows * EPS * frob(a);
      for (let k = 0; k < a.rows; k++) assert.ok(Math.abs(v1[k] - v2[k]) <= tol, `${name}: λ${k} ${v1[k]} vs ${v2[k]}`);
    }
  });

  test('eigh reads only the lower triangle of a', () => {
    const a = randomSymmetric(9, new Rng(11)), b = zeros(9, 9);
    for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) b.data[i * 9 + j] = j <= i ? a.data[i * 9 + j] : 1e30;
    assert.deepEqual(eigh(b), eigh(a));
    assert.deepEqual(eigvalsh(b), eigvalsh(a));
  });

  test('eigh agrees with ml-matrix EigenvalueDecomposition to within 4nε‖A‖_F', () => {
    // ml-matrix's tql2 does not scale its input, so the 1e±200 cases are left to the closed-form tests.
    for (const [name, a] of cases().filter(([name]) => !name.startsWith('scaled'))) {
      const ref = new EigenvalueDecomposition(new Matrix(Array.from({ length: a.rows }, (_, i) => Array.from(a.data.subarray(i * a.cols, (i + 1) * a.cols)))), { assumeSymmetric: true });
      const expected = [...ref.realEigenvalues].sort((x, y) => x - y), values = eigh(a).values;
      const tol = 4 * a.rows * EPS * frob(a);
      for (let k = 0; k < a.rows; k++) assert.ok(Math.abs(values[k] - expected[k]) <= tol, `${name}: λ${k} ${values[k]} vs ${expected[k]}`);
    }
  });

  test('eigh matches numpy.linalg.eigh; up to JACOBI_EIGH_MAX_N its residual and orthogonality are no larger than numpy’s (2ε floor), above it (and through LAPACK) within 4×', (t) => {
    const all = cases().filter(([name]) => !name.startsWith('scaled'));
    assert.ok(all.some(([, a]) => a.rows === JACOBI_EIGH_MAX_N) && all.some(([, a]) => a.rows > JACOBI_EIGH_MAX_N));
    // numpy's factors come back and both are measured by the same TypeScript helpers.
    const out = runNumpy(`
res = []
for c in data:
    a = np.array(c, dtype=float).reshape(int(round(len(c) ** 0.5)), -1)
    w, v = np.linalg.eigh(a, UPLO='L')
    res.append({'w': w.tolist(), 'v': v.ravel().tolist()})
emit(res)`, all.map(([, a]) => Array.from(a.data))) as { w: number[]; v: number[] }[] | null;
    if (out === null) { t.skip('python3 with numpy is not available'); return; }
    all.forEach(([name, a], c) => {
      const n = a.rows, { values, vectors } = eigh(a), ref = out[c], tol = 4 * n * EPS * frob(a);
      for (let k = 0; k < n; k++) assert.ok(Math.abs(values[k] - ref.w[k]) <= tol, `${name}: λ${k} ${values[k]} vs numpy ${ref.w[k]}`);
      const refVectors = { rows: n, cols: n, data: Float64Array.from(ref.v) };
      const ours = [eigResidual(a, values, vectors), orthogonalityError(vectors)];
      const theirs = [eigResidual(a, Float64Array.from(ref.w), refVectors), orthogonalityError(refVectors)];
      theirs.forEach((r, i) => {
        const ok = n <= JACOBI_EIGH_MAX_N && getBackend().syevd === undefined ? noWorseThan(ours[i], r) : ours[i] <= 4 * Math.max(r, EPS);
        assert.ok(ok, `${name}: ${['residual', 'orthogonality'][i]} ${ours[i] / EPS}ε vs numpy ${r / EPS}ε`);
      });
    });
  });

  test('eigvalshQR (tridiagonal QR at every size, for norms) matches numpy.linalg.eigvalsh and eigvalsh within 4nε‖A‖_F', (t) => {
    const all = cases().filter(([name]) => !name.startsWith('scaled'));
    const out = runNumpy(`
res = []
for c in data:
    a = np.array(c, dtype=float).reshape(int(round(len(c) ** 0.5)), -1)
    res.append(np.linalg.eigvalsh(a, UPLO='L').tolist())
emit(res)`, all.map(([, a]) => Array.from(a.data))) as number[][] | null;
    if (out === null) { t.skip('python3 with numpy is not available'); return; }
    all.forEach(([name, a], c) => {
      const n = a.rows, values = eigvalshQR(a), jacobi = eigvalsh(a), tol = 4 * n * EPS * frob(a);
      assert.equal(values.length, n);
      for (let k = 0; k < n; k++) {
        assert.ok(Math.abs(values[k] - out[c][k]) <= tol, `${name}: λ${k} ${values[k]} vs numpy ${out[c][k]}`);
        assert.ok(Math.abs(values[k] - jacobi[k]) <= tol, `${name}: λ${k} ${values[k]} vs eigvalsh ${jacobi[k]}`);
        if (k > 0) assert.ok(values[k] >= values[k - 1], `${name}: ascending`);
      }
    });
    assert.equal(eigvalshQR(zeros(0, 0)).length, 0);
    assert.throws(() => eigvalshQR(fromRows([[1, 2, 3]])), /eigvalshQR: matrix must be square/);
  });

  test('eigh of a 0×0 matrix is empty', () => {
    const { values, vectors } = eigh(zeros(0, 0));
    assert.equal(values.length, 0);
    assert.equal(vectors.rows, 0);
  });

  test('eigh and eigvalsh reject non-square and non-finite input with a RangeError naming the function', () => {
    assert.throws(() => eigh(zeros(2, 3)), { name: 'RangeError', message: /^eigh: matrix must be square, got 2×3/ });
    assert.throws(() => eigvalsh(fromRows([[1, 0], [NaN, 1]])), { name: 'RangeError', message: /^eigvalsh: .*non-finite/ });
  });
});

test('eigh and eigvalsh hand a copy symmetrised from the lower triangle to the backend’s syevd when it has one', () => {
  const seen: Float64Array[] = [];
  const fake: KernelBackend = {
    ...getBackend(),
    name: 'fake-lapack',
    syevd(n, a, w) { seen.push(a.slice()); w.set([-1, 2]); a.set([0, 1, 1, 0]); },
  };
  const a = fromRows([[1, 99], [3, 4]]), before = a.data.slice();
  const r = withBackend(fake, () => eigh(a));
  assert.deepEqual(Array.from(seen[0]), [1, 3, 3, 4]);
  assert.deepEqual([Array.from(r.values), Array.from(r.vectors.data)], [[-1, 2], [0, 1, 1, 0]]);
  assert.deepEqual(Array.from(withBackend(fake, () => eigvalsh(a))), [-1, 2]);
  assert.deepEqual(a.data, before);
  assert.throws(() => withBackend(fake, () => eigh(fromRows([[NaN]]))), { name: 'RangeError', message: /^eigh: .*non-finite/ });
});
