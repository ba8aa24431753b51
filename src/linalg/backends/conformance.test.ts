// One linalg suite run against every kernel backend (tfjs-style): what gemm, syevd and gesdd mean
// is fixed here, independently of how a backend computes them. Unavailable backends are skipped
// with the reason selectBackend gives.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { KernelBackend } from '../backend.ts';
import { Rng } from '../rng.ts';
import { type Mat, zeros } from '../mat.ts';
import { backendNames, backendUnavailableReason, resolveBackend } from './selectBackend.ts';
import { EPS, frob, mul, orthogonalityError, randomSymmetric, withSingularValues, withSpectrum } from '../../../test/helpers/linalgChecks.ts';

/** op(x) entry (i, j) of a row-major buffer whose op(x) is rows×cols (stored cols×rows when t). */
function at(x: Float64Array, t: boolean, rows: number, cols: number, i: number, j: number): number {
  return t ? x[j * rows + i] : x[i * cols + j];
}

/**
 * The textbook product (independent of every backend) and, entry by entry, the bound
 * 2(k+3)ε(|alpha|·(|op(a)||op(b)|)_ij + |beta·c_ij|) on the difference of two correctly rounded
 * evaluations in any summation order (Higham, Accuracy and Stability, §3.5).
 */
function reference(tA: boolean, tB: boolean, m: number, n: number, k: number, alpha: number,
  a: Float64Array, b: Float64Array, beta: number, c: Float64Array): { value: Float64Array; tol: Float64Array } {
  const value = new Float64Array(m * n), tol = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0, sAbs = 0;
      for (let p = 0; p < k; p++) {
        const x = at(a, tA, m, k, i, p) * at(b, tB, k, n, p, j);
        s += x; sAbs += Math.abs(x);
      }
      const cij = beta === 0 ? 0 : beta * c[i * n + j];
      value[i * n + j] = alpha * s + cij;
      tol[i * n + j] = 2 * (k + 3) * EPS * (Math.abs(alpha) * sAbs + Math.abs(cij)) + Number.MIN_VALUE;
    }
  }
  return { value, tol };
}

