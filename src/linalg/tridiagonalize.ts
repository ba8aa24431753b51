import { householder } from './householder.ts';
import { householderProduct } from './householderProduct.ts';

/** Diagonal d (n), off-diagonal e (n−1) and reflector scalars tau (n−1) of A = Q·T·Qᵀ. */
export interface Tridiagonal { d: Float64Array; e: Float64Array; tau: Float64Array }

/**
 * Householder reduction of a symmetric n×n matrix to tridiagonal form, A = Q·T·Qᵀ with
 * Q = H₀·H₁⋯H_{n−2} (LAPACK dsytd2, lower). w holds the lower triangle column by column,
 * w[j·n + i] = A(i, j) for i ≥ j, so that every column is contiguous; it is overwritten with the
 * reflectors (v_k below the subdiagonal of column k, leading 1 implicit). 4n³/3 flops.
 * The rank-2 update of step k−1 (dsyr2) is fused with the product A₂₂·v of step k (dsymv), so the
 * trailing matrix is streamed through memory once per step instead of twice.
 * onStep(k + 1, n − 1), if given, is called after step k (it may throw to abandon the reduction).
 */
export function tridiagonalize(w: Float64Array, n: number, onStep?: (done: number, total: number) => void): Tridiagonal {
  const d = new Float64Array(n), e = new Float64Array(Math.max(n - 1, 0)), tau = new Float64Array(Math.max(n - 1, 0));
  // v, y: this step's reflector and A₂₂·v; vp, yp: the pending update A ← A − vp·ypᵀ − yp·vpᵀ (absolute row indices).
  let v = new Float64Array(n), y = new Float64Array(n), vp = new Float64Array(n), yp = new Float64Array(n);
  const beta = new Float64Array(1);
  for (let k = 0; k < n - 1; k++) {
    const o = k + 1, col = k * n;
    const t = householder(w[col + o], w, col + o + 1, n - o - 1, beta);
    e[k] = beta[0];
    tau[k] = t;
    v[o] = 1;
    for (let i = o + 1; i < n; i++) v[i] = w[col + i];
    y.fill(0, o, n);
    for (let j = o; j < n; j++) {
      const cj = j * n, pj = vp[j], qj = yp[j], t1 = t * v[j];
      let t2a = 0, t2b = 0, i = j + 1;
      const ajj = (w[cj + j] -= vp[j] * qj + yp[j] * pj);
      y[j] += t1 * ajj;
      for (; i + 1 < n; i += 2) {
        const a0 = (w[cj + i] -= vp[i] * qj + yp[i] * pj), a1 = (w[cj + i + 1] -= vp[i + 1] * qj + yp[i + 1] * pj);
        y[i] += t1 * a0; y[i + 1] += t1 * a1;
        t2a += a0 * v[i]; t2b += a1 * v[i + 1];
      }
      for (; i < n; i++) { const aij = (w[cj + i] -= vp[i] * qj + yp[i] * pj); y[i] += t1 * aij; t2a += aij * v[i]; }
      y[j] += t * (t2a + t2b);
    }
    // y ← y − ½τ(yᵀv)·v makes A − v·yᵀ − y·vᵀ = H·A·H on the trailing block.
    let yv = 0;
    for (let i = o; i < n; i++) yv += y[i] * v[i];
    const alpha = -0.5 * t * yv;
    for (let i = o; i < n; i++) y[i] += alpha * v[i];
    d[k] = w[col + k];
    w[col + o] = e[k];
    [vp, v] = [v, vp];
    [yp, y] = [y, yp];
    // Bring column o up to date now: the next step's reflector is built from it.
    const co = o * n, po = vp[o], qo = yp[o];
    for (let i = o; i < n; i++) w[co + i] -= vp[i] * qo + yp[i] * po;
    onStep?.(k + 1, n - 1);
  }
  if (n > 0) d[n - 1] = w[(n - 1) * n + n - 1];
  return { d, e, tau };
}

/** Q = H₀⋯H_{n−2} (row-major n×n) from the reflectors left in w by tridiagonalize (LAPACK dorgtr). */
export function tridiagonalQ(w: Float64Array, n: number, tau: Float64Array): Float64Array {
  return householderProduct(w, n, 1, tau, n - 1, n, n);
}
