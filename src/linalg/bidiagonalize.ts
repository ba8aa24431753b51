import { householder } from './householder.ts';

/** B = bidiag(d, e) (upper: d n, e n−1) and the reflectors of A = Q·B·Pᵀ. */
export interface Bidiagonal {
  d: Float64Array;
  e: Float64Array;
  /** τ of the left reflectors; v_k = (1, c[k·m + k+1 : (k+1)·m]) from row k down. */
  tauq: Float64Array;
  /** τ of the right reflectors; u_k = (1, pstore[k·n + k+2 : (k+1)·n]) from column k+1 on. */
  taup: Float64Array;
  pstore: Float64Array;
}

/**
 * Golub–Kahan bidiagonalisation of an m×n matrix with m ≥ n (Golub & Kahan 1965; LAPACK dgebd2):
 * A = Q·B·Pᵀ with Q = H₀⋯H_{n−1} (m×m) and P = G₀⋯G_{n−3} (n×n). c holds A column by column,
 * c[j·m + i] = A(i, j), so that both reflector applications stream contiguous columns; it is
 * overwritten with the left reflectors. 4mn² − 4n³/3 flops.
 */
export function bidiagonalize(c: Float64Array, m: number, n: number): Bidiagonal {
  const d = new Float64Array(n), e = new Float64Array(Math.max(n - 1, 0));
  const tauq = new Float64Array(n), taup = new Float64Array(Math.max(n - 1, 0)), pstore = new Float64Array(n * n);
  const r = new Float64Array(n), y = new Float64Array(m), beta = new Float64Array(1);
  for (let k = 0; k < n; k++) {
    // Left reflector: zero column k below the diagonal, then apply it to columns k+1..n−1.
    const ck = k * m, tq = householder(c[ck + k], c, ck + k + 1, m - k - 1, beta);
    d[k] = beta[0];
    tauq[k] = tq;
    if (tq !== 0) {
      for (let j = k + 1; j < n; j++) {
        const cj = j * m;
        let s0 = c[cj + k], s1 = 0, i = k + 1;
        for (; i + 1 < m; i += 2) { s0 += c[ck + i] * c[cj + i]; s1 += c[ck + i + 1] * c[cj + i + 1]; }
        if (i < m) s0 += c[ck + i] * c[cj + i];
        const s = tq * (s0 + s1);
        c[cj + k] -= s;
        for (i = k + 1; i < m; i++) c[cj + i] -= s * c[ck + i];
      }
    }
    if (k >= n - 1) continue;
    // Right reflector: zero row k right of the superdiagonal (the row is strided, so gather it).
    const len = n - k - 1;
    for (let t = 0; t < len; t++) r[t] = c[(k + 1 + t) * m + k];
    const tp = householder(r[0], r, 1, len - 1, beta);
    e[k] = beta[0];
    taup[k] = tp;
    for (let t = 1; t < len; t++) pstore[k * n + k + 1 + t] = r[t];
    if (tp === 0) continue;
    // Rows k+1..m−1: y = A₂₂·u, then A₂₂ ← A₂₂ − τ·y·uᵀ, column by column.
    r[0] = 1;
    y.fill(0, k + 1, m);
    for (let t = 0; t < len; t++) {
      const cj = (k + 1 + t) * m, ut = r[t];
      for (let i = k + 1; i < m; i++) y[i] += ut * c[cj + i];
    }
    for (let t = 0; t < len; t++) {
      const cj = (k + 1 + t) * m, f = tp * r[t];
      for (let i = k + 1; i < m; i++) c[cj + i] -= f * y[i];
    }
  }
  return { d, e, tauq, taup, pstore };
}
