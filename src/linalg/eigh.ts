import { getBackend } from './backend.ts';
import { jacobiEigh } from './jacobiEigh.ts';
import { polishEigh } from './jacobiPolish.ts';
import { type Mat, shapeOf } from './mat.ts';
import { steqr } from './steqr.ts';
import { tridiagonalize, tridiagonalQ } from './tridiagonalize.ts';

/** Eigenvalues ascending; vectors.data[i·n + k] is component i of the unit eigenvector of values[k]. */
export interface EighResult { values: Float64Array; vectors: Mat }

/** Checks that a is square with a finite lower triangle; returns the largest |a_ij| there. */
function lowerMaxAbs(fn: string, a: Mat): number {
  const n = a.rows;
  if (a.cols !== n) throw new RangeError(`${fn}: matrix must be square, got ${shapeOf(a)}`);
  let big = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) big = Math.max(big, Math.abs(a.data[i * n + j]));
  if (!Number.isFinite(big)) throw new RangeError(`${fn}: matrix has non-finite entries`);
  return big;
}

/** LAPACK dsyevd of the active backend, when it has one, on a copy symmetrised from the lower triangle. */
function backendEigh(a: Mat, vectors = true): EighResult | null {
  const backend = getBackend(), n = a.rows;
  if (backend.syevd === undefined || n === 0) return null;
  const v = new Float64Array(n * n), values = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) { v[i * n + j] = a.data[i * n + j]; v[j * n + i] = a.data[i * n + j]; }
  backend.syevd(n, v, values, vectors);
  return { values, vectors: { rows: n, cols: n, data: v } };
}

/**
 * Copies the lower triangle of a into column-major order scaled by a power of two (exact), so that
 * the largest entry lies in [1, 2): no overflow or underflow in the iteration. Returns the scale.
 */
function scaledLower(a: Mat, big: number, w: Float64Array): number {
  const n = a.rows, scale = big === 0 ? 1 : 2 ** Math.max(-1000, Math.min(1000, -Math.floor(Math.log2(big))));
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) w[j * n + i] = scale * a.data[i * n + j];
  return scale;
}

/**
 * The eigenvalues of the symmetric a (lower triangle read), ascending, by Householder
 * tridiagonalisation and implicit QR at every size (LAPACK dsyevd when the backend has it): errors of
 * order nε·‖a‖₂, which suits norms and extreme eigenvalues, at a tenth of Jacobi's cost for n = 32.
 * eigvalsh keeps Jacobi up to JACOBI_EIGH_MAX_N for the small eigenvalues' relative accuracy.
 */
export function eigvalshQR(a: Mat): Float64Array {
  const big = lowerMaxAbs('eigvalshQR', a);
  const viaBackend = backendEigh(a, false);
  if (viaBackend !== null) return viaBackend.values;
  return tridiagonalValues(a, big);
}

/**
 * Largest n for which eigh and eigvalsh use cyclic Jacobi, eigh with the double-double polish of
 * jacobiPolish.ts (residual and orthogonality at the rounding floor, at most 0.8× numpy's over the
 * test classes and 12 seeds); above it the polish's cost (~50 ms at n = 64) outgrows tridiagonal QL's.
 */
export const JACOBI_EIGH_MAX_N = 64;

/** The lower triangle of a mirrored into a full row-major copy, scaled by a power of two as in scaledLower. */
function scaledFull(a: Mat, big: number): { w: Float64Array; scale: number } {
  const n = a.rows, w = new Float64Array(n * n);
  const scale = big === 0 ? 1 : 2 ** Math.max(-1000, Math.min(1000, -Math.floor(Math.log2(big))));
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) { const x = scale * a.data[i * n + j]; w[i * n + j] = x; w[j * n + i] = x; }
  return { w, scale };
}

