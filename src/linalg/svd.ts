import { getBackend } from './backend.ts';
import { type Mat, eye, isFiniteMat, zeros } from './mat.ts';
import { bdsqr } from './bdsqr.ts';
import { bidiagonalize } from './bidiagonalize.ts';
import { householderProduct } from './householderProduct.ts';

/** a = u·diag(s)·vt with s descending; thin: u m×k, vt k×n (k = min(m, n)); full: u m×m, vt n×n. */
export interface SvdResult { u: Mat; s: Float64Array; vt: Mat }

export interface SvdOptions {
  /** Return square u (m×m) and vt (n×n), completing the singular vectors to orthonormal bases. Default false. */
  full?: boolean;
}

interface TallSvd { s: Float64Array; order: number[]; u: Float64Array; v: Float64Array }

/**
 * SVD of the column-major m×n matrix c (m ≥ n), scaled so that its largest entry lies in [1, 2):
 * bidiagonalise, form Q (m×uCols) and P (n×n) when uCols > 0, run bdsqr. order lists the
 * indices of s by decreasing value.
 */
function tallSvd(c: Float64Array, m: number, n: number, uCols: number): TallSvd {
  let big = 0;
  for (let i = 0; i < c.length; i++) big = Math.max(big, Math.abs(c[i]));
  // A power of two scales exactly; the shifts' squares then neither overflow nor underflow.
  const scale = big === 0 ? 1 : 2 ** Math.max(-1000, Math.min(1000, -Math.floor(Math.log2(big))));
  for (let i = 0; i < c.length; i++) c[i] *= scale;
  const { d, e, tauq, taup, pstore } = bidiagonalize(c, m, n);
  const want = uCols > 0;
  const u = want ? householderProduct(c, m, 0, tauq, n, m, uCols) : new Float64Array(0);
  const v = want ? householderProduct(pstore, n, 1, taup, n - 1, n, n) : new Float64Array(0);
  bdsqr(d, e, n, want ? { z: u, rows: m, ld: uCols } : null, want ? { z: v, rows: n, ld: n } : null);
  for (let k = 0; k < n; k++) d[k] /= scale;
  const order = Array.from(d.keys()).sort((x, y) => d[y] - d[x]);
  return { s: Float64Array.from(order, (k) => d[k]), order, u, v };
}

/** LAPACK dgesdd of the active backend, when it has one (k = min(m, n) > 0). */
function backendSvd(a: Mat, full: boolean): SvdResult | null {
  const backend = getBackend(), { rows: m, cols: n } = a, k = Math.min(m, n);
  if (backend.gesdd === undefined) return null;
  const u = zeros(m, full ? m : k), s = new Float64Array(k), vt = zeros(full ? n : k, n);
  backend.gesdd(m, n, a.data.slice(), s, u.data, vt.data, full);
  return { u, s, vt };
}

/** The column-major copy of a (m ≥ n) or of aᵀ (m < n), which for row-major storage is a itself. */
function tallCopy(a: Mat): Float64Array {
  const { rows: m, cols: n } = a;
  if (m < n) return a.data.slice();
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) c[j * m + i] = a.data[i * n + j];
  return c;
}

/**
 * Singular value decomposition a = u·diag(s)·vt of an m×n matrix, s descending (length min(m, n)).
 * Golub–Kahan bidiagonalisation + Golub–Reinsch implicit-shift QR (normwise backward stable, like
 * LAPACK's dgesvd), chosen over one-sided Jacobi for speed: about 17n³ flops for a square matrix
 * where Jacobi needs 6–10 sweeps of ~6n³; Jacobi's extra relative accuracy for tiny singular values
 * is not needed here. Wide matrices are decomposed through aᵀ. A backend with LAPACK
 * (getBackend().gesdd) does the work instead.
 */
export function svd(a: Mat, options: SvdOptions = {}): SvdResult {
  const full = options.full ?? false, { rows: m, cols: n } = a, k = Math.min(m, n);
  if (!isFiniteMat(a)) throw new RangeError('svd: matrix has non-finite entries');
  if (k === 0) return { u: full ? eye(m) : zeros(m, 0), s: new Float64Array(0), vt: full ? eye(n) : zeros(0, n) };
  const viaBackend = backendSvd(a, full);
  if (viaBackend !== null) return viaBackend;
  const tall = m >= n, mt = tall ? m : n, uCols = full ? mt : k;
  const r = tallSvd(tallCopy(a), mt, k, uCols);
  // Tall: a = U·S·Vᵀ. Wide: aᵀ = U·S·Vᵀ, so a = V·S·Uᵀ.
  const left = tall ? { z: r.u, ld: uCols } : { z: r.v, ld: k };
  const right = tall ? { z: r.v, ld: k } : { z: r.u, ld: uCols };
  const u = zeros(m, full ? m : k), vt = zeros(full ? n : k, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < u.cols; j++) u.data[i * u.cols + j] = left.z[i * left.ld + (j < k ? r.order[j] : j)];
  }
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < vt.rows; i++) vt.data[i * n + j] = right.z[j * right.ld + (i < k ? r.order[i] : i)];
  }
  return { u, s: r.s, vt };
}

/**
 * Singular values of an m×n matrix, descending (length min(m, n)); no singular vectors are formed
 * (except by a LAPACK backend, whose dgesdd with thin vectors is still faster than this).
 */
export function singularValues(a: Mat): Float64Array {
  const { rows: m, cols: n } = a;
  if (!isFiniteMat(a)) throw new RangeError('singularValues: matrix has non-finite entries');
  if (Math.min(m, n) === 0) return new Float64Array(0);
  const viaBackend = backendSvd(a, false);
  if (viaBackend !== null) return viaBackend.s;
  return tallSvd(tallCopy(a), Math.max(m, n), Math.min(m, n), 0).s;
}
