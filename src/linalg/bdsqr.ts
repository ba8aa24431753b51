import { pythag } from './pythag.ts';
import { rotateForward } from './rotations.ts';

const EPS = Number.EPSILON;
const TINY = 2 ** -966;
const MAXIT = 75;

/** Rows of a row-major matrix whose columns receive the rotations: z[i·ld + j], i < rows. */
export interface RotationTarget { z: Float64Array; rows: number; ld: number }

/** (z_a, z_b) ← (c·z_a + s·z_b, c·z_b − s·z_a) on two columns that need not be adjacent. */
function rotatePair(t: RotationTarget, a: number, b: number, c: number, s: number): void {
  for (let r = 0; r < t.rows * t.ld; r += t.ld) {
    const x = t.z[r + a], y = t.z[r + b];
    t.z[r + a] = c * x + s * y;
    t.z[r + b] = c * y - s * x;
  }
}

/**
 * SVD of the upper bidiagonal B = bidiag(d, e) (d: n, e: n−1) by the implicit-shift QR iteration of
 * Golub & Kahan (1965) and Golub & Reinsch (1970), in the form of LINPACK dsvdc: deflation by
 * the local test |e_k| ≤ ε(|d_k| + |d_{k+1}|), zero diagonal entries chased out with rotations,
 * Wilkinson shift from the trailing 2×2 of BᵀB. On return d holds the singular values (≥ 0,
 * unsorted); the first n columns of u and v are multiplied on the right by the left and right
 * rotations (u = Q, v = P on entry give A = U·diag(d)·Vᵀ). e is destroyed. Throws after 75·n sweeps.
 */
export function bdsqr(d: Float64Array, eIn: Float64Array, n: number, u: RotationTarget | null, v: RotationTarget | null): void {
  const s = d, e = new Float64Array(n + 1);
  e.set(eIn.subarray(0, Math.max(n - 1, 0)));
  const uc = new Float64Array(n), us = new Float64Array(n), vc = new Float64Array(n), vs = new Float64Array(n);
  let p = n, sweeps = 0;
  while (p > 0) {
    // k: the largest index below p−1 with a negligible e_k (−1 if none); the block is k+1..p−1.
    let k = p - 2;
    for (; k >= 0; k--) {
      if (Math.abs(e[k]) <= TINY + EPS * (Math.abs(s[k]) + Math.abs(s[k + 1]))) { e[k] = 0; break; }
    }
    let kase: number;
    if (k === p - 2) kase = 4;
    else {
      let ks = p - 1;
      for (; ks > k; ks--) {
        const t = (ks !== p ? Math.abs(e[ks]) : 0) + (ks !== k + 1 ? Math.abs(e[ks - 1]) : 0);
        if (Math.abs(s[ks]) <= TINY + EPS * t) { s[ks] = 0; break; }
      }
      if (ks === k) kase = 3;
      else if (ks === p - 1) kase = 1;
      else { kase = 2; k = ks; }
    }
    k++;
    if (kase === 1) {
      // s_{p−1} = 0: chase e_{p−2} up the last column with rotations from the right.
      let f = e[p - 2];
      e[p - 2] = 0;
      for (let j = p - 2; j >= k; j--) {
        const t = pythag(s[j], f), c = s[j] / t, sn = f / t;
        s[j] = t;
        if (j !== k) { f = -sn * e[j - 1]; e[j - 1] = c * e[j - 1]; }
        if (v) rotatePair(v, j, p - 1, c, sn);
      }
    } else if (kase === 2) {
      // s_{k−1} = 0: chase e_{k−1} along row k−1 with rotations from the left.
      let f = e[k - 1];
      e[k - 1] = 0;
      for (let j = k; j < p; j++) {
        const t = pythag(s[j], f), c = s[j] / t, sn = f / t;
        s[j] = t;
        f = -sn * e[j];
        e[j] = c * e[j];
        if (u) rotatePair(u, j, k - 1, c, sn);
      }
    } else if (kase === 3) {
      if (++sweeps > MAXIT * n) throw new Error(`bdsqr: no convergence after ${MAXIT * n} sweeps`);
      // One implicit QR sweep on rows/columns k..p−1, shifted by the eigenvalue of the trailing
      // 2×2 of BᵀB nearer its last entry; quantities scaled to avoid overflow in the squares.
      const scale = Math.max(Math.abs(s[p - 1]), Math.abs(s[p - 2]), Math.abs(e[p - 2]), Math.abs(s[k]), Math.abs(e[k]));
      const sp = s[p - 1] / scale, spm1 = s[p - 2] / scale, epm1 = e[p - 2] / scale, sk = s[k] / scale, ek = e[k] / scale;
      const b = ((spm1 + sp) * (spm1 - sp) + epm1 * epm1) / 2, cc = (sp * epm1) * (sp * epm1);
      let shift = 0;
      if (b !== 0 || cc !== 0) { shift = Math.sqrt(b * b + cc); if (b < 0) shift = -shift; shift = cc / (b + shift); }
      let f = (sk + sp) * (sk - sp) + shift, g = sk * ek;
      for (let j = k; j < p - 1; j++) {
        let t = pythag(f, g), c = t === 0 ? 1 : f / t, sn = t === 0 ? 0 : g / t;
        if (j !== k) e[j - 1] = t;
        f = c * s[j] + sn * e[j];
        e[j] = c * e[j] - sn * s[j];
        g = sn * s[j + 1];
        s[j + 1] = c * s[j + 1];
        vc[j] = c; vs[j] = sn;
        t = pythag(f, g); c = t === 0 ? 1 : f / t; sn = t === 0 ? 0 : g / t;
        s[j] = t;
        f = c * e[j] + sn * s[j + 1];
        s[j + 1] = -sn * e[j] + c * s[j + 1];
        g = sn * e[j + 1];
        e[j + 1] = c * e[j + 1];
        uc[j] = c; us[j] = sn;
      }
      e[p - 2] = f;
      if (v) rotateForward(v.z, v.rows, v.ld, k, p - 1, vc, vs);
      if (u) rotateForward(u.z, u.rows, u.ld, k, p - 1, uc, us);
    } else {
      // Converged: make s_k non-negative (flipping the right vector) and shrink the problem.
      if (s[k] <= 0) {
        s[k] = s[k] < 0 ? -s[k] : 0;
        if (v) for (let r = 0; r < v.rows * v.ld; r += v.ld) v.z[r + k] = -v.z[r + k];
      }
      p--;
    }
  }
}
