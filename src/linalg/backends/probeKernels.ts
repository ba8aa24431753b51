import type { KernelBackend } from '../backend.ts';
import { tsBackend } from './tsBackend.ts';

/** Shapes (m, n, k) of the probe: tiny (the addon's own loops), odd and blocked sizes (OpenBLAS's kernels and edges). */
const shapes: readonly (readonly [number, number, number])[] = [
  [1, 1, 1], [5, 5, 5], [3, 7, 11], [17, 9, 33], [64, 64, 64], [70, 45, 130], [129, 33, 97],
];

/** Deterministic entries in [−1, 1) (a 32-bit LCG: the probe needs no seeded stream, only fixed values). */
function fill(x: Float64Array, seed: number): Float64Array {
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; x[i] = s / 2 ** 31 - 1; }
  return x;
}

/**
 * Checks backend's gemm against the TypeScript kernel on several shapes and all four transposes
 * (alpha, beta ≠ 0, 1), and its eigendecomposition and SVD (when it has them) by their residuals.
 * Each entry must agree to 8·k·ε·(Σ|a||b|) (the forward error bound of a dot product of length k,
 * with margin). Returns what failed, in one line, or undefined when everything agrees.
 */
export function probeKernels(backend: KernelBackend): string | undefined {
  const eps = Number.EPSILON;
  let seed = 1;
  for (const [m, n, k] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const a = fill(new Float64Array(m * k), seed++), b = fill(new Float64Array(k * n), seed++);
        const c0 = fill(new Float64Array(m * n), seed++);
        const got = c0.slice(), want = c0.slice();
        backend.gemm(transA, transB, m, n, k, 0.75, a, b, 0.5, got);
        tsBackend.gemm(transA, transB, m, n, k, 0.75, a, b, 0.5, want);
        const tol = 8 * (k + 2) * eps * (k + 1);
        for (let i = 0; i < m * n; i++) {
          if (!(Math.abs(got[i] - want[i]) <= tol)) {
            return `gemm ${m}×${k}·${k}×${n}${transA ? ' (Aᵀ)' : ''}${transB ? ' (Bᵀ)' : ''} differs from the reference by ${Math.abs(got[i] - want[i]).toExponential(2)} at entry ${i}`;
          }
        }
      }
    }
  }
  return probeSyevd(backend) ?? probeGesdd(backend);
}

/** ‖A − V·diag(w)·Vᵀ‖_max on a symmetric 24×24 matrix, and ascending w. */
function probeSyevd(backend: KernelBackend): string | undefined {
  if (backend.syevd === undefined) return undefined;
  const n = 24, a = fill(new Float64Array(n * n), 99);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i];
  const v = a.slice(), w = new Float64Array(n);
  backend.syevd(n, v, w, true);
  let err = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let l = 0; l < n; l++) s += v[i * n + l] * w[l] * v[j * n + l];
      err = Math.max(err, Math.abs(s - a[i * n + j]));
    }
  }
  for (let l = 1; l < n; l++) if (!(w[l] >= w[l - 1])) return 'the symmetric eigensolver returns eigenvalues out of order';
  return err <= 1e3 * n * Number.EPSILON ? undefined : `the symmetric eigensolver's residual is ${err.toExponential(2)}`;
}

/** ‖A − U·diag(s)·Vᵀ‖_max on a 19×11 matrix. */
function probeGesdd(backend: KernelBackend): string | undefined {
  if (backend.gesdd === undefined) return undefined;
  const m = 19, n = 11, a = fill(new Float64Array(m * n), 7);
  const s = new Float64Array(n), u = new Float64Array(m * n), vt = new Float64Array(n * n);
  backend.gesdd(m, n, a.slice(), s, u, vt, false);
  let err = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let t = 0;
      for (let l = 0; l < n; l++) t += u[i * n + l] * s[l] * vt[l * n + j];
      err = Math.max(err, Math.abs(t - a[i * n + j]));
    }
  }
  return err <= 1e3 * m * Number.EPSILON ? undefined : `the SVD's residual is ${err.toExponential(2)}`;
}