/** eigh by cyclic Jacobi (n ≤ JACOBI_EIGH_MAX_N); vectors, polished in double-double, only when wanted. */
function jacobiEighSorted(a: Mat, big: number, wantVectors: boolean): EighResult {
  const n = a.rows, { w, scale } = scaledFull(a, big), vt = wantVectors ? new Float64Array(n * n) : null;
  const a0 = vt !== null ? Float64Array.from(w) : null;
  let d = jacobiEigh(w, n, vt);
  if (a0 !== null && vt !== null) d = polishEigh(a0, n, vt);
  const order = Array.from(d.keys()).sort((x, y) => d[x] - d[y]);
  const values = Float64Array.from(order, (k) => d[k] / scale), vectors = new Float64Array(wantVectors ? n * n : 0);
  if (vt !== null) for (let k = 0; k < n; k++) for (let i = 0, row = order[k] * n; i < n; i++) vectors[i * n + k] = vt[row + i];
  return { values, vectors: { rows: wantVectors ? n : 0, cols: wantVectors ? n : 0, data: vectors } };
}

/**
 * Eigen-decomposition a = V·diag(values)·Vᵀ of a symmetric n×n matrix, reading only its lower triangle.
 * Up to JACOBI_EIGH_MAX_N: cyclic Jacobi (jacobiEigh.ts) polished in double-double (jacobiPolish.ts). Larger: Householder tridiagonalisation
 * (dsytrd) + implicit QL/QR with Wilkinson shifts (dsteqr); ~9n³ flops. A backend with LAPACK (getBackend().syevd) does the work instead.
 */
export function eigh(a: Mat): EighResult {
  const big = lowerMaxAbs('eigh', a), viaBackend = backendEigh(a);
  if (viaBackend !== null) return viaBackend;
  if (a.rows <= JACOBI_EIGH_MAX_N) return jacobiEighSorted(a, big, true);
  const n = a.rows, w = new Float64Array(n * n);
  const scale = scaledLower(a, big, w);
  const { d, e, tau } = tridiagonalize(w, n);
  const q = tridiagonalQ(w, n, tau);
  steqr(d, e, q, n);
  const order = Array.from(d.keys()).sort((x, y) => d[x] - d[y]);
  const values = new Float64Array(n), vectors = new Float64Array(n * n);
  for (let k = 0; k < n; k++) values[k] = d[order[k]] / scale;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let k = 0; k < n; k++) vectors[row + k] = q[row + order[k]];
  }
  return { values, vectors: { rows: n, cols: n, data: vectors } };
}

/** Options of eigvalsh. */
export interface EigvalshOptions {
  /**
   * Progress of the work: called with (0, total) before it starts, total = 0 when it runs in one piece
   * (LAPACK, Jacobi), else total = n − 1 steps of the Householder reduction, then (k, total) after each.
   * It may throw to abandon the work (a is left unchanged).
   */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Eigenvalues (ascending) of a symmetric n×n matrix from its lower triangle: cyclic Jacobi up to
 * JACOBI_EIGH_MAX_N, otherwise O(n²) after the 4n³/3 reduction. A backend with LAPACK computes them with dsyevd, values only.
 */
export function eigvalsh(a: Mat, options: EigvalshOptions = {}): Float64Array {
  const big = lowerMaxAbs('eigvalsh', a), onProgress = options.onProgress;
  const inOnePiece = getBackend().syevd !== undefined || a.rows <= JACOBI_EIGH_MAX_N;
  onProgress?.(0, inOnePiece ? 0 : a.rows - 1);
  const viaBackend = backendEigh(a, false);
  if (viaBackend !== null) return viaBackend.values;
  if (a.rows <= JACOBI_EIGH_MAX_N) return jacobiEighSorted(a, big, false).values;
  return tridiagonalValues(a, big, onProgress);
}

/** The eigenvalues, ascending, by Householder tridiagonalisation and implicit QR (no vectors); big = max |a_ij| of the lower triangle. */
function tridiagonalValues(a: Mat, big: number, onProgress?: (done: number, total: number) => void): Float64Array {
  const n = a.rows, w = new Float64Array(n * n);
  if (n === 0) return new Float64Array(0);
  const scale = scaledLower(a, big, w);
  const { d, e } = tridiagonalize(w, n, onProgress);
  steqr(d, e, null, n);
  const values = d.sort();
  for (let k = 0; k < n; k++) values[k] /= scale;
  return values;
}
