import { householder } from './householder.ts';

/** Diagonal d (n), off-diagonal e (n−1) and reflector scalars tau (n−1) of A = Q·T·Qᵀ. */
export interface Tridiagonal { d: Float64Array; e: Float64Array; tau: Float64Array }

/**
 * Householder reduction of a symmetric n×n matrix to tridiagonal form, A = Q·T·Qᵀ with
 * Q = H₀·H₁⋯H_{n−2} (LAPACK dsytd2, lower). w holds the lower triangle column by column,
 * w[j·n + i] = A(i, j) for i ≥ j, so that every column is contiguous; it is overwritten with the
 * reflectors (v_k below the subdiagonal of column k, leading 1 implicit). 4n³/3 flops.
 */
export function tridiagonalize(w: Float64Array, n: number): Tridiagonal {
  const d = new Float64Array(n), e = new Float64Array(Math.max(n - 1, 0)), tau = new Float64Array(Math.max(n - 1, 0));
  const v = new Float64Array(n), y = new Float64Array(n), beta = new Float64Array(1);
  for (let k = 0; k < n - 1; k++) {
    const o = k + 1, len = n - o, col = k * n + o;
    const t = householder(w[col], w, col + 1, len - 1, beta);
    e[k] = beta[0];
    tau[k] = t;
    if (t !== 0) {
      v[0] = 1;
      for (let i = 1; i < len; i++) v[i] = w[col + i];
      // y = τ·A₂₂·v from the lower triangle only (dsymv): each stored entry is used for both halves.
      y.fill(0, 0, len);
      for (let j = 0; j < len; j++) {
        const cj = (o + j) * n + o, t1 = t * v[j];
        let t2 = 0;
        y[j] += t1 * w[cj + j];
        for (let i = j + 1; i < len; i++) { const aij = w[cj + i]; y[i] += t1 * aij; t2 += aij * v[i]; }
        y[j] += t * t2;
      }
      // y ← y − ½τ(yᵀv)·v, then A₂₂ ← A₂₂ − v·yᵀ − y·vᵀ on the lower triangle (dsyr2).
      let yv = 0;
      for (let i = 0; i < len; i++) yv += y[i] * v[i];
      const alpha = -0.5 * t * yv;
      for (let i = 0; i < len; i++) y[i] += alpha * v[i];
      for (let j = 0; j < len; j++) {
        const cj = (o + j) * n + o, vj = v[j], yj = y[j];
        for (let i = j; i < len; i++) w[cj + i] -= v[i] * yj + y[i] * vj;
      }
    }
    d[k] = w[k * n + k];
  }
  if (n > 0) d[n - 1] = w[(n - 1) * n + n - 1];
  return { d, e, tau };
}

/**
 * Forms Q = H₀⋯H_{n−2} (row-major n×n) from the reflectors left in w by tridiagonalize, by
 * backward accumulation Q ← H_k·Q so that each step touches only the trailing block (LAPACK dorg2l/dorgtr).
 */
export function tridiagonalQ(w: Float64Array, n: number, tau: Float64Array): Float64Array {
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  const acc = new Float64Array(n);
  for (let k = n - 2; k >= 0; k--) {
    const t = tau[k];
    if (t === 0) continue;
    const o = k + 1, col = k * n + o;
    acc.fill(0, o, n);
    for (let i = o; i < n; i++) {
      const vi = i === o ? 1 : w[col + i - o], row = i * n;
      for (let c = o; c < n; c++) acc[c] += vi * q[row + c];
    }
    for (let i = o; i < n; i++) {
      const f = t * (i === o ? 1 : w[col + i - o]), row = i * n;
      for (let c = o; c < n; c++) q[row + c] -= f * acc[c];
    }
  }
  return q;
}