/** Runs minor and full collections (which move young and compact old objects). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (o?: { type: string }) => void;
  for (let r = 0; r < 3; r++) {
    for (let i = 0; i < 1000; i++) new Float64Array(4).fill(i);
    gc({ type: 'minor' });
    gc();
  }
}

function gaussianArray(len: number, rng: Rng): Float64Array {
  return rng.fillNormal(new Float64Array(len));
}

function assertClose(got: Float64Array, want: { value: Float64Array; tol: Float64Array }, what: string): void {
  for (let i = 0; i < want.value.length; i++) {
    const d = Math.abs(got[i] - want.value[i]);
    if (!(d <= want.tol[i])) assert.fail(`${what}: entry ${i} is ${got[i]}, expected ${want.value[i]} ± ${want.tol[i]}`);
  }
}

/** (m, n, k): 1×1, dot products, row and column vectors, tall, wide, 5×5, odd sizes, k = 0, 128. */
const shapes: readonly [number, number, number][] = [
  [1, 1, 1], [1, 1, 37], [1, 23, 37], [23, 1, 37], [37, 23, 1], [200, 3, 7], [3, 200, 7],
  [5, 5, 5], [4, 4, 4], [17, 33, 9], [33, 9, 17], [130, 5, 260], [3, 4, 0], [128, 128, 128],
];
const transposes: readonly [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
const name = (t: boolean): string => (t ? 't' : 'n');

function gemmSuite(be: KernelBackend): void {
  test('gemm agrees with the textbook product within 2(k+3)ε·|a||b| in nn, tn, nt, tt over the shape sweep', () => {
    const rng = new Rng(11);
    for (const [m, n, k] of shapes) {
      for (const [tA, tB] of transposes) {
        const a = gaussianArray(m * k, rng), b = gaussianArray(k * n, rng), c = new Float64Array(m * n);
        be.gemm(tA, tB, m, n, k, 1, a, b, 0, c);
        assertClose(c, reference(tA, tB, m, n, k, 1, a, b, 0, c), `${name(tA)}${name(tB)} ${m}×${n}×${k}`);
      }
    }
  });

  test('gemm computes alpha·op(a)·op(b) + beta·c for general alpha and beta', () => {
    const rng = new Rng(12);
    for (const [m, n, k] of [[5, 5, 5], [17, 33, 9], [64, 70, 66]] as const) {
      for (const [tA, tB] of transposes) {
        for (const [alpha, beta] of [[0.7, -0.3], [-2, 1], [1, 2.5], [0, 0.5]] as const) {
          const a = gaussianArray(m * k, rng), b = gaussianArray(k * n, rng), c0 = gaussianArray(m * n, rng);
          const c = c0.slice();
          be.gemm(tA, tB, m, n, k, alpha, a, b, beta, c);
          assertClose(c, reference(tA, tB, m, n, k, alpha, a, b, beta, c0), `${name(tA)}${name(tB)} ${m}×${n}×${k} α=${alpha} β=${beta}`);
        }
      }
    }
  });

  test('gemm with beta = 0 overwrites c, ignoring NaN and Infinity already there', () => {
    const rng = new Rng(13);
    for (const [m, n, k] of [[1, 1, 1], [5, 5, 5], [17, 33, 9], [3, 4, 0], [100, 90, 80]] as const) {
      for (const alpha of [1, 0]) {
        const a = gaussianArray(m * k, rng), b = gaussianArray(k * n, rng);
        const c = new Float64Array(m * n).fill(NaN);
        c[0] = Infinity;
        be.gemm(false, false, m, n, k, alpha, a, b, 0, c);
        assertClose(c, reference(false, false, m, n, k, alpha, a, b, 0, c), `${m}×${n}×${k} α=${alpha}`);
      }
    }
  });

  test('gemm with k = 0 or alpha = 0 scales c by beta', () => {
    const c = Float64Array.from([1, -2, 3, 4, 5, 6]);
    be.gemm(false, false, 2, 3, 0, 1, new Float64Array(0), new Float64Array(0), 0.5, c);
    assert.deepEqual(Array.from(c), [0.5, -1, 1.5, 2, 2.5, 3]);
    be.gemm(true, true, 2, 3, 2, 0, new Float64Array(4).fill(NaN), new Float64Array(6), 1, c);
    assert.deepEqual(Array.from(c), [0.5, -1, 1.5, 2, 2.5, 3]);
  });

  test('gemm writes only the first m·n entries of c and reads longer a and b correctly', () => {
    const rng = new Rng(14);
    const [m, n, k] = [9, 7, 11];
    const a = gaussianArray(m * k + 5, rng), b = gaussianArray(k * n + 3, rng);
    const c = new Float64Array(m * n + 4).fill(42);
    be.gemm(false, true, m, n, k, 1, a, b, 0, c);
    assertClose(c, reference(false, true, m, n, k, 1, a, b, 0, c), 'nt 9×7×11 with long buffers');
    assert.deepEqual(Array.from(c.subarray(m * n)), [42, 42, 42, 42]);
  });

  test('gemm sees writes to small arrays made after garbage collections moved them (no stale pointers)', () => {
    const a = Float64Array.of(1, 2, 3, 4), b = Float64Array.of(5, 6, 7, 8), c = new Float64Array(4);
    be.gemm(false, false, 2, 2, 2, 1, a, b, 0, c);
    assert.deepEqual(Array.from(c), [19, 22, 43, 50]);
    collectGarbage();
    a[0] = 2;
    c.fill(NaN);
    be.gemm(false, false, 2, 2, 2, 1, a, b, 0, c);
    assert.deepEqual(Array.from(c), [24, 28, 43, 50]);
  });

  test('gemm stays right across a product larger than any before it and a repeat of an earlier shape', () => {
    const rng = new Rng(16);
    for (const [m, n, k] of [[30, 40, 20], [700, 600, 3], [30, 40, 20]] as const) {
      const a = gaussianArray(m * k, rng), b = gaussianArray(k * n, rng), c0 = gaussianArray(m * n, rng), c = c0.slice();
      be.gemm(false, false, m, n, k, 1.5, a, b, -1, c);
      assertClose(c, reference(false, false, m, n, k, 1.5, a, b, -1, c0), `${m}×${n}×${k}`);
    }
  });

  if (be.name !== 'ts') {
    test('gemm throws a RangeError instead of reading or writing past a too-short buffer', () => {
      const ok = new Float64Array(9);
      assert.throws(() => be.gemm(false, false, 3, 3, 3, 1, new Float64Array(8), ok, 0, ok.slice()), RangeError);
      assert.throws(() => be.gemm(false, false, 3, 3, 3, 1, ok, ok.slice(), 0, new Float64Array(8)), RangeError);
    });
  }
}

function reconstructionError(u: Mat, d: Float64Array, vt: Mat): Mat {
  const us = zeros(u.rows, d.length);
  for (let i = 0; i < u.rows; i++) for (let j = 0; j < d.length; j++) us.data[i * d.length + j] = u.data[i * u.cols + j] * d[j];
  const vk: Mat = { rows: d.length, cols: vt.cols, data: vt.data.subarray(0, d.length * vt.cols) };
  return mul(us, vk);
}

function transposeOf(a: Mat): Mat {
  const t = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) t.data[j * a.rows + i] = a.data[i * a.cols + j];
  return t;
}

