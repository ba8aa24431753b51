import { householder } from './householder.ts';

/** Reflectors per block when forming Q. */
const NB = 32;

/** Diagonal d (n), off-diagonal e (n−1) and reflector scalars tau (n−1) of A = Q·T·Qᵀ. */
export interface Tridiagonal { d: Float64Array; e: Float64Array; tau: Float64Array }

/**
 * Householder reduction of a symmetric n×n matrix to tridiagonal form, A = Q·T·Qᵀ with
 * Q = H₀·H₁⋯H_{n−2} (LAPACK dsytd2, lower). w holds the lower triangle column by column,
 * w[j·n + i] = A(i, j) for i ≥ j, so that every column is contiguous; it is overwritten with the
 * reflectors (v_k below the subdiagonal of column k, leading 1 implicit). 4n³/3 flops.
 * The rank-2 update of step k−1 (dsyr2) is fused with the product A₂₂·v of step k (dsymv), so the
 * trailing matrix is streamed through memory once per step instead of twice.
 */
export function tridiagonalize(w: Float64Array, n: number): Tridiagonal {
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
  }
  if (n > 0) d[n - 1] = w[(n - 1) * n + n - 1];
  return { d, e, tau };
}

/**
 * Forms Q = H₀⋯H_{n−2} (row-major n×n) from the reflectors left in w by tridiagonalize, by backward
 * accumulation of blocks of NB reflectors in compact WY form H_{k0}⋯H_{k1−1} = I − V·T·Vᵀ
 * (Schreiber & Van Loan 1989; LAPACK dlarft + dlarfb), so Q is streamed once per block, not per reflector.
 */
export function tridiagonalQ(w: Float64Array, n: number, tau: Float64Array): Float64Array {
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  const m = n - 1; // number of reflectors
  const vb = new Float64Array(n * NB), t = new Float64Array(NB * NB), wb = new Float64Array(NB * n), z = new Float64Array(NB);
  for (let k0 = Math.floor((m - 1) / NB) * NB; k0 >= 0; k0 -= NB) {
    const nb = Math.min(NB, m - k0), r0 = k0 + 1, rows = n - r0;
    // V (rows × nb, row-major): column b is reflector k0+b, zero above its implicit leading 1.
    vb.fill(0, 0, rows * nb);
    for (let b = 0; b < nb; b++) {
      const k = k0 + b, col = k * n;
      vb[(k + 1 - r0) * nb + b] = 1;
      for (let i = k + 2; i < n; i++) vb[(i - r0) * nb + b] = w[col + i];
    }
    // T upper triangular with T_bb = τ_b, T[0:b, b] = −τ_b·T[0:b, 0:b]·V[:, 0:b]ᵀ·v_b (dlarft, forward).
    for (let b = 0; b < nb; b++) {
      const tb = tau[k0 + b];
      z.fill(0, 0, b);
      for (let i = 0; i < rows; i++) { const vib = vb[i * nb + b]; if (vib !== 0) for (let c = 0; c < b; c++) z[c] -= tb * vb[i * nb + c] * vib; }
      for (let r = 0; r < b; r++) { let acc = 0; for (let c = r; c < b; c++) acc += t[r * NB + c] * z[c]; t[r * NB + b] = acc; }
      t[b * NB + b] = tb;
    }
    // W = Vᵀ·Q₂₂ (nb × rows), then W ← T·W, then Q₂₂ ← Q₂₂ − V·W.
    wb.fill(0, 0, nb * rows);
    for (let i = 0; i < rows; i += 4) {
      // Four rows of Q at a time: each row of W is loaded and stored once per four rows.
      const i1 = Math.min(i + 1, rows - 1), i2 = Math.min(i + 2, rows - 1), i3 = Math.min(i + 3, rows - 1);
      const q0 = (r0 + i) * n + r0, q1 = (r0 + i1) * n + r0, q2 = (r0 + i2) * n + r0, q3 = (r0 + i3) * n + r0;
      for (let b = 0; b < nb; b++) {
        const f0 = vb[i * nb + b], f1 = i + 1 < rows ? vb[i1 * nb + b] : 0;
        const f2 = i + 2 < rows ? vb[i2 * nb + b] : 0, f3 = i + 3 < rows ? vb[i3 * nb + b] : 0, wr = b * rows;
        if (f0 === 0 && f1 === 0 && f2 === 0 && f3 === 0) continue;
        for (let c = 0; c < rows; c++) wb[wr + c] += f0 * q[q0 + c] + f1 * q[q1 + c] + f2 * q[q2 + c] + f3 * q[q3 + c];
      }
    }
    for (let b = 0; b < nb; b++) {
      const wr = b * rows;
      for (let c = 0; c < rows; c++) {
        let acc = t[b * NB + b] * wb[wr + c];
        for (let bb = b + 1; bb < nb; bb++) acc += t[b * NB + bb] * wb[bb * rows + c];
        wb[wr + c] = acc;
      }
    }
    for (let i = 0; i < rows; i++) {
      // Four rows of W at a time: each entry of Q is loaded and stored once per four reflectors.
      const qi = (r0 + i) * n + r0, vi = i * nb;
      for (let b = 0; b < nb; b += 4) {
        const f0 = vb[vi + b], f1 = b + 1 < nb ? vb[vi + b + 1] : 0, f2 = b + 2 < nb ? vb[vi + b + 2] : 0, f3 = b + 3 < nb ? vb[vi + b + 3] : 0;
        if (f0 === 0 && f1 === 0 && f2 === 0 && f3 === 0) continue;
        const w0 = b * rows, w1 = Math.min(b + 1, nb - 1) * rows, w2 = Math.min(b + 2, nb - 1) * rows, w3 = Math.min(b + 3, nb - 1) * rows;
        for (let c = 0; c < rows; c++) q[qi + c] -= f0 * wb[w0 + c] + f1 * wb[w1 + c] + f2 * wb[w2 + c] + f3 * wb[w3 + c];
      }
    }
  }
  return q;
}
