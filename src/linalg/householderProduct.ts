/** Reflectors per block. */
const NB = 32;

/**
 * Q = H₀⋯H_{count−1}·I_{nrows×cols} as a row-major nrows×cols array (LAPACK dorgqr/dorgtr), with
 * H_k = I − τ_k·v_k·v_kᵀ, v_k zero above row k+shift, v_k[k+shift] = 1 and v_k[i] = store[k·ld + i] below.
 * Backward accumulation in blocks of NB reflectors in compact WY form H_{k0}⋯H_{k1−1} = I − V·T·Vᵀ
 * (Schreiber & Van Loan 1989; LAPACK dlarft + dlarfb): Q is streamed once per block, not per reflector.
 */
export function householderProduct(store: Float64Array, ld: number, shift: number, tau: Float64Array,
  count: number, nrows: number, cols: number): Float64Array {
  const q = new Float64Array(nrows * cols);
  for (let i = 0; i < Math.min(nrows, cols); i++) q[i * cols + i] = 1;
  const vb = new Float64Array(nrows * NB), t = new Float64Array(NB * NB), wb = new Float64Array(NB * cols), z = new Float64Array(NB);
  for (let k0 = Math.floor((count - 1) / NB) * NB; k0 >= 0; k0 -= NB) {
    const nb = Math.min(NB, count - k0), r0 = k0 + shift, rows = nrows - r0, ncols = cols - r0;
    if (ncols <= 0 || rows <= 0) continue;
    // V (rows × nb, row-major): column b is reflector k0+b, zero above its implicit leading 1.
    vb.fill(0, 0, rows * nb);
    for (let b = 0; b < nb; b++) {
      const k = k0 + b, col = k * ld;
      vb[(k + shift - r0) * nb + b] = 1;
      for (let i = k + shift + 1; i < nrows; i++) vb[(i - r0) * nb + b] = store[col + i];
    }
    // T upper triangular with T_bb = τ_b, T[0:b, b] = −τ_b·T[0:b, 0:b]·V[:, 0:b]ᵀ·v_b (dlarft, forward).
    for (let b = 0; b < nb; b++) {
      const tb = tau[k0 + b];
      z.fill(0, 0, b);
      for (let i = 0; i < rows; i++) { const vib = vb[i * nb + b]; if (vib !== 0) for (let c = 0; c < b; c++) z[c] -= tb * vb[i * nb + c] * vib; }
      for (let r = 0; r < b; r++) { let acc = 0; for (let c = r; c < b; c++) acc += t[r * NB + c] * z[c]; t[r * NB + b] = acc; }
      t[b * NB + b] = tb;
    }
    // W = Vᵀ·Q₂₂ (nb × ncols), then W ← T·W, then Q₂₂ ← Q₂₂ − V·W.
    wb.fill(0, 0, nb * ncols);
    for (let i = 0; i < rows; i += 4) {
      // Four rows of Q at a time: each row of W is loaded and stored once per four rows.
      const i1 = Math.min(i + 1, rows - 1), i2 = Math.min(i + 2, rows - 1), i3 = Math.min(i + 3, rows - 1);
      const q0 = (r0 + i) * cols + r0, q1 = (r0 + i1) * cols + r0, q2 = (r0 + i2) * cols + r0, q3 = (r0 + i3) * cols + r0;
      for (let b = 0; b < nb; b++) {
        const f0 = vb[i * nb + b], f1 = i + 1 < rows ? vb[i1 * nb + b] : 0;
        const f2 = i + 2 < rows ? vb[i2 * nb + b] : 0, f3 = i + 3 < rows ? vb[i3 * nb + b] : 0, wr = b * ncols;
        if (f0 === 0 && f1 === 0 && f2 === 0 && f3 === 0) continue;
        for (let c = 0; c < ncols; c++) wb[wr + c] += f0 * q[q0 + c] + f1 * q[q1 + c] + f2 * q[q2 + c] + f3 * q[q3 + c];
      }
    }
    for (let b = 0; b < nb; b++) {
      const wr = b * ncols;
      for (let c = 0; c < ncols; c++) {
        let acc = t[b * NB + b] * wb[wr + c];
        for (let bb = b + 1; bb < nb; bb++) acc += t[b * NB + bb] * wb[bb * ncols + c];
        wb[wr + c] = acc;
      }
    }
    for (let i = 0; i < rows; i++) {
      // Four rows of W at a time: each entry of Q is loaded and stored once per four reflectors.
      const qi = (r0 + i) * cols + r0, vi = i * nb;
      for (let b = 0; b < nb; b += 4) {
        const f0 = vb[vi + b], f1 = b + 1 < nb ? vb[vi + b + 1] : 0, f2 = b + 2 < nb ? vb[vi + b + 2] : 0, f3 = b + 3 < nb ? vb[vi + b + 3] : 0;
        if (f0 === 0 && f1 === 0 && f2 === 0 && f3 === 0) continue;
        const w0 = b * ncols, w1 = Math.min(b + 1, nb - 1) * ncols, w2 = Math.min(b + 2, nb - 1) * ncols, w3 = Math.min(b + 3, nb - 1) * ncols;
        for (let c = 0; c < ncols; c++) q[qi + c] -= f0 * wb[w0 + c] + f1 * wb[w1 + c] + f2 * wb[w2 + c] + f3 * wb[w3 + c];
      }
    }
  }
  return q;
}
