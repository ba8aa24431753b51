/**
 * Implicit QL/QR iteration with Wilkinson shifts for a symmetric tridiagonal matrix, after LAPACK
 * dsteqr (Greenberg & Parlett; Golub & Van Loan §8.3). Each unreduced block is run as QL when its
 * top is larger than its bottom and as QR otherwise, so graded matrices converge from the small end.
 */

import { pythag } from './pythag.ts';
import { rotateBackward, rotateForward } from './rotations.ts';

const EPS = Number.EPSILON / 2;
const EPS2 = EPS * EPS;
const SAFMIN = 2.2250738585072014e-308;
const MAXIT = 30;

/** Eigen-decomposition of [[a, b], [b, c]]: out = [rt1, rt2, cs, sn], (cs, sn) the unit eigenvector of rt1 (LAPACK dlaev2). */
function eig2(a: number, b: number, c: number, out: Float64Array): void {
  const sm = a + c, df = a - c, adf = Math.abs(df), tb = b + b, ab = Math.abs(tb);
  const [acmx, acmn] = Math.abs(a) > Math.abs(c) ? [a, c] : [c, a];
  const rt = adf > ab ? adf * Math.sqrt(1 + (ab / adf) ** 2) : adf < ab ? ab * Math.sqrt(1 + (adf / ab) ** 2) : ab * Math.SQRT2;
  let rt1: number, rt2: number, sgn1: number;
  if (sm < 0) { rt1 = 0.5 * (sm - rt); sgn1 = -1; rt2 = (acmx / rt1) * acmn - (b / rt1) * b; }
  else if (sm > 0) { rt1 = 0.5 * (sm + rt); sgn1 = 1; rt2 = (acmx / rt1) * acmn - (b / rt1) * b; }
  else { rt1 = 0.5 * rt; rt2 = -0.5 * rt; sgn1 = 1; }
  const sgn2 = df >= 0 ? 1 : -1, cs = df >= 0 ? df + rt : df - rt;
  let cs1: number, sn1: number;
  if (Math.abs(cs) > ab) { const ct = -tb / cs; sn1 = 1 / Math.sqrt(1 + ct * ct); cs1 = ct * sn1; }
  else if (ab === 0) { cs1 = 1; sn1 = 0; }
  else { const tn = -cs / tb; cs1 = 1 / Math.sqrt(1 + tn * tn); sn1 = tn * cs1; }
  if (sgn1 === sgn2) { const tn = cs1; cs1 = -sn1; sn1 = tn; }
  out[0] = rt1; out[1] = rt2; out[2] = cs1; out[3] = sn1;
}

/**
 * Eigenvalues of the symmetric tridiagonal T = tridiag(e, d, e) (d: n, e: n−1), written unsorted into d;
 * when z (row-major n×n) is given it is multiplied on the right by the accumulated rotations, so
 * z = Q on entry gives the eigenvectors of Q·T·Qᵀ in its columns. e is destroyed. Throws when 30·n
 * sweeps do not converge.
 */
export function steqr(d: Float64Array, e: Float64Array, z: Float64Array | null, n: number): void {
  const cs = new Float64Array(n), sn = new Float64Array(n), two = new Float64Array(4);
  const nmaxit = MAXIT * n;
  let jtot = 0, l1 = 0;
  while (l1 < n) {
    if (l1 > 0) e[l1 - 1] = 0;
    let m = l1;
    for (; m < n - 1; m++) {
      const t = Math.abs(e[m]);
      if (t === 0) break;
      if (t <= Math.sqrt(Math.abs(d[m])) * Math.sqrt(Math.abs(d[m + 1])) * EPS) { e[m] = 0; break; }
    }
    let l = l1, lend = m;
    l1 = m + 1;
    if (lend === l) continue;
    if (Math.abs(d[lend]) < Math.abs(d[l])) { lend = l; l = m; }
    if (lend > l) {
      for (;;) { // QL: eigenvalues converge at the top of the block
        for (m = l; m < lend; m++) if (e[m] * e[m] <= EPS2 * Math.abs(d[m]) * Math.abs(d[m + 1]) + SAFMIN) break;
        if (m < lend) e[m] = 0;
        if (m === l) { if (++l <= lend) continue; break; }
        if (m === l + 1) {
          eig2(d[l], e[l], d[l + 1], two);
          if (z) { cs[l] = two[2]; sn[l] = two[3]; rotateBackward(z, n, n, l, l + 1, cs, sn); }
          d[l] = two[0]; d[l + 1] = two[1]; e[l] = 0;
          if ((l += 2) <= lend) continue;
          break;
        }
        if (jtot === nmaxit) break;
        jtot++;
        let p = d[l], g = (d[l + 1] - p) / (2 * e[l]), r = pythag(g, 1);
        g = d[m] - p + e[l] / (g + (g >= 0 ? r : -r));
        let s = 1, c = 1;
        p = 0;
        for (let i = m - 1; i >= l; i--) {
          const f = s * e[i], b = c * e[i];
          if (f === 0) { c = 1; s = 0; r = g; } else if (g === 0) { c = 0; s = 1; r = f; } else { r = pythag(g, f); c = g / r; s = f / r; }
          if (i !== m - 1) e[i + 1] = r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
          cs[i] = c; sn[i] = -s;
        }
        if (z) rotateBackward(z, n, n, l, m, cs, sn);
        d[l] -= p; e[l] = g;
      }
    } else {
      for (;;) { // QR: eigenvalues converge at the bottom of the block
        for (m = l; m > lend; m--) if (e[m - 1] * e[m - 1] <= EPS2 * Math.abs(d[m]) * Math.abs(d[m - 1]) + SAFMIN) break;
        if (m > lend) e[m - 1] = 0;
        if (m === l) { if (--l >= lend) continue; break; }
        if (m === l - 1) {
          eig2(d[l - 1], e[l - 1], d[l], two);
          if (z) { cs[l - 1] = two[2]; sn[l - 1] = two[3]; rotateForward(z, n, n, l - 1, l, cs, sn); }
          d[l - 1] = two[0]; d[l] = two[1]; e[l - 1] = 0;
          if ((l -= 2) >= lend) continue;
          break;
        }
        if (jtot === nmaxit) break;
        jtot++;
        let p = d[l], g = (d[l - 1] - p) / (2 * e[l - 1]), r = pythag(g, 1);
        g = d[m] - p + e[l - 1] / (g + (g >= 0 ? r : -r));
        let s = 1, c = 1;
        p = 0;
        for (let i = m; i < l; i++) {
          const f = s * e[i], b = c * e[i];
          if (f === 0) { c = 1; s = 0; r = g; } else if (g === 0) { c = 0; s = 1; r = f; } else { r = pythag(g, f); c = g / r; s = f / r; }
          if (i !== m) e[i - 1] = r;
          g = d[i] - p;
          r = (d[i + 1] - g) * s + 2 * c * b;
          p = s * r;
          d[i] = g + p;
          g = c * r - b;
          cs[i] = c; sn[i] = s;
        }
        if (z) rotateForward(z, n, n, m, l, cs, sn);
        d[l] -= p; e[l - 1] = g;
      }
    }
    if (jtot === nmaxit) {
      for (let i = 0; i < n - 1; i++) if (e[i] !== 0) throw new Error(`steqr: no convergence after ${nmaxit} iterations`);
    }
  }
}