function syevdSuite(syevd: NonNullable<KernelBackend['syevd']>): void {
  const rng = new Rng(21);
  const cases: [string, Mat][] = [
    ['1×1', { rows: 1, cols: 1, data: Float64Array.of(-3) }],
    ['2×2', randomSymmetric(2, rng)],
    ['5×5', randomSymmetric(5, rng)],
    ['60×60', randomSymmetric(60, rng)],
    ['repeated eigenvalues', withSpectrum([1, 1, 1, 2, 2, -4, 0, 0], rng)],
    ['rank 2 of 9', withSpectrum([3, -1, 0, 0, 0, 0, 0, 0, 0], rng)],
  ];
  test('syevd: ‖A − VΛVᵀ‖_F ≤ 20nε‖A‖_F, ‖VᵀV − I‖_F ≤ 20nε, eigenvalues ascending', () => {
    for (const [label, a] of cases) {
      const n = a.rows, v: Mat = { rows: n, cols: n, data: a.data.slice() }, w = new Float64Array(n);
      syevd(n, v.data, w);
      const back = reconstructionError(v, w, transposeOf(v));
      for (let i = 0; i < back.data.length; i++) back.data[i] -= a.data[i];
      assert.ok(frob(back) <= 20 * n * EPS * frob(a), `${label}: backward error ${frob(back) / frob(a)}`);
      assert.ok(orthogonalityError(v) <= 20 * n * EPS, `${label}: orthogonality ${orthogonalityError(v)}`);
      for (let i = 1; i < n; i++) assert.ok(w[i - 1] <= w[i], `${label}: eigenvalues not ascending at ${i}`);
    }
  });

  test('syevd reads only the upper triangle of a', () => {
    const a = randomSymmetric(7, new Rng(22)), n = 7;
    const clean = a.data.slice(), dirty = a.data.slice(), wc = new Float64Array(n), wd = new Float64Array(n);
    for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) dirty[i * n + j] = NaN;
    syevd(n, clean, wc);
    syevd(n, dirty, wd);
    assert.deepEqual(Array.from(wd), Array.from(wc));
  });
}

function gesddSuite(gesdd: NonNullable<KernelBackend['gesdd']>): void {
  const rng = new Rng(31);
  const g = (m: number, n: number): Mat => ({ rows: m, cols: n, data: gaussianArray(m * n, rng) });
  const cases: [string, Mat][] = [
    ['1×1', g(1, 1)], ['1×5', g(1, 5)], ['5×1', g(5, 1)], ['tall 30×7', g(30, 7)], ['wide 7×30', g(7, 30)],
    ['square 40×40', g(40, 40)], ['rank 3 of 12×8', withSingularValues(12, 8, [5, 2, 1e-3], rng)],
    ['repeated singular values', withSingularValues(9, 9, [2, 2, 2, 1, 1, 1, 1, 1, 1], rng)],
  ];
  for (const full of [false, true]) {
    test(`gesdd (${full ? 'full' : 'thin'}): ‖A − UΣVᵀ‖_F ≤ 20·max(m,n)ε‖A‖_F, orthonormal U and V, σ descending ≥ 0`, () => {
      for (const [label, a] of cases) {
        const { rows: m, cols: n } = a, r = Math.min(m, n);
        const uc = full ? m : r, vr = full ? n : r;
        const s = new Float64Array(r), u = zeros(m, uc), vt = zeros(vr, n);
        gesdd(m, n, a.data.slice(), s, u.data, vt.data, full);
        const back = reconstructionError(u, s, vt);
        for (let i = 0; i < back.data.length; i++) back.data[i] -= a.data[i];
        const tol = 20 * Math.max(m, n) * EPS;
        assert.ok(frob(back) <= tol * frob(a), `${label}: backward error ${frob(back) / frob(a)}`);
        assert.ok(orthogonalityError(u) <= tol, `${label}: U orthogonality ${orthogonalityError(u)}`);
        assert.ok(orthogonalityError(transposeOf(vt)) <= tol, `${label}: V orthogonality ${orthogonalityError(transposeOf(vt))}`);
        for (let i = 0; i < r; i++) assert.ok(s[i] >= 0 && (i === 0 || s[i - 1] >= s[i]), `${label}: σ not descending at ${i}`);
      }
    });
  }
}

for (const backendName of backendNames) {
  const reason = backendUnavailableReason(backendName);
  if (reason !== undefined) {
    test(`${backendName} backend conforms`, { skip: reason }, () => {});
    continue;
  }
  const be = resolveBackend(backendName);
  describe(`${backendName} backend`, () => {
    gemmSuite(be);
    if (be.syevd) syevdSuite(be.syevd);
    if (be.gesdd) gesddSuite(be.gesdd);
  });
}
