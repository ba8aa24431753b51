import { type Mat, zeros } from './mat.ts';
import { householder } from './householder.ts';
import { householderProduct } from './householderProduct.ts';

/** a = q·r with q orthonormal columns and r upper triangular (diagonal entries of either sign). */
export interface QrResult { q: Mat; r: Mat }

/** Options of qr. */
export interface QrOptions {
  /** q m×m and r m×n instead of the thin q m×k, r k×n (k = min(m, n)). Default false. */
  full?: boolean;
}

/**
 * Householder QR of an m×n matrix (Golub & Van Loan §5.2; LAPACK dgeqr2 + dorgqr): reflectors
 * H_k = I − τ_k·v_k·v_kᵀ zero column k below the diagonal; q = H₀⋯H_{k−1} is formed in blocks.
 * 2n²(m − n/3) flops for r, as many again for the thin q.
 */
export function qr(a: Mat, options: QrOptions = {}): QrResult {
  const { rows: m, cols: n } = a, k = Math.min(m, n), full = options.full ?? false;
  // Column-major copy: every reflector and every column it updates is contiguous.
  const c = new Float64Array(m * n), tau = new Float64Array(k), beta = new Float64Array(1);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) c[j * m + i] = a.data[i * n + j];
  for (let p = 0; p < k; p++) {
    const cp = p * m, t = householder(c[cp + p], c, cp + p + 1, m - p - 1, beta);
    c[cp + p] = beta[0];
    tau[p] = t;
    if (t === 0) continue;
    for (let j = p + 1; j < n; j++) {
      const cj = j * m;
      let s = c[cj + p];
      for (let i = p + 1; i < m; i++) s += c[cp + i] * c[cj + i];
      s *= t;
      c[cj + p] -= s;
      for (let i = p + 1; i < m; i++) c[cj + i] -= s * c[cp + i];
    }
  }
  const rRows = full ? m : k, r = zeros(rRows, n);
  for (let i = 0; i < Math.min(rRows, k); i++) for (let j = i; j < n; j++) r.data[i * n + j] = c[j * m + i];
  const qCols = full ? m : k;
  return { q: { rows: m, cols: qCols, data: householderProduct(c, m, 0, tau, k, m, qCols) }, r };
}
